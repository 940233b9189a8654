// Any table of the registry (loaders/tables.ts) as Parquet, for the explore page's SQL: data/tables/<name>.parquet.
import { runLoader, writeTableFor } from "../../../loaders/site/data-loader.js";

await runLoader((options) => `${options.table}.parquet`, async (options) => ({ rows: await writeTableFor(options, "parquet", process.stdout) }));
