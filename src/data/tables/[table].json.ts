// Any table of the registry (loaders/tables.ts) as JSON: data/tables/<name>.json. The build
// precomputes every table in one process (scripts/prepare-site.ts); this reads the result and
// loads the library (and DuckDB) only when that cache is missing.
import { parseArgs } from "node:util";
import { readCachedTable } from "../../../loaders/cached-table.js";
import { dataFolderFrom } from "../../../loaders/data-folder.js";

const { values } = parseArgs({ options: { table: { type: "string" } } });
const dataDir = dataFolderFrom();
const rows = readCachedTable(dataDir, values.table!) ?? (await (await import("../../../loaders/index.js")).tableOfFolder(dataDir, values.table!));
process.stdout.write(JSON.stringify(rows));
