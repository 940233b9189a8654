import { csvFormat, csvParse } from "d3-dsv";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Database } from "../loaders/core/db.js";
import { tableRows } from "../loaders/publish/table-output.js";
import { openWarehouse } from "../loaders/warehouse/warehouse.js";
import { publicDataset, sharedDataset } from "./support/datasets.js";

// Public datasets (test/fixtures/public/README.md; Telco from ../shared/datasets), converted here into our export format as
// an analyst would, then ingested. They are read in place, never copied into the project.
const TELCO = sharedDataset("telco", "WA_Fn-UseC_-Telco-Customer-Churn.csv");
const scratchDirs: string[] = [];
afterAll(() => scratchDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function ingestFiles(files: Record<string, string>): Promise<Database> {
  const dataDir = mkdtempSync(join(tmpdir(), "cva-real-data-"));
  const warehouseDir = mkdtempSync(join(tmpdir(), "cva-real-wh-"));
  scratchDirs.push(dataDir, warehouseDir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dataDir, name), text);
  return openWarehouse({ dataDir, warehouseDir });
}

describe.skipIf(!TELCO)("IBM's Telco churn export, as customers and orders", () => {
  const path = TELCO!;

  it("ingests every customer, rejects the 11 blank TotalCharges by rule, and reconciles", async () => {
    const rows = csvParse(readFileSync(path, "utf-8"));
    // The export has no dates: count tenure (months) back from December 2024, on the 28th so
    // that every month has the day.
    const acquired = (tenure: number) => new Date(Date.UTC(2024, 11 - tenure, 28)).toISOString().slice(0, 10);
    const customers = rows.map((d) => ({
      customer_id: d.customerID,
      segment: d.Contract,
      acquired_at: acquired(Number(d.tenure)),
      churn: d.Churn,
      monthly_charges: d.MonthlyCharges
    }));
    const orders = rows.map((d) => ({
      order_id: `TOTAL-${d.customerID}`,
      customer_id: d.customerID,
      ordered_at: "2024-12-31",
      amount: d.TotalCharges
    }));
    const blank = rows.filter((d) => d.TotalCharges!.trim() === "").length;
    expect(blank).toBe(11); // as the datasets README says

    const db = await ingestFiles({ "customers.csv": csvFormat(customers), "orders.csv": csvFormat(orders) });
    try {
      expect(
        await db.rows(`SELECT file, rows_read, rows_accepted, rows_rejected FROM ingest_files ORDER BY file`)
      ).toEqual([
        { file: "customers.csv", rows_read: 7043, rows_accepted: 7043, rows_rejected: 0 },
        { file: "orders.csv", rows_read: 7043, rows_accepted: 7043 - blank, rows_rejected: blank }
      ]);
      expect(await db.rows(`SELECT rule, "column", count(*)::INT AS n FROM rejects GROUP BY ALL`)).toEqual([
        { rule: "missing-value", column: "amount", n: blank }
      ]);
      // Extra columns are kept: the published churn figure comes through ingest intact.
      expect(
        await db.rows(`SELECT count(*) FILTER (WHERE churn = 'Yes')::INT AS churned, count(*)::INT AS n FROM customers`)
      ).toEqual([{ churned: 1869, n: 7043 }]);
      // Churn, with the CRM's flag as the definition and the contract as the segment.
      const churn = await tableRows<Record<string, unknown>>(db, "churn");
      expect(churn.map((c) => [c.segment, c.churned, c.customers, c.churn_rate, c.definition])).toEqual([
        ["All", 1869, 7043, 0.2654, "flag: churn"],
        ["Month-to-month", 1655, 3875, 0.4271, "flag: churn"],
        ["One year", 166, 1473, 0.1127, "flag: churn"],
        ["Two year", 48, 1695, 0.0283, "flag: churn"]
      ]);
      const total = rows.reduce((sum, d) => sum + (Number(d.TotalCharges) || 0), 0);
      const [{ revenue }] = (await db.rows(`SELECT sum(amount)::DOUBLE AS revenue FROM orders`)) as [
        { revenue: number }
      ];
      expect(revenue).toBeCloseTo(total, 2);
    } finally {
      db.close();
    }
  });
});

describe("CDNOW's purchase log (whitespace separated, CRLF), as orders and customers", () => {
  const path = publicDataset("cdnow", "CDNOW_master.txt");

  it("ingests all 69,659 purchases of 23,570 customers and reconciles the dollars", async () => {
    const lines = readFileSync(path, "utf-8")
      .split(/\r?\n/)
      .slice(1)
      .filter((l) => l.trim() !== "");
    const purchases = lines.map((line, i) => {
      const [id, date, cds, dollars] = line.trim().split(/\s+/) as [string, string, string, string];
      return {
        order_id: `CD${i + 1}`,
        customer_id: id,
        ordered_at: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
        amount: dollars,
        quantity: cds
      };
    });
    const firstPurchase = new Map<string, string>();
    for (const p of purchases)
      if (!firstPurchase.has(p.customer_id) || p.ordered_at < firstPurchase.get(p.customer_id)!)
        firstPurchase.set(p.customer_id, p.ordered_at);
    const customers = [...firstPurchase].map(([customer_id, acquired_at]) => ({ customer_id, acquired_at }));

    const db = await ingestFiles({ "orders.csv": csvFormat(purchases), "customers.csv": csvFormat(customers) });
    try {
      expect(
        await db.rows(`SELECT file, rows_read, rows_accepted, rows_rejected FROM ingest_files ORDER BY file`)
      ).toEqual([
        { file: "customers.csv", rows_read: 23570, rows_accepted: 23570, rows_rejected: 0 },
        { file: "orders.csv", rows_read: 69659, rows_accepted: 69659, rows_rejected: 0 }
      ]);
      const dollars = purchases.reduce((sum, p) => sum + Number(p.amount), 0);
      const [totals] = (await db.rows(
        `SELECT sum(amount)::DOUBLE AS dollars, sum(quantity)::INT AS cds, min(ordered_at)::DATE AS first, max(ordered_at)::DATE AS last FROM orders`
      )) as [Record<string, unknown>];
      expect(totals.dollars).toBeCloseTo(dollars, 2);
      expect(totals).toMatchObject({
        cds: purchases.reduce((sum, p) => sum + Number(p.quantity), 0),
        first: "1997-01-01",
        last: "1998-06-30"
      });
    } finally {
      db.close();
    }
  });
});
