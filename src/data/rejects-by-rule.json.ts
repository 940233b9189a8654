// Rejected rows per file and rule, for the data-quality page.
import { dataFolderFrom, tableOfFolder } from "../../loaders/index.js";

process.stdout.write(JSON.stringify(await tableOfFolder(dataFolderFrom(), "rejects-by-rule")));
