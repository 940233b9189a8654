// Any table of the registry (loaders/tables.ts) as CSV, for downloads: data/tables/<name>.csv.
import { parseArgs } from "node:util";
import { dataFolderFrom, writeTableOfFolder } from "../../../loaders/index.js";

const { values } = parseArgs({ options: { table: { type: "string" } } });
await writeTableOfFolder(dataFolderFrom(), values.table!, "csv", { stream: process.stdout });
