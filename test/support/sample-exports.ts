import { csvParse } from "d3-dsv";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_DIR } from "./project.js";

/**
 * A sample folder's orders (as the data contract accepts them) and survey responses, parsed
 * with d3-dsv rather than DuckDB: the independent reading the site's figures are checked against.
 */
export function sampleExports(dataDir = join(PROJECT_DIR, "data")) {
  const read = (name: string) => csvParse(readFileSync(join(dataDir, `${name}.csv`), "utf-8"));
  const customers = new Set(read("customers").map((d) => d.customer_id));
  const orders = read("orders").filter((d) => d.ordered_at !== "0000-00-00" && customers.has(d.customer_id));
  return { orders, responses: read("responses") };
}

/** The overview's net revenue card for 2025-Q4 (the sample's last quarter), as it reads: `$9.8M`. */
export function q4RevenueCard(dataDir?: string): string {
  const revenue = sampleExports(dataDir)
    .orders.filter((d) => d.ordered_at! >= "2025-10-01")
    .reduce((sum, d) => sum + Number(d.amount), 0);
  return `$${(revenue / 1e6).toFixed(1)}M`;
}
