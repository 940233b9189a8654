// Any table of the registry (loaders/tables.ts) as JSON: data/tables/<name>.json.
import { parseArgs } from "node:util";
import { dataFolderFrom, tableOfFolder } from "../../../loaders/index.js";

const { values } = parseArgs({ options: { table: { type: "string" } } });
process.stdout.write(JSON.stringify(await tableOfFolder(dataFolderFrom(), values.table!)));
