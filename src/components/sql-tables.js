// The explore page's database: DuckDB-Wasm with the site's Parquet tables. DuckDB-Wasm is built
// without its parquet extension and would download it from DuckDB's site, which this site never
// contacts; so each file is read by parquet-wasm (vendored, as for FileAttachment.parquet()) and
// handed to DuckDB as an Arrow IPC stream, which DuckDB-Wasm reads natively.
import * as Arrow from "npm:apache-arrow";
import { DuckDBClient } from "npm:@observablehq/duckdb";

/** A DuckDBClient with a table per entry of `files` ({name: FileAttachment of a .parquet}). */
export async function duckdbOfParquet(files) {
  const client = await DuckDBClient.of();
  const db = client._db;
  const setup = await db.connect();
  try {
    // A query that needs an extension fails with DuckDB's message instead of fetching it.
    await setup.query("SET GLOBAL autoinstall_known_extensions = false");
    await setup.query("SET GLOBAL autoload_known_extensions = false");
  } finally {
    await setup.close();
  }
  const insert = async ([name, file]) => {
    const ipc = Arrow.tableToIPC(await file.parquet(), "stream");
    const connection = await db.connect();
    try {
      await connection.insertArrowFromIPCStream(ipc, { name, schema: "main", create: true });
    } finally {
      await connection.close();
    }
  };
  // parquet-wasm fetches its 5 MB binary on first use, once per use begun before the first
  // finishes: one table first, then the rest together.
  const [first, ...rest] = Object.entries(files);
  if (first) await insert(first);
  await Promise.all(rest.map(insert));
  return client;
}
