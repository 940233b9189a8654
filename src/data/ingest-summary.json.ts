// Per export file: rows read, accepted and rejected, for the data-quality page.
import { dataFolderFrom, tableOfFolder } from "../../loaders/index.js";

process.stdout.write(JSON.stringify(await tableOfFolder(dataFolderFrom(), "ingest-summary")));
