import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overviewOfFolder } from "../loaders/index.js";

// Five orders in two quarters, one of them a refund, one with a timestamp; figures by hand below.
const FIXTURE = {
  "customers.csv": `customer_id,name,email,phone,segment,region,acquired_at,rewards_member
C1,Ann Lee,ann@x.example,+1 202-555-0101,Enterprise,North,2023-12-01,true
C2,Bo Chan,bo@x.example,+1 202-555-0102,Small business,South,2024-02-01,false
C3,Cy Diaz,cy@x.example,+1 202-555-0103,Mid-market,East,2024-06-01,false
`,
  "orders.csv": `order_id,customer_id,ordered_at,amount,cost,product_id,quantity
O1,C1,2024-01-15,100.00,60.00,P1,1
O2,C2,2024-02-20,50.50,30.00,P2,2
O3,C1,2024-04-02,200.00,120.00,P1,2
O4,C1,2024-04-10,-100.00,-60.00,P1,-1
O5,C3,2024-06-30 23:59:00,10.25,5.00,P3,1
`,
  "responses.csv": `respondent_id,wave,responded_at,customer_id,segment,region,overall_satisfaction,perceived_value,likelihood_to_recommend,repurchase_intent,comment
R1,2024-Q1,2024-02-10,C1,Enterprise,North,8,7,9,4,"Good, fast"
R2,2024-Q1,2024-02-11,,Small business,South,6,5,6,3,
R1,2024-Q2,2024-05-12,C2,Small business,South,7,7,8,4,
`,
  "ratings.csv": `respondent_id,wave,brand,attribute,score
R1,2024-Q1,Us,quality,8
`,
  "cva.config.json": JSON.stringify({
    brand: "Us",
    competitors: ["Them"],
    attributes: [{ id: "quality", label: "Quality", group: "quality", owner: "Operations" }]
  })
};

describe("overviewOfFolder(dataDir)", () => {
  let dir: string;
  let warehouseDir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "cva-overview-"));
    warehouseDir = mkdtempSync(join(tmpdir(), "cva-warehouse-"));
    for (const [name, text] of Object.entries(FIXTURE)) writeFileSync(join(dir, name), text);
  });
  afterAll(() => [dir, warehouseDir].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("computes the headline figures: refunds reduce revenue but are not orders", async () => {
    expect(await overviewOfFolder(dir, { warehouseDir })).toEqual({
      asOf: "2024-06-30",
      customers: 3,
      revenue: 260.75, // 100 + 50.50 + 200 - 100 + 10.25
      orders: 4, // O4 is a refund
      respondents: 3,
      rejectedRows: 0,
      revenueByQuarter: [
        { quarter: "2024-Q1", revenue: 150.5, cost: 90, gross_margin: 60.5, orders: 2, customers: 2 },
        // C1 (O3) and C3 (O5); cost 120 - 60 + 5 = 65, margin 110.25 - 65 = 45.25
        { quarter: "2024-Q2", revenue: 110.25, cost: 65, gross_margin: 45.25, orders: 2, customers: 2 }
      ],
      responsesByWave: [
        { wave: "2024-Q1", respondents: 2, linked: 1 },
        { wave: "2024-Q2", respondents: 1, linked: 1 }
      ]
    });
  });

  it("counts customers from the orders when there is no customers export", async () => {
    const crmOnly = mkdtempSync(join(tmpdir(), "cva-crm-only-"));
    try {
      writeFileSync(join(crmOnly, "orders.csv"), FIXTURE["orders.csv"]);
      const overview = await overviewOfFolder(crmOnly, { warehouseDir });
      expect(overview).toMatchObject({ customers: 3, orders: 4, respondents: 0, responsesByWave: [] });
    } finally {
      rmSync(crmOnly, { recursive: true, force: true });
    }
  });
});
