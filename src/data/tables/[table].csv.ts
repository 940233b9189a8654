// Any table of the registry (loaders/tables.ts) as CSV, for downloads: data/tables/<name>.csv.
import { runLoader, writeTableFor } from "../../../loaders/site/data-loader.js";

await runLoader((options) => `${options.table}.csv`, async (options) => ({ rows: await writeTableFor(options, "csv", process.stdout) }));
