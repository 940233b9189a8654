// Any table of the registry (loaders/tables.ts) as JSON: data/tables/<name>.json. The build
// precomputes every table in one process (scripts/prepare-site.ts); this reads the result and
// loads the library (and DuckDB) only when that cache is missing.
import { runLoader, tableRowsFor } from "../../../loaders/site/data-loader.js";

await runLoader((options) => `${options.table}.json`, async (options, report) => {
  const { rows, source } = await tableRowsFor(options, report);
  process.stdout.write(JSON.stringify(rows));
  return { rows: rows.length, source };
});
