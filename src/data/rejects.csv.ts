// Every reject (personal data withheld), offered as a download on the data-quality page.
import { dataFolderFrom, writeTableOfFolder } from "../../loaders/index.js";

await writeTableOfFolder(dataFolderFrom(), "rejects", "csv", { stream: process.stdout });
