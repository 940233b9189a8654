/**
 * One benchmark stage in its own process, so that its peak RSS is its own:
 *   tsx scripts/bench-stage.ts <overview|baseline> <data folder>
 * Prints one JSON line: {"seconds": ..., "peakRssMb": ...}.
 */
import { join } from "node:path";
import { Database } from "../loaders/db.js";
import { overviewOfFolder } from "../loaders/index.js";
import { literal } from "../loaders/sql.js";

const [stage, dataDir] = process.argv.slice(2);
if (!dataDir || (stage !== "overview" && stage !== "baseline")) {
  console.error("usage: bench-stage.ts <overview|baseline> <data folder>");
  process.exit(2);
}

/** The physical floor: the same aggregates in one plain SQL script, nothing declared or checked. */
async function baseline(dir: string): Promise<void> {
  const db = await Database.open();
  const csv = (name: string) => `read_csv_auto(${literal(join(dir, `${name}.csv`))})`;
  await db.rows(`SELECT strftime(ordered_at, '%Y-Q') || quarter(ordered_at), sum(amount), count(*) FILTER (amount >= 0),
    count(DISTINCT customer_id) FILTER (amount >= 0), max(ordered_at) FROM ${csv("orders")} GROUP BY 1`);
  await db.rows(`SELECT wave, count(*), count(customer_id) FROM ${csv("responses")} GROUP BY 1`);
  await db.rows(`SELECT count(*) FROM ${csv("customers")}`);
  db.close();
}

const started = performance.now();
if (stage === "overview") await overviewOfFolder(dataDir);
else await baseline(dataDir);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ seconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
