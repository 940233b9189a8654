import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPersonalName } from "../loaders/ingest/personal-columns.js";
import { withWarehouse } from "../loaders/index.js";
import { TABLES } from "../loaders/metrics/registry.js";
import { tableRows } from "../loaders/publish/table-output.js";
import { ingestChanged, VALID_FOLDER } from "./support/fixture-folder.js";

const csv = (...lines: string[]) => lines.join("\n") + "\n";

describe("customer keys that are e-mail addresses or phone numbers", () => {
  // As Shopify keys customers: by their e-mail, written differently from file to file.
  const FOLDER = {
    "customers.csv": csv(
      "customer_id,segment,acquired_at",
      "ann.lee@northwind.example,Enterprise,2024-01-05",
      "+1 303-555-0120,Small business,2024-02-10",
      "9001,Enterprise,2024-03-01"
    ),
    "orders.csv": csv(
      "order_id,customer_id,ordered_at,amount",
      "O1,Ann.Lee@Northwind.example,2024-01-15,100.00",
      "O2,+13035550120,2024-02-20,50.50",
      "O3,9001,2024-03-02,20.00",
      "O4,bo@unknown.example,2024-03-03,5.00"
    ),
    "responses.csv": csv(
      "respondent_id,wave,responded_at,customer_id,overall_satisfaction,likelihood_to_recommend",
      "R1,2024-Q1,2024-02-10,ann.lee@northwind.example,8,9",
      "R2,2024-Q1,2024-02-11,,6,6"
    ),
    "ratings.csv": csv("respondent_id,wave,brand,attribute,score", "R1,2024-Q1,Us,quality,8", "R2,2024-Q1,Us,quality,5")
  };
  const PERSONAL = ["ann.lee", "northwind.example", "Northwind.example", "303-555-0120", "3035550120", "bo@unknown"];
  let dataDir: string, warehouseDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "cva-keys-"));
    warehouseDir = mkdtempSync(join(tmpdir(), "cva-keys-wh-"));
    for (const [name, contents] of Object.entries({ ...VALID_FOLDER, ...FOLDER }))
      writeFileSync(join(dataDir, name), contents);
    rmSync(join(dataDir, "products.csv"));
  });
  afterAll(() => [dataDir, warehouseDir].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("are pseudonymized in every file alike, so orders still link to their customer; plain ids stay", async () => {
    await withWarehouse({ dataDir, warehouseDir }, async (db) => {
      const customers = await db.rows<{ customer_id: string }>(
        `SELECT customer_id FROM customers ORDER BY customer_id`
      );
      expect(customers.map((c) => c.customer_id.replace(/^anon-[0-9a-f]{16}$/, "anon-…"))).toEqual([
        "9001",
        "anon-…",
        "anon-…"
      ]);
      // Ann's orders and survey answer carry her pseudonym, whatever the case of her address; the phone number links by its digits.
      expect(
        await db.rows(`SELECT o.order_id, c.segment FROM orders o JOIN customers c USING (customer_id) ORDER BY 1`)
      ).toEqual([
        { order_id: "O1", segment: "Enterprise" },
        { order_id: "O2", segment: "Small business" },
        { order_id: "O3", segment: "Enterprise" }
      ]);
      expect(await db.rows(`SELECT r.respondent_id FROM responses r JOIN customers c USING (customer_id)`)).toEqual([
        { respondent_id: "R1" }
      ]);
      // The order of an unknown address is an orphan, and its reject shows the pseudonym.
      const [reject] = await db.rows<{ line: number; value: string; message: string }>(
        `SELECT line, value, message FROM rejects`
      );
      expect(reject!.line).toBe(5);
      expect(reject!.value).toMatch(/^anon-[0-9a-f]{16}$/);
      expect(reject!.message).toBe(`customer_id ${reject!.value} is not in customers.csv`);
    });
  });

  it("never reach a table the site publishes", async () => {
    const published = await withWarehouse({ dataDir, warehouseDir }, async (db) => {
      const out: string[] = [];
      for (const table of TABLES) out.push(JSON.stringify(await tableRows(db, table.name)));
      return out.join("\n");
    });
    expect(published).toContain("anon-");
    expect(PERSONAL.filter((value) => published.includes(value))).toEqual([]);
    expect(published).not.toContain(readFileSync(join(warehouseDir, "pseudonym.key"), "utf-8"));
  });

  it("keep the same pseudonym in every build of the warehouse folder, from a secret kept there", async () => {
    const first = await withWarehouse({ dataDir, warehouseDir }, (db) =>
      db.rows(`SELECT customer_id FROM customers ORDER BY 1`)
    );
    writeFileSync(join(dataDir, "orders.csv"), FOLDER["orders.csv"] + "O5,9001,2024-03-04,1.00\n");
    const second = await withWarehouse({ dataDir, warehouseDir }, (db) =>
      db.rows(`SELECT customer_id FROM customers ORDER BY 1`)
    );
    expect(second).toEqual(first);
    expect(readFileSync(join(warehouseDir, "pseudonym.key"), "utf-8")).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("columns that hold personal data", () => {
  it.each([
    "BillingStreet",
    "BillingPostalCode",
    "BillingLatitude",
    "Billing Longitude",
    "ContactPhone",
    "ContactMobile",
    "SuppliedName",
    "SuppliedPhone",
    "Billing Name",
    "Billing Address1",
    "Shipping Name",
    "Email",
    "E-mail Address",
    "First Name",
    "LastName",
    "IP Address",
    "Zip",
    "Deal owner",
    "Associated Contact",
    "Date of Birth"
  ])("%s is personal by its name", (name) => {
    expect(isPersonalName(name)).toBe(true);
  });

  it.each([
    "Account Name",
    "Lineitem name",
    "Company name",
    "OwnerId",
    "Contact ID",
    "City",
    "Segment",
    "Region",
    "Industry",
    "Name",
    "Amount"
  ])("%s is not", (name) => {
    expect(isPersonalName(name)).toBe(false);
  });

  it("are dropped by name or by their values, each drop named in the warnings, the rest kept", async () => {
    const outcome = await ingestChanged({
      "customers.csv": csv(
        "customer_id,segment,BillingStreet,BillingPostalCode,ContactMobile,SuppliedName,Notes,Account Phone Numbers,Tier",
        "C1,Enterprise,1 Main St,80202,+1 303 555 0101,Ann Lee,Prefers ann.lee@x.example,,Gold",
        "C2,Small business,2 Side St,80203,,Bo Chan,,(303) 555-0199,Silver"
      )
    });
    try {
      expect(outcome.problems).toEqual([]);
      expect(await outcome.db.rows(`SELECT column_name FROM (DESCRIBE customers)`)).toEqual(
        ["customer_id", "segment", "tier"].map((column_name) => ({ column_name }))
      );
      expect(outcome.result!.warnings.filter((w) => w.file === "customers.csv").map((w) => w.message)).toEqual([
        "columns billingstreet, billingpostalcode, contactmobile, suppliedname, account phone numbers look like personal data and were not kept (map one to name, email or phone under rename to keep it as the customer's contact)",
        "columns notes hold e-mail addresses or phone numbers and were not kept (map one to name, email or phone under rename to keep it as the customer's contact)"
      ]);
    } finally {
      outcome.dispose();
    }
  });

  it("are dropped from a file read directly too", async () => {
    const outcome = await ingestChanged({
      "orders.csv": csv(
        "order_id,customer_id,ordered_at,amount,Channel,Buyer",
        "O1,C1,2024-01-15,100.00,web,Ann <ann@x.example>",
        "O2,C2,2024-02-20,50.50,store,"
      )
    });
    try {
      expect(outcome.result!.readDirectly).toContain("orders");
      expect(await outcome.db.rows(`SELECT column_name FROM (DESCRIBE orders)`)).toEqual(
        ["order_id", "customer_id", "ordered_at", "amount", "channel"].map((column_name) => ({ column_name }))
      );
      expect(outcome.result!.warnings.map((w) => w.message)).toContain(
        "columns buyer hold e-mail addresses or phone numbers and were not kept (map one to name, email or phone under rename to keep it as the customer's contact)"
      );
    } finally {
      outcome.dispose();
    }
  });
});
