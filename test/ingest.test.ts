import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Database } from "../loaders/core/db.js";
import { ingestFolder } from "../loaders/ingest/ingest.js";
import { WITHHELD } from "../loaders/ingest/rules.js";
import { formatProblem, IngestError } from "../loaders/core/errors.js";
import { CONTRACT } from "../loaders/contract/contract.js";
import { generateSample } from "../scripts/sample/generate.js";
import { ingestChanged, VALID_FOLDER, type IngestOutcome } from "./support/fixture-folder.js";

const ORDERS_HEADER = "order_id,customer_id,ordered_at,amount,cost,product_id,quantity";
const RATINGS_HEADER = "respondent_id,wave,brand,attribute,score";
const RESPONSES_HEADER = String(VALID_FOLDER["responses.csv"]).split("\n")[0]!;
const csv = (...lines: string[]) => lines.join("\n") + "\n";

/** Ingests the valid folder with `changes`, checks that counts reconcile, returns the outcome. */
async function ingest(changes: Record<string, string | Buffer | null>): Promise<IngestOutcome> {
  const outcome = await ingestChanged(changes);
  try {
    for (const file of outcome.files) {
      expect(file.rows_read, `${file.file}: read = accepted + rejected`).toBe(
        Number(file.rows_accepted) + Number(file.rows_rejected)
      );
    }
    return outcome;
  } finally {
    outcome.dispose();
  }
}

async function rejectsOf(changes: Record<string, string | Buffer | null>) {
  const { rejects, problems } = await ingest(changes);
  expect(problems).toEqual([]);
  return rejects;
}

async function problemsOf(changes: Record<string, string | Buffer | null>) {
  const { problems } = await ingest(changes);
  return problems.map(formatProblem);
}

describe("ingestFolder(db, dataDir) on a valid folder", () => {
  it("accepts every row and reconciles the counts", async () => {
    const { files, rejects, problems } = await ingest({});
    expect(problems).toEqual([]);
    expect(rejects).toEqual([]);
    expect(files.map((f) => [f.file, f.rows_read, f.rows_accepted, f.rows_rejected])).toEqual([
      ["customers.csv", 2, 2, 0],
      ["orders.csv", 2, 2, 0],
      ["products.csv", 1, 1, 0],
      ["ratings.csv", 3, 3, 0],
      ["responses.csv", 2, 2, 0]
    ]);
  });

  it("types the columns and keeps personal data out of the customers table", async () => {
    const outcome = await ingestChanged({});
    try {
      const { db } = outcome;
      expect(await db.rows(`SELECT * FROM orders ORDER BY order_id`)).toEqual([
        {
          order_id: "O1",
          customer_id: "C1",
          ordered_at: "2024-01-15T00:00:00.000Z",
          amount: 100,
          cost: 60,
          product_id: "P1",
          quantity: 1
        },
        {
          order_id: "O2",
          customer_id: "C2",
          ordered_at: "2024-02-20T10:30:00.000Z",
          amount: 50.5,
          cost: 30,
          product_id: "P1",
          quantity: 2
        }
      ]);
      expect(await db.rows(`SELECT column_name FROM (DESCRIBE customers)`)).toEqual(
        ["customer_id", "segment", "region", "acquired_at", "rewards_member"].map((column_name) => ({ column_name }))
      );
      expect(await db.rows(`SELECT * FROM customer_contacts ORDER BY customer_id`)).toEqual([
        { customer_id: "C1", name: "Ann Lee", email: "ann@x.example", phone: "+1 202-555-0101" },
        { customer_id: "C2", name: "Bo Chan", email: "bo@x.example", phone: "+1 202-555-0102" }
      ]);
      expect(await db.rows(`SELECT brand, is_ours FROM brands ORDER BY position`)).toEqual([
        { brand: "Us", is_ours: true },
        { brand: "Them", is_ours: false }
      ]);
    } finally {
      outcome.dispose();
    }
  });
});

