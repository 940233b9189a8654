import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableOfFolder } from "../loaders/index.js";
import { useSampleWarehouse } from "./support/sample-warehouse.js";

// Q1: 100 + 200 from C1 and C2; Q2: 50 + 80 + 40 from C1 and C3 (C3 twice); Q3: one order on
// 2024-07-15, far from the quarter's end: a partial quarter.
const ORDERS = `order_id,customer_id,ordered_at,amount
O1,C1,2024-01-10,100
O2,C2,2024-02-01,200
O3,C1,2024-04-05,50
O4,C3,2024-04-20,80
O5,C3,2024-06-28,40
O6,C2,2024-07-15,30
`;

describe("kpis on a hand-computed fixture", () => {
  let dataDir: string;
  let warehouseDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "cva-kpis-"));
    warehouseDir = mkdtempSync(join(tmpdir(), "cva-kpis-wh-"));
    writeFileSync(join(dataDir, "orders.csv"), ORDERS);
  });
  afterAll(() => [dataDir, warehouseDir].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("revenue and customers buying per quarter, relative changes, and which quarter is partial", async () => {
    const rows = (await tableOfFolder(dataDir, "kpis", { warehouseDir })) as Record<string, unknown>[];
    const pick = (kpi: string) =>
      rows
        .filter((r) => r.kpi === kpi)
        .map((r) => [r.quarter, r.value, r.previous, r.change, r.change_kind, r.complete]);
    expect(pick("revenue")).toEqual([
      ["2024-Q1", 300, null, null, null, true],
      ["2024-Q2", 170, 300, -0.4333, "relative", true], // 170 / 300 - 1
      ["2024-Q3", 30, 170, -0.8235, "relative", false] // 30 / 170 - 1; the export ends 2024-07-15
    ]);
    expect(pick("customers")).toEqual([
      ["2024-Q1", 2, null, null, null, true],
      ["2024-Q2", 2, 2, 0, "relative", true],
      ["2024-Q3", 1, 2, -0.5, "relative", false]
    ]);
    expect(rows.every((r) => r.significant === null)).toBe(true); // population totals: nothing to test
  });
});

describe("kpis on the sample agree with the tables they summarize", () => {
  const sample = useSampleWarehouse();

  it("takes each survey figure from its own table at the quarter's wave, and tests changes on their standard errors", async () => {
    const kpis = await sample.rows("kpis");
    const nps = (await sample.rows("nps")).filter((r) => r.is_ours && r.segment === "All");
    const map = (await sample.rows("value-map")).filter((r) => r.is_ours && r.segment === "All");
    for (const row of kpis.filter((r) => r.kpi === "nps")) {
      const source = nps.find((r) => r.wave === row.quarter)!;
      expect(row.value).toBe(source.nps);
      if (row.previous === null) continue;
      const before = nps.find((r) => r.wave === row.previous_quarter)!;
      expect(row.change).toBeCloseTo(source.nps - before.nps, 4);
      const zScore = Math.abs(source.nps - before.nps) / Math.hypot(source.se, before.se);
      expect(row.p_value).toBeCloseTo(2 * (1 - normalCdf(zScore, 0, 1)), 5);
    }
    // Holm across each quarter's cards, by hand: the i-th smallest of m p-values times m − i,
    // never below the one before it; significant below 5%.
    for (const quarter of new Set(kpis.map((r) => r.quarter))) {
      const cards = kpis.filter((r) => r.quarter === quarter && r.p_value !== null);
      const sorted = [...cards].sort((a, b) => a.p_value - b.p_value);
      let running = 0;
      sorted.forEach((card, i) => {
        running = Math.max(running, Math.min(1, (sorted.length - i) * card.p_value));
        expect(card.p_holm).toBeCloseTo(running, 5);
        expect(card.significant).toBe(running < 0.05);
      });
    }
    for (const row of kpis.filter((r) => r.kpi === "quality"))
      expect(row.value).toBe(map.find((r) => r.wave === row.quarter)!.quality_score);
    for (const row of kpis.filter((r) => r.kpi === "price"))
      expect(row.value).toBe(map.find((r) => r.wave === row.quarter)!.relative_price);
    expect(kpis.filter((r) => r.kpi === "nps").map((r) => r.quarter)).toEqual([
      "2024-Q1",
      "2024-Q2",
      "2024-Q3",
      "2024-Q4",
      "2025-Q1",
      "2025-Q2",
      "2025-Q3",
      "2025-Q4"
    ]);
  });

  it("takes revenue, customers and retention from the revenue and churn tables", async () => {
    const kpis = await sample.rows("kpis");
    const revenue = await sample.rows("revenue-by-quarter");
    const churn = (await sample.rows("churn")).filter((r) => r.segment === "All");
    for (const r of revenue) {
      expect(kpis.find((k) => k.kpi === "revenue" && k.quarter === r.quarter)!.value).toBeCloseTo(r.revenue, 2);
      expect(kpis.find((k) => k.kpi === "customers" && k.quarter === r.quarter)!.value).toBe(r.customers);
    }
    for (const c of churn) {
      const kept = kpis.find((k) => k.kpi === "retention" && k.quarter === c.quarter)!;
      expect(kept.value).toBeCloseTo(1 - c.churn_rate, 4);
    }
    // Two-proportion z test of 2025-Q4 against 2025-Q3, by hand.
    const [q3, q4] = ["2025-Q3", "2025-Q4"].map((q) => churn.find((c) => c.quarter === q)!);
    const pooled = (q3!.churned + q4!.churned) / (q3!.customers + q4!.customers);
    const zScore =
      Math.abs(q4!.churned / q4!.customers - q3!.churned / q3!.customers) /
      Math.sqrt(pooled * (1 - pooled) * (1 / q3!.customers + 1 / q4!.customers));
    const kept = kpis.find((k) => k.kpi === "retention" && k.quarter === "2025-Q4")!;
    expect(kept.p_value).toBeCloseTo(2 * (1 - normalCdf(zScore, 0, 1)), 5);
    expect(kept.significant).toBe(kept.p_holm < 0.05);
    expect(kept.p_holm).toBeGreaterThanOrEqual(kept.p_value);
    expect(kpis.filter((k) => k.kpi === "revenue").every((k) => k.complete)).toBe(true); // the sample ends on 2025-12-31
  });

  it("values the customer base at the last quarter as the per-customer CLV table sums it", async () => {
    const base = await sample.rows("customer-base-value");
    const clv = await sample.rows("clv");
    const total = clv.reduce((sum, r) => sum + r.clv_3y, 0);
    const last = base.at(-1)!;
    expect(last.customers).toBe(clv.length);
    // Recency and age rounded to whole weeks, and the models refitted on them as of the quarter: within 0.2%.
    expect(Math.abs(last.clv_3y / total - 1)).toBeLessThan(0.002);
    // The base grows as customers are won: never smaller a quarter later in the sample.
    expect(base.every((b, i) => i === 0 || b.customers >= base[i - 1]!.customers)).toBe(true);
  });
});
