import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Database } from "../loaders/core/db.js";
import { ingestFolder, type IngestResult } from "../loaders/ingest/ingest.js";
import { formatProblem, IngestError } from "../loaders/core/errors.js";
import { PROJECT_DIR } from "./support/project.js";

const FIXTURES = join(PROJECT_DIR, "test", "fixtures", "line-items");

async function ingestWith(
  file: string,
  source: object,
  check: (db: Database, result: IngestResult) => Promise<void>
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cva-lines-"));
  cpSync(join(FIXTURES, file), join(dir, file));
  writeFileSync(join(dir, "cva.config.json"), JSON.stringify({ sources: [{ file, ...source }] }));
  const db = await Database.open();
  try {
    await check(db, await ingestFolder(db, dir));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const orders = (db: Database) =>
  db.rows(
    `SELECT order_id, customer_id, ordered_at::VARCHAR AS ordered_at, amount::DOUBLE AS amount, quantity FROM orders ORDER BY order_id`
  );

describe("a Shopify orders export (a row per line item, order fields on the first line only)", () => {
  it("is one order per Name, its Subtotal the amount, refunds a row of their own, e-mails pseudonymized, with only the format named", async () => {
    await ingestWith("orders_export_1.csv", { format: "shopify" }, async (db, result) => {
      const rows = (await orders(db)) as { customer_id: string }[];
      const ann = rows[0]!.customer_id;
      expect(ann).toMatch(/^anon-[0-9a-f]{16}$/);
      // By hand: Subtotal of each order (after its discount); created at -05:00, dated in UTC.
      expect(rows).toEqual([
        { order_id: "#1001", customer_id: ann, ordered_at: "2025-12-06 15:37:33", amount: 130, quantity: 3 },
        {
          order_id: "#1002",
          customer_id: rows[1]!.customer_id,
          ordered_at: "2025-12-08 04:15:02",
          amount: 45.5,
          quantity: 1
        },
        {
          order_id: "#1002 (refund)",
          customer_id: rows[1]!.customer_id,
          ordered_at: "2025-12-08 04:15:02",
          amount: -20,
          quantity: null
        },
        { order_id: "#1003", customer_id: ann, ordered_at: "2025-12-20 13:00:00", amount: 300, quantity: 5 }
      ]);
      expect(rows[1]!.customer_id).not.toBe(ann);
      expect(await db.rows(`SELECT * FROM rejects`)).toEqual([]);
      expect(result.warnings).toContainEqual({
        file: "orders_export_1.csv",
        message: "6 line items read as 3 orders (each order's rejects name its first line)"
      });
      // Nothing of the billing and shipping columns is kept.
      expect((await db.columns(`SELECT * FROM orders`)).map((c) => c.name)).toEqual([
        "order_id",
        "customer_id",
        "ordered_at",
        "amount",
        "product_id",
        "quantity",
        "currency"
      ]);
    });
  });
});

describe("invoice lines (UCI Online Retail, re-saved as CSV by Excel)", () => {
  const lines = {
    order: "InvoiceNo",
    customer: "CustomerID",
    date: "InvoiceDate",
    quantity: "Quantity",
    price: "UnitPrice",
    product: "StockCode"
  };

  it("sums quantity × price per invoice; a cancellation (C…) is a refund; a line without a customer or with an unreadable quantity rejects its invoice, by its line", async () => {
    await ingestWith("Online Retail.csv", { export: "orders", lines }, async (db) => {
      // By hand: 536365 = 6 × 2.55 + 6 × 3.39 + 8 × 2.75 = 57.64; 536366 = 6 × 1.85; C536379 = −1 × 27.50; 537000 = 2 × 10.95.
      expect(await orders(db)).toEqual([
        { order_id: "536365", customer_id: "17850", ordered_at: "2010-12-01 08:26:00", amount: 57.64, quantity: 20 },
        { order_id: "536366", customer_id: "17850", ordered_at: "2010-12-01 08:28:00", amount: 11.1, quantity: 6 },
        { order_id: "537000", customer_id: "12583", ordered_at: "2010-12-13 10:05:00", amount: 21.9, quantity: 2 },
        { order_id: "C536379", customer_id: "14527", ordered_at: "2010-12-01 09:41:00", amount: -27.5, quantity: -1 }
      ]);
      expect(await db.rows(`SELECT line, "column", rule, message FROM rejects ORDER BY line`)).toEqual([
        { line: 7, column: "customer_id", rule: "missing-value", message: "customer_id is required" },
        {
          line: 9,
          column: null,
          rule: "bad-line-item",
          message: 'line 9: Quantity "one" is not a number: the order is rejected with it'
        }
      ]);
      expect(await db.rows(`SELECT rows_read, rows_accepted, rows_rejected FROM ingest_files`)).toEqual([
        { rows_read: 6, rows_accepted: 4, rows_rejected: 2 }
      ]);
    });
  });

  it("names a mapped column that is not in the file", async () => {
    await expect(
      ingestWith("Online Retail.csv", { export: "orders", lines: { ...lines, price: "Price" } }, async () => {})
    ).rejects.toSatisfy(
      (error: unknown) =>
        error instanceof IngestError &&
        error.problems
          .map(formatProblem)
          .join("\n")
          .includes("sources.0.lines.price: Price is not a column of Online Retail.csv")
    );
  });
});

describe("Olist-style split files (items, orders and customers apart)", () => {
  it("joins the orders file and then the customers file to the items, so one customer's two orders link by customer_unique_id", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cva-olist-"));
    cpSync(join(FIXTURES, "olist"), dir, { recursive: true });
    writeFileSync(
      join(dir, "cva.config.json"),
      JSON.stringify({
        sources: [
          {
            file: "olist_order_items_dataset.csv",
            export: "orders",
            lines: {
              order: "order_id",
              price: "price",
              product: "product_id",
              customer: "customer_unique_id",
              date: "order_purchase_timestamp",
              join: [
                { file: "olist_orders_dataset.csv", on: "order_id" },
                { file: "olist_customers_dataset.csv", on: "customer_id" }
              ]
            }
          }
        ]
      })
    );
    const db = await Database.open();
    try {
      const result = await ingestFolder(db, dir);
      // By hand: each order's item prices (freight is not revenue); two items of 199.00 make 398.00.
      expect(await orders(db)).toEqual([
        {
          order_id: "00010242fe8c5a6d1ba2dd792cb16214",
          customer_id: "871766c5855e863f6eccc05f988b23cb",
          ordered_at: "2017-09-13 08:59:02",
          amount: 58.9,
          quantity: 1
        },
        {
          order_id: "00018f77f2f0320c557190d7a144bdd3",
          customer_id: "eb28e67c4c0b83846050ddfb8a35d051",
          ordered_at: "2017-04-26 10:53:06",
          amount: 239.9,
          quantity: 1
        },
        {
          order_id: "000229ec398224ef6ca0657da4fc703e",
          customer_id: "871766c5855e863f6eccc05f988b23cb",
          ordered_at: "2018-01-14 14:33:31",
          amount: 398,
          quantity: 2
        }
      ]);
      // The unavailable order has no item, so no amount: it is counted, not dropped silently; the joined files are not "ignored".
      expect(result.warnings.map((w) => w.message)).toContain(
        "1 row of olist_orders_dataset.csv matches no line by order_id: not read (no line, no amount)"
      );
      expect(result.ignored).toEqual([]);
      expect(
        (await db.rows<{ file: string }>(`SELECT file FROM ingest_sources ORDER BY file`)).map((r) => r.file)
      ).toEqual([
        "cva.config.json",
        "olist_customers_dataset.csv",
        "olist_order_items_dataset.csv",
        "olist_orders_dataset.csv"
      ]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a WooCommerce order export (a plugin's row per line item)", () => {
  it("sums quantity × item cost per order, less the order's discount, and drops the billing e-mail", async () => {
    const lines = {
      order: "Order Number",
      customer: "Customer User ID",
      date: "Order Date",
      quantity: "Quantity",
      price: "Item Cost",
      discount: "Order Discount Amount",
      product: "SKU"
    };
    await ingestWith("woocommerce-orders.csv", { export: "orders", lines }, async (db) => {
      // By hand: 4021 = 1 × 50.00 + 3 × 4.50 − 5.00 = 58.50; 4022 = 2 × 19.99 = 39.98.
      expect(await orders(db)).toEqual([
        { order_id: "4021", customer_id: "17", ordered_at: "2025-11-03 14:05:00", amount: 58.5, quantity: 4 },
        { order_id: "4022", customer_id: "18", ordered_at: "2025-11-04 09:00:00", amount: 39.98, quantity: 2 }
      ]);
      expect(JSON.stringify(await db.rows(`SELECT * FROM orders`))).not.toContain("@");
    });
  });
});