describe("problems that stop ingest name the file, line, column and rule", () => {
  it("a folder with no export at all (each export alone is optional)", async () => {
    expect(
      await problemsOf(
        Object.fromEntries(
          Object.keys(VALID_FOLDER)
            .filter((f) => f.endsWith(".csv"))
            .map((f) => [f, null])
        )
      )
    ).toEqual([
      "(data folder): the folder holds no export: add orders.csv, customers.csv or a survey's files (docs/data-contract.md) [missing-file]"
    ]);
    expect(await problemsOf({ "orders.csv": null })).toEqual([]);
  });

  it("ratings without responses", async () => {
    expect(await problemsOf({ "responses.csv": null })).toEqual([
      "responses.csv: ratings is present, so the survey needs responses too: add responses.csv (or responses.parquet) to the data folder [missing-file]"
    ]);
  });

  it("survey exports without a config", async () => {
    expect(await problemsOf({ "cva.config.json": null })).toEqual([
      "cva.config.json: the survey exports need a cva.config.json naming our brand, the competitors and the attributes [missing-file]"
    ]);
  });

  it("a missing required column, listing the columns found", async () => {
    expect(
      await problemsOf({ "orders.csv": csv("order_id,customer_id,ordered_at,cost", "O1,C1,2024-01-15,60") })
    ).toEqual([
      "orders.csv:1: amount: required column amount is missing (found: order_id, customer_id, ordered_at, cost) [missing-column]"
    ]);
  });

  it("an empty file", async () => {
    expect(await problemsOf({ "orders.csv": "" })).toEqual([
      "orders.csv:1: the file is empty: expected a header line naming the columns [empty-file]"
    ]);
  });

  it("a column named twice in the header, whatever its case", async () => {
    expect(await problemsOf({ "products.csv": csv("product_id,name,Name", "P1,Router,Router") })).toEqual([
      "products.csv:1: name: column name appears twice in the header [header]"
    ]);
  });

  it("a duplicate id, with the line of its first occurrence", async () => {
    expect(
      await problemsOf({
        "orders.csv": csv(
          ORDERS_HEADER,
          "O1,C1,2024-01-15,100.00,60.00,P1,1",
          "O2,C2,2024-02-20,50.50,30.00,P1,2",
          "O1,C2,2024-03-01,10.00,5.00,P1,1"
        )
      })
    ).toEqual(["orders.csv:4: order_id: duplicate order_id O1 (first on line 2) [duplicate-key]"]);
  });

  it("a duplicate composite key", async () => {
    expect(
      await problemsOf({ "ratings.csv": csv(RATINGS_HEADER, "R1,2024-Q1,Us,quality,8", "R1,2024-Q1,Us,quality,7") })
    ).toEqual([
      "ratings.csv:3: respondent_id, wave, brand, attribute: duplicate respondent_id, wave, brand, attribute R1, 2024-Q1, Us, quality (first on line 2) [duplicate-key]"
    ]);
  });

  it("a config that is not valid JSON, with the line and character", async () => {
    expect(
      await problemsOf({ "cva.config.json": '{\n  "brand": "Us",\n  "competitors": ["Them"]\n  "attributes": []\n}' })
    ).toEqual(["cva.config.json:4: character 3: not valid JSON: Expected ',' or '}' after property value [json]"]);
  });

  it("a config that breaks its schema, naming each setting", async () => {
    const config = JSON.parse(String(VALID_FOLDER["cva.config.json"]));
    config.attributes[0].group = "value";
    config.competitors.push("Us");
    config.minCellSize = 0;
    expect(await problemsOf({ "cva.config.json": JSON.stringify(config) })).toEqual([
      'cva.config.json: attributes.0.group: Invalid option: expected one of "quality"|"price" [config]',
      "cva.config.json: minCellSize: Too small: expected number to be >=1 [config]"
    ]);
    delete config.minCellSize;
    config.attributes[0].group = "quality";
    expect(await problemsOf({ "cva.config.json": JSON.stringify(config) })).toEqual([
      "cva.config.json: competitors.1: brand Us is listed twice [config]"
    ]);
  });

  it("two files holding the same export", async () => {
    expect(await problemsOf({ "Products.CSV": csv("product_id", "P2") })).toEqual([
      "products.csv: Products.CSV and products.csv both hold products: keep one [ambiguous-file]"
    ]);
  });

  it("a Parquet file that is not Parquet", async () => {
    const problems = await problemsOf({ "products.csv": null, "products.parquet": "this is not parquet" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^products\.parquet: cannot be read as Parquet: .+ \[unreadable\]$/);
  });

  it("a file that is not UTF-8 is read as Windows-1252, with a warning, rather than rejected line by line", async () => {
    const windows1252 = Buffer.from([
      ...Buffer.from("product_id,name,category\nP1,Caf"),
      0xe9,
      ...Buffer.from(" machine,Hardware\nP2,"),
      0x93,
      ...Buffer.from("Best"),
      0x94,
      ...Buffer.from(" torch,Kitchen\n")
    ]);
    const outcome = await ingestChanged({ "products.csv": windows1252 });
    try {
      expect(outcome.problems).toEqual([]);
      expect(await outcome.db.rows(`SELECT name FROM products ORDER BY product_id`)).toEqual([
        { name: "Café machine" },
        { name: "\u201cBest\u201d torch" }
      ]);
      expect(outcome.result!.warnings).toEqual([
        { file: "products.csv", message: expect.stringContaining("read as Windows-1252") }
      ]);
      expect(await outcome.db.rows(`SELECT file FROM ingest_warnings`)).toEqual([{ file: "products.csv" }]);
    } finally {
      outcome.dispose();
    }
  });

  it("collects every problem of the folder before stopping", async () => {
    expect(await problemsOf({ "orders.csv": "", "products.csv": csv("product_id,Product_ID", "P1,P1") })).toEqual([
      "orders.csv:1: the file is empty: expected a header line naming the columns [empty-file]",
      "products.csv:1: product_id: column product_id appears twice in the header [header]"
    ]);
  });
});

describe("rows that break a rule become rejects: file, line, column, value, rule, message", () => {
  const order = (line: string) => ({ "orders.csv": csv(ORDERS_HEADER, "O1,C1,2024-01-15,100.00,60.00,P1,1", line) });
  const rating = (line: string) => ({ "ratings.csv": csv(RATINGS_HEADER, "R1,2024-Q1,Us,quality,8", line) });

  it("a number that is not one", async () => {
    expect(await rejectsOf(order("O2,C2,2024-02-20,abc,30.00,P1,2"))).toEqual([
      {
        file: "orders.csv",
        line: 3,
        column: "amount",
        value: "abc",
        rule: "not-a-number",
        message: '"abc" is not a number (expected -1234.50 or 1,234.50)'
      }
    ]);
  });

  it("a date that does not exist", async () => {
    expect(await rejectsOf(order("O2,C2,2024-13-45,50.50,30.00,P1,2"))).toEqual([
      {
        file: "orders.csv",
        line: 3,
        column: "ordered_at",
        value: "2024-13-45",
        rule: "not-a-date",
        message: '"2024-13-45" is not a date (expected YYYY-MM-DD, DD.MM.YYYY, with or without a time)'
      }
    ]);
  });

  it("a blank required value", async () => {
    expect(await rejectsOf(order("O2,,2024-02-20,50.50,30.00,P1,2"))).toEqual([
      {
        file: "orders.csv",
        line: 3,
        column: "customer_id",
        value: null,
        rule: "missing-value",
        message: "customer_id is required"
      }
    ]);
  });

  it("an order whose customer is not in the customers export", async () => {
    expect(await rejectsOf(order("O2,C9,2024-02-20,50.50,30.00,P1,2"))).toEqual([
      {
        file: "orders.csv",
        line: 3,
        column: "customer_id",
        value: "C9",
        rule: "orphan",
        message: "customer_id C9 is not in customers.csv"
      }
    ]);
  });

  it("an order whose product is not in the products export", async () => {
    expect(await rejectsOf(order("O2,C2,2024-02-20,50.50,30.00,P7,2"))).toEqual([
      {
        file: "orders.csv",
        line: 3,
        column: "product_id",
        value: "P7",
        rule: "orphan",
        message: "product_id P7 is not in products.csv"
      }
    ]);
  });

  it("a quantity that is not a whole number", async () => {
    expect(await rejectsOf(order("O2,C2,2024-02-20,50.50,30.00,P1,two"))).toEqual([
      {
        file: "orders.csv",
        line: 3,
        column: "quantity",
        value: "two",
        rule: "not-a-whole-number",
        message: '"two" is not a whole number'
      }
    ]);
  });

  it("every rule a row breaks, as one rejected row", async () => {
    const { rejects, files } = await ingest(order("O2,C9,yesterday,lots,30.00,P1,2"));
    expect(rejects.map((r) => r.rule)).toEqual(["not-a-number", "orphan", "not-a-date"]);
    expect(files.find((f) => f.file === "orders.csv")).toMatchObject({
      rows_read: 2,
      rows_accepted: 1,
      rows_rejected: 1
    });
  });

  it("a score outside its scale", async () => {
    expect(await rejectsOf(rating("R1,2024-Q1,Them,quality,11"))).toEqual([
      {
        file: "ratings.csv",
        line: 3,
        column: "score",
        value: "11",
        rule: "out-of-range",
        message: '"11" is outside the 1-10 scale'
      }
    ]);
  });

  it('"N/A" when the config does not list it as a don\'t-know code', async () => {
    expect(await rejectsOf(rating("R1,2024-Q1,Them,quality,N/A"))).toEqual([
      {
        file: "ratings.csv",
        line: 3,
        column: "score",
        value: "N/A",
        rule: "not-a-score",
        message: `"N/A" is not a whole number on the 1-10 scale, nor a "don't know" code`
      }
    ]);
  });

  it("don't-know codes (99, \"DON'T KNOW\" in any case) are read as missing, and counted", async () => {
    const outcome = await ingestChanged({
      "ratings.csv": csv(
        RATINGS_HEADER,
        "R1,2024-Q1,Us,quality,8",
        "R1,2024-Q1,Them,quality,99",
        "R1,2024-Q1,Them,price,DON'T KNOW"
      )
    });
    try {
      expect(
        await outcome.db.rows(`SELECT brand, attribute, score FROM ratings ORDER BY brand DESC, attribute DESC`)
      ).toEqual([
        { brand: "Us", attribute: "quality", score: 8 },
        { brand: "Them", attribute: "quality", score: null },
        { brand: "Them", attribute: "price", score: null }
      ]);
      expect(outcome.files.find((f) => f.file === "ratings.csv")).toMatchObject({
        rows_accepted: 3,
        rows_rejected: 0,
        dont_know: 2
      });
    } finally {
      outcome.dispose();
    }
  });

  it("a brand the config does not name", async () => {
    expect(await rejectsOf(rating("R1,2024-Q1,Others,quality,5"))).toEqual([
      {
        file: "ratings.csv",
        line: 3,
        column: "brand",
        value: "Others",
        rule: "unknown-brand",
        message: 'brand "Others" is not in cva.config.json (brand or competitors)'
      }
    ]);
  });

  it("an attribute the config does not name", async () => {
    expect(await rejectsOf(rating("R1,2024-Q1,Us,speed,5"))).toEqual([
      {
        file: "ratings.csv",
        line: 3,
        column: "attribute",
        value: "speed",
        rule: "unknown-attribute",
        message: 'attribute "speed" is not in cva.config.json attributes'
      }
    ]);
  });

  it("a rating by a respondent who is not in the responses export", async () => {
    expect(await rejectsOf(rating("R3,2024-Q1,Us,quality,5"))).toEqual([
      {
        file: "ratings.csv",
        line: 3,
        column: "respondent_id, wave",
        value: "R3, 2024-Q1",
        rule: "orphan",
        message: "respondent_id, wave R3, 2024-Q1 is not in responses.csv"
      }
    ]);
  });

  it("a flag that is not true or false; the customer's orders and answers are kept", async () => {
    const { rejects, files } = await ingest({
      "customers.csv": String(VALID_FOLDER["customers.csv"]).replace("true", "maybe")
    });
    expect(rejects).toEqual([
      {
        file: "customers.csv",
        line: 2,
        column: "rewards_member",
        value: "maybe",
        rule: "not-a-boolean",
        message: '"maybe" is not true or false'
      }
    ]);
    expect(files.find((f) => f.file === "orders.csv")).toMatchObject({ rows_accepted: 2, rows_rejected: 0 });
  });

  it("a deal stage that is neither won, lost nor open stops ingest, named with its count", async () => {
    expect(
      await problemsOf({
        "opportunities.csv": csv(
          "opportunity_id,closed_at,outcome,competitor",
          "D1,2024-03-01,Won,Them",
          "D2,2024-03-02,tie,Them",
          "D3,2024-03-02,open,Them"
        )
      })
    ).toEqual([
      'opportunities.csv:3: outcome: a stage not known as won, lost or open: "tie" (1 deal); add each to "won", "lost" or "open" under "outcomes" in cva.config.json, e.g. "outcomes": { "open": ["tie"] } [unmapped-stage]'
    ]);
  });

  it("a ticket resolved before it was opened", async () => {
    expect(
      await rejectsOf({
        "tickets.csv": csv(
          "ticket_id,customer_id,opened_at,resolved_at",
          "T1,C1,2024-03-05,2024-03-01",
          "T2,C2,2024-03-05,"
        )
      })
    ).toEqual([
      {
        file: "tickets.csv",
        line: 2,
        column: "resolved_at",
        value: "2024-03-01",
        rule: "out-of-order",
        message: "resolved_at is before opened_at"
      }
    ]);
  });

  it("a line with too many or too few fields, by its physical line", async () => {
    expect(
      await rejectsOf({
        "orders.csv": csv(
          ORDERS_HEADER,
          "O1,C1,2024-01-15,100.00,60.00,P1,1,surplus",
          "O2,C2,2024-02-20",
          "O3,C2,2024-02-21,abc,1,P1,1"
        )
      })
    ).toEqual([
      {
        file: "orders.csv",
        line: 2,
        column: null,
        value: "O1,C1,2024-01-15,100.00,60.00,P1,1,surplus",
        rule: "field-count",
        message: "expected 7 fields, found 8"
      },
      {
        file: "orders.csv",
        line: 3,
        column: null,
        value: "O2,C2,2024-02-20",
        rule: "field-count",
        message: "expected 7 fields, found 3"
      },
      {
        file: "orders.csv",
        line: 4,
        column: "amount",
        value: "abc",
        rule: "not-a-number",
        message: '"abc" is not a number (expected -1234.50 or 1,234.50)'
      }
    ]);
  });

  it("withholds the values of personal-data columns and lines", async () => {
    expect(
      await rejectsOf({ "customers.csv": String(VALID_FOLDER["customers.csv"]) + "C3,Cy Diaz,cy@x.example\n" })
    ).toEqual([
      {
        file: "customers.csv",
        line: 4,
        column: null,
        value: WITHHELD,
        rule: "field-count",
        message: "expected 8 fields, found 3"
      }
    ]);
  });

  it("counts line breaks inside quoted fields, so later lines keep their true numbers", async () => {
    const responses = csv(
      RESPONSES_HEADER,
      'R1,2024-Q1,2024-02-10,C1,Enterprise,North,8,7,9,4,"Good,\nreally good,\r\nthanks"',
      "R2,2024-Q1,2024-02-11,,Small business,South,6,5,6,3,",
      "R3,2024-Q1,2024-02-12,,Small business,South,12,5,6,3,"
    );
    expect(await rejectsOf({ "responses.csv": responses })).toEqual([
      {
        file: "responses.csv",
        line: 6,
        column: "overall_satisfaction",
        value: "12",
        rule: "out-of-range",
        message: '"12" is outside the 1-10 scale'
      }
    ]);
  });
});

describe("files as analysts export them", () => {
  it("semicolons, a byte order mark, CRLF line ends and a decimal comma in a text column", async () => {
    const orders =
      "\uFEFF" +
      [
        "order_id;customer_id;ordered_at;amount;cost;product_id;quantity",
        "O1;C1;2024-01-15;100.00;60.00;P1;1",
        "O2;C2;2024-02-20;50.50;30.00;P1;2"
      ].join("\r\n") +
      "\r\n";
    const products = "product_id;name;category\r\nP1;Router 10,5 inch;Hardware\r\n";
    const { files, rejects } = await ingest({ "orders.csv": orders, "products.csv": products });
    expect(rejects).toEqual([]);
    expect(files.find((f) => f.file === "orders.csv")).toMatchObject({ rows_read: 2, rows_accepted: 2 });
  });

  it("tabs, in a .tsv file, with upper-case column names", async () => {
    const { files, rejects } = await ingest({
      "orders.csv": null,
      "orders.tsv": "ORDER_ID\tCustomer_Id\tordered_at\tAmount\nO1\tC1\t2024-01-15\t10\n"
    });
    expect(rejects).toEqual([]);
    expect(files.find((f) => f.file === "orders.tsv")).toMatchObject({ rows_read: 1, rows_accepted: 1 });
  });

  it("a header-only file: no rows, no problem", async () => {
    const { files, problems } = await ingest({
      "products.csv": "product_id,name,category\n",
      "orders.csv": csv(ORDERS_HEADER.replace(",product_id", ""))
    });
    expect(problems).toEqual([]);
    expect(files.find((f) => f.file === "products.csv")).toMatchObject({
      rows_read: 0,
      rows_accepted: 0,
      rows_rejected: 0
    });
  });

  it("keeps extra columns as dimensions and lists files outside the contract", async () => {
    const outcome = await ingestChanged({
      "orders.csv": csv(ORDERS_HEADER + ",Channel", "O1,C1,2024-01-15,100.00,60.00,P1,1,web"),
      "notes.txt": "hello"
    });
    try {
      expect(await outcome.db.rows(`SELECT order_id, channel FROM orders`)).toEqual([
        { order_id: "O1", channel: "web" }
      ]);
      expect(outcome.result!.ignored).toEqual(["notes.txt"]);
    } finally {
      outcome.dispose();
    }
  });

  it("Parquet, with rejects numbered by row", async () => {
    const db = await Database.open();
    const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const scratch = mkdtempSync(join(tmpdir(), "cva-parquet-"));
    const path = join(scratch, "orders.parquet");
    await db.run(`COPY (SELECT * FROM (VALUES ('O1', 'C1', TIMESTAMP '2024-01-15 00:00:00', 100.00::DECIMAL(18,2)), ('O2', 'C9', TIMESTAMP '2024-01-16 00:00:00', 5.00::DECIMAL(18,2)))
      t(order_id, customer_id, ordered_at, amount)) TO '${path}' (FORMAT parquet)`);
    db.close();
    const parquet = readFileSync(path);
    rmSync(scratch, { recursive: true, force: true });
    const { files, rejects } = await ingest({ "orders.csv": null, "orders.parquet": parquet });
    expect(rejects).toEqual([
      {
        file: "orders.parquet",
        line: 2,
        column: "customer_id",
        value: "C9",
        rule: "orphan",
        message: "customer_id C9 is not in customers.csv"
      }
    ]);
    expect(files.find((f) => f.file === "orders.parquet")).toMatchObject({
      format: "parquet",
      rows_read: 2,
      rows_accepted: 1,
      rows_rejected: 1
    });
  });
});

describe("clean CSV files are read in one pass, into the same warehouse as the general way", () => {
  const SAMPLE = join(dirname(fileURLToPath(import.meta.url)), "..", "data");

  /** The bundled sample with `appended` lines added to the end of its files. */
  function sampleWith(appended: Record<string, string[]>): string {
    const dir = mkdtempSync(join(tmpdir(), "cva-direct-"));
    cpSync(SAMPLE, dir, { recursive: true });
    for (const [file, lines] of Object.entries(appended))
      appendFileSync(join(dir, file), lines.map((line) => `${line}\n`).join(""));
    return dir;
  }

  /** Every table of the warehouse with its rows sorted, the problems that stopped ingest, and which files were read in one pass. */
  async function warehouseOf(dir: string, direct: boolean) {
    const db = await Database.open();
    try {
      const result = await ingestFolder(db, dir, { direct });
      const names = await db.rows<{ name: string }>(
        `SELECT table_name AS name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary ORDER BY 1`
      );
      const tables: Record<string, unknown> = {};
      for (const { name } of names) {
        tables[name] = {
          columns: await db.columns(`SELECT * FROM "${name}"`),
          rows: await db.rows(`SELECT * FROM "${name}" ORDER BY ALL`)
        };
      }
      return { tables, problems: [] as string[], readDirectly: result.readDirectly };
    } catch (error) {
      if (!(error instanceof IngestError)) throw error;
      return { tables: {}, problems: error.problems.map(formatProblem), readDirectly: [] };
    } finally {
      db.close();
    }
  }

  async function expectSameWarehouse(appended: Record<string, string[]>) {
    const dir = sampleWith(appended);
    try {
      const direct = await warehouseOf(dir, true);
      const general = await warehouseOf(dir, false);
      expect(general.readDirectly).toEqual([]);
      expect(direct.problems).toEqual(general.problems);
      expect(direct.tables).toEqual(general.tables);
      return direct;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // The fast path is what keeps ingest near the bare-DuckDB floor at a million customers
  // (docs/performance.md): a change that quietly sends clean files the general way fails here.
  it("reads every export of a clean folder directly, but the customers export (personal columns, split off the general way)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cva-clean-folder-"));
    const db = await Database.open();
    try {
      const written = generateSample({ outDir: dir, scale: 0.1 });
      const { readDirectly } = await ingestFolder(db, dir, {});
      const exports = CONTRACT.map((spec) => spec.name).filter((name) => name in written);
      expect(exports).toHaveLength(11);
      expect([...readDirectly].sort()).toEqual(exports.filter((name) => name !== "customers").sort());
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the bundled sample as it is (its defects: zero dates, unknown customers, a rating of 11, tickets resolved before opened)", async () => {
    const { readDirectly, tables } = await expectSameWarehouse({});
    expect(readDirectly).toEqual(
      expect.arrayContaining([
        "orders",
        "ratings",
        "activations",
        "tickets",
        "opportunities",
        "importance",
        "recommendations"
      ])
    );
    expect(readDirectly).not.toContain("customers"); // personal data: read the general way, into customer_contacts
    const columns = Object.values(tables).flatMap((t) =>
      (t as { columns: { name: string }[] }).columns.map((c) => c.name)
    );
    expect(columns).not.toContain("_broken");
    expect(columns).not.toContain("_dont_know");
  });

  it("with values of every kind a rule rejects or a convention accepts", async () => {
    const { readDirectly, tables } = await expectSameWarehouse({
      "orders.csv": [
        `O9000001,C000001,2024-03-01,"1,234.50",10.00,P001,1`,
        "O9000002,C000001,31.03.2024,12.50,5.00,P001,7.5",
        "O9000003,C000000,2024-01-01,abc,1,P001,1",
        "O9000004,,2024-01-01,,1,P001,",
        "O9000005,C000001, 2024-04-01 ,  7.25 ,1,P999,7.0",
        "O9000006,C000001,2024-04-01 09:30:00,-12.00,1,P001,2"
      ],
      "ratings.csv": [
        "R000001,2024-Q1,Contoso,price,DON'T KNOW",
        "R000001,2024-Q1,Contoso,service,7.5",
        "R000001,2024-Q1,Contoso,innovation,11",
        "R000001,2024-Q1,Nobody,service,5",
        "R000001,2024-Q1,Contoso,charm,5",
        "R999999,2024-Q1,Contoso,price,5",
        "R000001,2024-Q1,Contoso,reliability,"
      ],
      "tickets.csv": ["T9000001,C000001,2024-05-02,2024-05-01,complaint,4", "T9000002,C000001,not a date,,request,5"]
    });
    expect(readDirectly).toEqual(expect.arrayContaining(["orders", "ratings", "tickets"]));
    const rejects = (tables.rejects as { rows: Record<string, unknown>[] }).rows;
    const appendedFrom = readFileSync(join(SAMPLE, "orders.csv"), "utf-8").split("\n").length;
    expect(
      rejects.filter((r) => r.file === "orders.csv" && Number(r.line) >= appendedFrom).map((r) => [r.line, r.rule])
    ).toEqual([
      [appendedFrom + 1, "not-a-whole-number"],
      [appendedFrom + 2, "not-a-number"],
      [appendedFrom + 2, "orphan"],
      [appendedFrom + 3, "missing-value"],
      [appendedFrom + 3, "missing-value"],
      [appendedFrom + 4, "orphan"]
    ]);
  });

  it("a duplicate key stops ingest with the same problem", async () => {
    const { problems } = await expectSameWarehouse({
      "orders.csv": ["O00000002,C000001,2024-03-01,10.00,5.00,P001,1"]
    });
    expect(problems).toEqual([expect.stringContaining("duplicate-key")]);
  });

  it("files whose lines the record numbers do not give are read the general way", async () => {
    const { readDirectly } = await expectSameWarehouse({
      "orders.csv": ["", "O9000001,C000001,2024-03-01,10.00,5.00,P001,1"],
      "tickets.csv": [`T9000001,C000001,2024-05-02,2024-05-03,"complaint`, `about a router",4`],
      "opportunities.csv": ["a,line,the,reader,cannot,split,into,the,header's,fields,at,all,x,y"]
    });
    expect(readDirectly).not.toContain("orders");
    expect(readDirectly).not.toContain("tickets");
    expect(readDirectly).not.toContain("opportunities");
    expect(readDirectly).toContain("ratings");
  });
});
