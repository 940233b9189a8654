/**
 * npm run profile -- DATA_DIR [--top N]: where a data folder's ingest and tables spend their
 * time. Every SQL statement the library sends to DuckDB is timed (statements that differ only
 * in their literals add up), then each table the site precomputes. For the JavaScript side
 * (the CLV fits), run it under `node --cpu-prof`; for one statement, EXPLAIN ANALYZE it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Database } from "../loaders/core/db.js";
import { ensureWarehouse, precomputeTables } from "../loaders/index.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "20" } }
});
const dataDir = positionals[0];
if (!dataDir) {
  console.error("usage: npm run profile -- DATA_DIR [--top N]");
  process.exit(2);
}
const top = Number(values.top);

const statements = new Map<string, { seconds: number; calls: number }>();
for (const method of ["run", "rows"] as const) {
  const original = Database.prototype[method] as (this: Database, sql: string, ...rest: unknown[]) => Promise<unknown>;
  (Database.prototype as unknown as Record<string, unknown>)[method] = async function (
    this: Database,
    sql: string,
    ...rest: unknown[]
  ) {
    const started = performance.now();
    try {
      return await original.call(this, sql, ...rest);
    } finally {
      const key = sql
        .replace(/\s+/g, " ")
        .replace(/'[^']*'/g, "'…'")
        .trim()
        .slice(0, 140);
      const entry = statements.get(key) ?? { seconds: 0, calls: 0 };
      entry.seconds += (performance.now() - started) / 1000;
      entry.calls += 1;
      statements.set(key, entry);
    }
  };
}

const warehouseDir = mkdtempSync(join(tmpdir(), "cva-profile-"));
try {
  let started = performance.now();
  await ensureWarehouse({
    dataDir,
    warehouseDir,
    onStage: (stage) => console.error(`${((performance.now() - started) / 1000).toFixed(2).padStart(8)} s  ${stage}`)
  });
  const ingest = (performance.now() - started) / 1000;
  const ingestStatements = [...statements].sort((a, b) => b[1].seconds - a[1].seconds).slice(0, top);
  statements.clear();
  const tables: [string, number][] = [];
  started = performance.now();
  await precomputeTables({ dataDir, warehouseDir, onTable: (name, seconds) => tables.push([name, seconds]) });
  const compute = (performance.now() - started) / 1000;
  const print = (rows: [string, { seconds: number; calls: number }][]) =>
    rows.forEach(([sql, { seconds, calls }]) =>
      console.log(`${seconds.toFixed(2).padStart(8)} s ${String(calls).padStart(4)}×  ${sql}`)
    );
  console.log(`\ningest: ${ingest.toFixed(2)} s; slowest statements:`);
  print(ingestStatements);
  console.log(
    `\ntables: ${compute.toFixed(2)} s; slowest tables (a table's time includes work it shares with later ones):`
  );
  for (const [name, seconds] of tables.sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${seconds.toFixed(2).padStart(8)} s  ${name}`);
  console.log(`\nslowest statements of the tables:`);
  print([...statements].sort((a, b) => b[1].seconds - a[1].seconds).slice(0, top));
} finally {
  rmSync(warehouseDir, { recursive: true, force: true });
}
