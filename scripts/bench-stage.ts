/**
 * One benchmark stage in its own process, so that its peak RSS is its own:
 *   tsx scripts/bench-stage.ts ours <data folder> <warehouse folder>
 *   tsx scripts/bench-stage.ts baseline <data folder> <scratch folder>
 * Prints one JSON line: {"ingest": s, "tables": s, "peakRssMb": MB}.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Database } from "../loaders/db.js";
import { ensureWarehouse, overviewOfFolder, tableOfFolder } from "../loaders/index.js";
import { identifier, literal } from "../loaders/sql.js";

const [stage, dataDir, workDir] = process.argv.slice(2);
if (!dataDir || !workDir || (stage !== "ours" && stage !== "baseline" && stage !== "clv")) {
  console.error("usage: bench-stage.ts <ours|baseline|clv> <data folder> <work folder>");
  process.exit(2);
}

const seconds = (since: number) => (performance.now() - since) / 1000;

async function ours(): Promise<{ ingest: number; tables: number }> {
  let started = performance.now();
  await ensureWarehouse({ dataDir: dataDir!, warehouseDir: workDir! });
  const ingest = seconds(started);
  started = performance.now();
  await overviewOfFolder(dataDir!, { warehouseDir: workDir! });
  await tableOfFolder(dataDir!, "ingest-summary", { warehouseDir: workDir! });
  return { ingest, tables: seconds(started) };
}

/**
 * The physical floor: each CSV loaded into a DuckDB file with auto-detected types, then the
 * same aggregates in plain SQL; no validation, line numbers, rejects or typing rules.
 */
async function baseline(): Promise<{ ingest: number; tables: number }> {
  let started = performance.now();
  const db = await Database.open(join(workDir!, `baseline-${process.pid}.duckdb`));
  for (const file of readdirSync(dataDir!).filter((f) => f.endsWith(".csv"))) {
    await db.run(`CREATE TABLE ${identifier(file.slice(0, -4))} AS SELECT * FROM read_csv(${literal(join(dataDir!, file))}, header = true)`);
  }
  await db.run("CHECKPOINT");
  const ingest = seconds(started);
  started = performance.now();
  await db.rows(`SELECT strftime(TRY_CAST(ordered_at AS TIMESTAMP), '%Y-Q') || quarter(TRY_CAST(ordered_at AS TIMESTAMP)), sum(amount), sum(cost),
    count(*) FILTER (amount >= 0), count(DISTINCT customer_id) FILTER (amount >= 0), max(ordered_at) FROM orders GROUP BY 1`);
  await db.rows(`SELECT wave, count(*), count(customer_id) FROM responses GROUP BY 1`);
  await db.rows(`SELECT count(*) FROM customers`);
  db.close();
  return { ingest, tables: seconds(started) };
}

/** CLV end to end: ingest the orders, then both BG/NBD and Gamma-Gamma fits (clv-params). */
async function clv(): Promise<{ ingest: number; tables: number }> {
  let started = performance.now();
  await ensureWarehouse({ dataDir: dataDir!, warehouseDir: workDir! });
  const ingest = seconds(started);
  started = performance.now();
  await tableOfFolder(dataDir!, "clv-params", { warehouseDir: workDir! });
  return { ingest, tables: seconds(started) };
}

const result = stage === "ours" ? await ours() : stage === "clv" ? await clv() : await baseline();
console.log(JSON.stringify({ ...result, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
