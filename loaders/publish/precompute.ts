import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Database } from "../core/db.js";
import { literal } from "../core/sql.js";
import { TABLES } from "../metrics/registry.js";
import { contextOf } from "../warehouse/context.js";
import { writeTableCache } from "../warehouse/table-cache.js";
import { ensureWarehouse, type WarehouseOptions } from "../warehouse/warehouse.js";
import { copyQuery, tableQuery } from "./table-output.js";

/**
 * Computes every table of a data folder once, in one process, so that the tables sharing work
 * (the profiles behind nine of them) share it. Tables with a row per customer are left out:
 * pages read their summaries. Each is kept as JSON (what pages read), Parquet (typed: the
 * explore page's SQL tables) and CSV (the downloads, made safe to open in a spreadsheet).
 * Returns the number of tables computed (0 when the cache was current).
 */
export async function precomputeTables(
  options: WarehouseOptions & { onTable?: (name: string, seconds: number) => void }
): Promise<number> {
  const { path } = await ensureWarehouse(options);
  const tables = TABLES.filter((t) => !t.large);
  const written = await writeTableCache(path, async (dir) => {
    const db = await Database.open(path, { readOnly: true });
    try {
      const context = await contextOf(db);
      for (const table of tables) {
        const started = performance.now();
        // The query runs once, into Parquet; the CSV and JSON are read back from that file.
        const { query, rows } = await tableQuery(db, table.name, context);
        const parquet = join(dir, `${table.name}.parquet`);
        await copyQuery(db, table.name, query, "parquet", { out: parquet });
        const stored = `SELECT * FROM read_parquet(${literal(parquet)})`;
        await copyQuery(db, table.name, stored, "csv", { out: join(dir, `${table.name}.csv`) });
        writeFileSync(join(dir, `${table.name}.json`), JSON.stringify(rows ?? (await db.rows(stored))));
        options.onTable?.(table.name, (performance.now() - started) / 1000);
      }
    } finally {
      db.close();
    }
  });
  return written ? tables.length : 0;
}
