import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableOfFolder } from "../loaders/index.js";
import { PROMOTION_COHORT } from "../loaders/sample/model.js";
import { PROJECT_DIR } from "./support/project.js";

// Three customers, figures by hand below. The last order day (2024-09-30) is "today".
const ORDERS = `order_id,customer_id,ordered_at,amount,cost
O1,C1,2024-01-10,100,60
O2,C2,2024-02-01,200,150
O3,C1,2024-04-05,50,30
O4,C3,2024-04-20,80,40
O5,C1,2024-07-01,30,20
O6,C1,2024-07-02,-10,-6
O7,C3,2024-09-30,40,20
`;

describe("customer value tables on a hand-computed fixture", () => {
  let dataDir: string;
  let warehouseDir: string;
  const table = (name: string) => tableOfFolder(dataDir, name, { warehouseDir }) as Promise<Record<string, unknown>[]>;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "cva-customers-"));
    warehouseDir = mkdtempSync(join(tmpdir(), "cva-customers-wh-"));
    writeFileSync(join(dataDir, "orders.csv"), ORDERS);
  });
  afterAll(() => [dataDir, warehouseDir].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("cohort-retention: active share and revenue retention by quarter since the first order", async () => {
    expect(await table("cohort-retention")).toEqual([
      // 2024-Q1 cohort (C1, C2): 300 in Q1; C1 alone then: 50 in Q2, 30 - 10 = 20 in Q3.
      { cohort: "2024-Q1", period: 0, cohort_size: 2, active: 2, active_share: 1, revenue: 300, revenue_retention: 1 },
      { cohort: "2024-Q1", period: 1, cohort_size: 2, active: 1, active_share: 0.5, revenue: 50, revenue_retention: 0.1667 },
      { cohort: "2024-Q1", period: 2, cohort_size: 2, active: 1, active_share: 0.5, revenue: 20, revenue_retention: 0.0667 },
      // 2024-Q2 cohort (C3): 80, then 40.
      { cohort: "2024-Q2", period: 0, cohort_size: 1, active: 1, active_share: 1, revenue: 80, revenue_retention: 1 },
      { cohort: "2024-Q2", period: 1, cohort_size: 1, active: 1, active_share: 1, revenue: 40, revenue_retention: 0.5 }
    ]);
  });

  it("rfm: recency, frequency, monetary and margin, quintile scores and the segment rules", async () => {
    expect(await table("rfm")).toEqual([
      // recency from 2024-09-30; frequency counts orders, not refunds; monetary is net.
      { customer_id: "C2", recency_days: 242, frequency: 1, monetary: 200, margin: 50, r_score: 1, f_score: 1, m_score: 3, segment: "hibernating" },
      { customer_id: "C1", recency_days: 91, frequency: 3, monetary: 170, margin: 66, r_score: 2, f_score: 3, m_score: 2, segment: "at risk" },
      { customer_id: "C3", recency_days: 0, frequency: 2, monetary: 120, margin: 60, r_score: 3, f_score: 2, m_score: 1, segment: "need attention" }
    ]);
    const segments = await table("rfm-segments");
    expect(segments.reduce((s, r) => s + (r.revenue_share as number), 0)).toBeCloseTo(1, 3);
    expect(segments.find((s) => s.segment === "hibernating")).toMatchObject({ customers: 1, revenue: 200, revenue_share: 0.4082 });
  });

  it("churn: a customer churns the configured number of days after their last order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cva-churn-"));
    const wh = mkdtempSync(join(tmpdir(), "cva-churn-wh-"));
    try {
      writeFileSync(join(dir, "orders.csv"), ORDERS);
      writeFileSync(join(dir, "customers.csv"), "customer_id,segment\nC1,A\nC2,A\nC3,B\n");
      writeFileSync(join(dir, "cva.config.json"), JSON.stringify({ churn: { inactiveDays: 60 } }));
      const rows = (await tableOfFolder(dir, "churn", { warehouseDir: wh })) as Record<string, unknown>[];
      // C2's last order 2024-02-01 + 60 days = 2024-04-01: churned in Q2, at risk since Q1.
      // Q3: C1 (first order Q1) is at risk; its last order 2024-07-01 + 60 = 2024-08-30: churned in Q3.
      expect(rows.filter((r) => r.segment === "All")).toEqual([
        { quarter: "2024-Q2", segment: "All", customers: 2, churned: 1, churn_rate: 0.5, ci_low: 0.0945, ci_high: 0.9055, definition: "no order for 60 days" },
        { quarter: "2024-Q3", segment: "All", customers: 2, churned: 1, churn_rate: 0.5, ci_low: 0.0945, ci_high: 0.9055, definition: "no order for 60 days" }
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(wh, { recursive: true, force: true });
    }
  });

  it("value-concentration: cumulative revenue share of customers ranked by revenue", async () => {
    expect(await table("value-concentration")).toEqual([
      { percentile: 1, customer_share: 0.3333, revenue_share: 0.4082 }, // 200 / 490
      { percentile: 2, customer_share: 0.6667, revenue_share: 0.7551 }, // 370 / 490
      { percentile: 3, customer_share: 1, revenue_share: 1 }
    ]);
  });
});

describe("customer value on the sample data", () => {
  let warehouseDir: string;
  const table = (name: string) => tableOfFolder(join(PROJECT_DIR, "data"), name, { warehouseDir }) as Promise<Record<string, any>[]>;
  beforeAll(() => {
    warehouseDir = mkdtempSync(join(tmpdir(), "cva-customers-sample-"));
  });
  afterAll(() => rmSync(warehouseDir, { recursive: true, force: true }));

  it("shows rewards members retaining better, and the promotion cohort retaining worse", async () => {
    const levers = await table("levers");
    const members = levers.find((l) => l.lever === "rewards programme" && l.group === "members")!;
    const others = levers.find((l) => l.lever === "rewards programme" && l.group === "not members")!;
    expect(members.ci_low).toBeGreaterThan(others.ci_high);
    const cohorts = (await table("cohort-retention")).filter((c) => c.period === 3);
    const share = (cohort: string) => cohorts.find((c) => c.cohort === cohort)!.active_share;
    expect(share(PROMOTION_COHORT.quarter)).toBeLessThan(share("2024-Q1"));
    expect(share(PROMOTION_COHORT.quarter)).toBeLessThan(share("2024-Q3"));
  });

  it("ranks the best customers by CLV with ids only, and concentrates value in a few", async () => {
    const best = await table("best-customers");
    expect(best).toHaveLength(100);
    expect(Object.keys(best[0]!)).not.toContain("name");
    expect(best.every((b, i) => i === 0 || best[i - 1]!.clv_3y >= b.clv_3y)).toBe(true);
    const curve = await table("value-concentration");
    expect(curve.find((c) => c.percentile === 20)!.revenue_share).toBeGreaterThan(0.5);
  });
});
