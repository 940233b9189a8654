import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { contextOf } from "./context.js";
import { Database } from "./db.js";
import { copyQuery, TABLES, tableQuery } from "./tables.js";
import { ensureWarehouse, type WarehouseOptions } from "./warehouse.js";
import { literal } from "./sql.js";
import { tableCacheDirOf } from "./warehouse-key.js";

/**
 * Computes every table of a data folder once, in one process, so that the tables sharing work
 * (the profiles behind nine of them) share it, and writes each as JSON. Tables with a row per
 * customer are left out: pages read their summaries. Each is kept as JSON (what pages read)
 * and Parquet (typed: the explore page's SQL tables and the CSV downloads). Returns the number
 * of tables computed (0 when the cache was current).
 */
export async function precomputeTables(options: WarehouseOptions & { onTable?: (name: string, seconds: number) => void }): Promise<number> {
  const { path } = await ensureWarehouse(options);
  const dir = tableCacheDirOf(path);
  if (existsSync(join(dir, "complete"))) return 0;
  const scratch = `${dir}.${process.pid}.tmp`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const db = await Database.open(path, { readOnly: true });
  try {
    const context = await contextOf(db);
    for (const table of TABLES.filter((t) => !t.large)) {
      const started = performance.now();
      // The query runs once, into Parquet; the JSON is read back from that file.
      const { query, rows } = await tableQuery(db, table.name, context);
      const parquet = join(scratch, `${table.name}.parquet`);
      await copyQuery(db, table.name, query, "parquet", { out: parquet });
      writeFileSync(join(scratch, `${table.name}.json`), JSON.stringify(rows ?? (await db.rows(`SELECT * FROM read_parquet(${literal(parquet)})`))));
      options.onTable?.(table.name, (performance.now() - started) / 1000);
    }
  } finally {
    db.close();
  }
  writeFileSync(join(scratch, "complete"), "");
  rmSync(dir, { recursive: true, force: true });
  renameSync(scratch, dir);
  // Caches of other warehouses or older code are stale.
  for (const entry of readdirSync(dirname(path))) {
    if (entry.includes(".tables-") && join(dirname(path), entry) !== dir && !entry.endsWith(".tmp")) rmSync(join(dirname(path), entry), { recursive: true, force: true });
  }
  return TABLES.filter((t) => !t.large).length;
}
