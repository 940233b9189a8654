import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../loaders/core/db.js";
import { ingestFolder } from "../loaders/ingest/ingest.js";
import { dateSql, dateWindow, decimalSql, wholeNumberSql, type ReadConventions } from "../loaders/ingest/parse.js";
import { VENDORS, vendorFolder } from "./support/format-folders.js";
import { ingestChanged, VALID_FOLDER } from "./support/fixture-folder.js";
import { PROJECT_DIR } from "./support/project.js";

const csv = (...lines: string[]) => lines.join("\n") + "\n";
const ORDERS_HEADER = "order_id,customer_id,ordered_at,amount,cost,product_id,quantity";

let db: Database;
beforeAll(async () => {
  db = await Database.open();
});
afterAll(() => db.close());

async function read(sql: string, value: string): Promise<string | null> {
  const [row] = await db.rows<{ v: string | null }>(`SELECT (${sql})::VARCHAR AS v`, [value]);
  return row!.v;
}

const US: ReadConventions = { decimal: ".", slashDates: "MM/DD/YYYY" };
const NEW_YORK: ReadConventions = {
  ...US,
  dateRules: { pivot: 69, timeZone: "America/New_York", earliest: "1900-01-01", latest: "2100-01-01" }
};

describe("dateSql(value, kind, conventions): the one date reader", () => {
  // Each expectation worked out by hand from the value and the rule documented in docs/data-contract.md.
  it.each([
    ["2024-01-05", "2024-01-05 00:00:00"],
    ["2024-01-05 10:37", "2024-01-05 10:37:00"],
    ["2024-01-05T10:37:33.123", "2024-01-05 10:37:33.123"],
    // Offsets are instants: 10:37:33 at -05:00 is 15:37:33 UTC.
    ["2025-12-06 10:37:33 -0500", "2025-12-06 15:37:33"],
    ["2024-01-22T14:49:34.000+0000", "2024-01-22 14:49:34"],
    ["2024-01-22T23:49:34Z", "2024-01-22 23:49:34"],
    ["2024-01-22 23:49:34+05:30", "2024-01-22 18:19:34"],
    // Two-digit years, as Excel saves US dates: the POSIX pivot (00-68 → 20xx, 69-99 → 19xx).
    ["7/9/14 19:43", "2014-07-09 19:43:00"],
    ["02/03/24", "2024-02-03 00:00:00"],
    ["03/31/26", "2026-03-31 00:00:00"],
    ["12/31/68", "2068-12-31 00:00:00"],
    ["7/9/69", "1969-07-09 00:00:00"],
    ["12/1/2024 1:05 PM", "2024-12-01 13:05:00"],
    ["11/03/2026 10:19:02 AM", "2026-11-03 10:19:02"],
    ["03.11.2026", "2026-11-03 00:00:00"],
    ["03.11.26", "2026-11-03 00:00:00"]
  ])("reads %s as %s", async (value, expected) => {
    expect(await read(dateSql("$1::VARCHAR", "TIMESTAMP", US), value)).toBe(expected);
  });

  it.each([
    "2024-1-5",
    "2024-02-30",
    "24-01-22",
    "7-9-14",
    "13/01/2024",
    "epoch",
    "infinity",
    "-infinity",
    "10000-01-01",
    "2024-01-05 25:00",
    "1/2/345"
  ])("rejects %s (NULL: not a date)", async (value) => {
    expect(await read(dateSql("$1::VARCHAR", "TIMESTAMP", US), value)).toBeNull();
  });

  it("reads slash dates only in the order the file uses, and none when it is not known", async () => {
    expect(await read(dateSql("$1::VARCHAR", "DATE", { decimal: ".", slashDates: "DD/MM/YYYY" }), "02/03/24")).toBe(
      "2024-03-02"
    );
    expect(await read(dateSql("$1::VARCHAR", "DATE", { decimal: "." }), "02/03/24")).toBeNull();
  });

  it("dates an instant in the report's time zone: 02:00 UTC is the evening before in New York", async () => {
    expect(await read(dateSql("$1::VARCHAR", "DATE", NEW_YORK), "2024-01-22T02:00:00Z")).toBe("2024-01-21");
    expect(await read(dateSql("$1::VARCHAR", "DATE", US), "2024-01-22T02:00:00Z")).toBe("2024-01-22");
    // A timestamp without an offset is taken as written.
    expect(await read(dateSql("$1::VARCHAR", "DATE", NEW_YORK), "2024-01-22 02:00:00")).toBe("2024-01-22");
  });

  it("takes the century of a two-digit year from a configured pivot", async () => {
    const pivot30: ReadConventions = { ...US, dateRules: { ...NEW_YORK.dateRules!, pivot: 30 } };
    expect(await read(dateSql("$1::VARCHAR", "DATE", pivot30), "7/9/29")).toBe("2029-07-09");
    expect(await read(dateSql("$1::VARCHAR", "DATE", pivot30), "7/9/30")).toBe("1930-07-09");
  });
});

describe("decimalSql and wholeNumberSql: numbers by shape", () => {
  it.each([
    ["1,234.50", "1234.50"],
    ["USD 1,234.50", "1234.50"],
    ["-$12", "-12.00"],
    [".5", "0.50"],
    ["1.239", "1.24"],
    ["1e2", null],
    ["1_000", null],
    ["+5", null],
    ["0x1F", null],
    ["12345678901234567", null]
  ])("reads %s with decimal points as %s", async (value, expected) => {
    expect(await read(decimalSql("$1::VARCHAR", { decimal: "." }), value)).toBe(expected);
  });

  it.each([
    ["1.234,50", "1234.50"],
    ["12,5", "12.50"],
    ["1 234,50", "1234.50"],
    ["1,234.50", null]
  ])("reads %s with decimal commas as %s", async (value, expected) => {
    expect(await read(decimalSql("$1::VARCHAR", { decimal: "," }), value)).toBe(expected);
  });

  it.each([
    ["7", "7"],
    ["7.0", "7"],
    ["-3", "-3"],
    ["7.5", null],
    ["1e2", null],
    ["1_000", null],
    ["9999999999", null]
  ])("reads %s as the whole number %s", async (value, expected) => {
    expect(await read(wholeNumberSql("$1::VARCHAR"), value)).toBe(expected);
  });
});

describe("dates in a file", () => {
  it("detects month-first two-digit years from the file, with four-digit ones beside them", async () => {
    const outcome = await ingestChanged({
      "orders.csv": csv(
        ORDERS_HEADER,
        "O1,C1,7/9/14 19:43,100.00,60.00,P1,1",
        "O2,C2,02/03/24,50.50,30.00,P1,2",
        "O3,C2,03/31/26,10.00,,P1,1",
        "O4,C1,12/30/2025,5.00,,P1,1"
      )
    });
    try {
      expect(outcome.problems).toEqual([]);
      expect(outcome.rejects).toEqual([]);
      expect(await outcome.db.rows(`SELECT order_id, ordered_at::VARCHAR AS at FROM orders ORDER BY order_id`)).toEqual(
        [
          { order_id: "O1", at: "2014-07-09 19:43:00" },
          { order_id: "O2", at: "2024-02-03 00:00:00" },
          { order_id: "O3", at: "2026-03-31 00:00:00" },
          { order_id: "O4", at: "2025-12-30 00:00:00" }
        ]
      );
    } finally {
      outcome.dispose();
    }
  });

  it("stops on two-digit slash dates that never tell day from month", async () => {
    const outcome = await ingestChanged({
      "orders.csv": csv(ORDERS_HEADER, "O1,C1,7/9/14,100.00,60.00,P1,1", "O2,C2,02/03/24,50.50,30.00,P1,2")
    });
    try {
      expect(outcome.problems.map((p) => [p.file, p.line, p.column, p.rule])).toEqual([
        ["orders.csv", 2, "ordered_at", "ambiguous-dates"]
      ]);
    } finally {
      outcome.dispose();
    }
  });

  it("rejects dates before 1900 and more than a year after the ingest as implausible-date, with a configurable window", async () => {
    const { latest } = dateWindow("1900-01-01", 1);
    const tooLate = new Date(Date.parse(latest) + 86_400_000).toISOString().slice(0, 10);
    const orders = csv(
      ORDERS_HEADER,
      "O1,C1,0001-01-01,1.00,,P1,1",
      "O2,C2,1899-12-31,1.00,,P1,1",
      "O3,C1,9999-12-31,1.00,,P1,1",
      `O4,C1,${tooLate},1.00,,P1,1`,
      `O5,C1,${latest},1.00,,P1,1`,
      "O6,C1,1900-01-01,1.00,,P1,1",
      "O7,C2,2024-02-20,1.00,,P1,1"
    );
    const outcome = await ingestChanged({ "orders.csv": orders });
    try {
      expect(outcome.rejects.map((r) => [r.line, r.value, r.rule])).toEqual([
        [2, "0001-01-01", "implausible-date"],
        [3, "1899-12-31", "implausible-date"],
        [4, "9999-12-31", "implausible-date"],
        [5, tooLate, "implausible-date"]
      ]);
      expect(outcome.rejects[0]!.message).toBe(
        `"0001-01-01" is outside the plausible dates 1900-01-01 to ${latest} (dates.earliest and dates.yearsAhead in cva.config.json)`
      );
    } finally {
      outcome.dispose();
    }
    const config = JSON.parse(String(VALID_FOLDER["cva.config.json"]));
    const widened = await ingestChanged({
      "orders.csv": orders,
      "cva.config.json": JSON.stringify({ ...config, dates: { earliest: "1800-01-01", yearsAhead: 50 } })
    });
    try {
      expect(widened.rejects.map((r) => [r.line, r.rule])).toEqual([
        [2, "implausible-date"],
        [4, "implausible-date"]
      ]);
    } finally {
      widened.dispose();
    }
  });

  it("rejects epoch, infinity and BC dates as not-a-date", async () => {
    const outcome = await ingestChanged({
      "orders.csv": csv(
        ORDERS_HEADER,
        "O1,C1,epoch,1.00,,P1,1",
        "O2,C2,infinity,1.00,,P1,1",
        "O3,C1,-infinity,1.00,,P1,1",
        "O4,C1,0044-03-15 BC,1.00,,P1,1"
      )
    });
    try {
      expect(outcome.rejects.map((r) => [r.line, r.rule])).toEqual([
        [2, "not-a-date"],
        [3, "not-a-date"],
        [4, "not-a-date"],
        [5, "not-a-date"]
      ]);
    } finally {
      outcome.dispose();
    }
  });
});

describe("no user value reaches a lenient cast", () => {
  // DuckDB's casts read '7/9/14' as the year 14 and '1e2' as 100: every reading matches a
  // value's shape first. The SQL of whole ingests is checked, the sample and every tool format.
  const LENIENT = /TRY_CAST\s*\(/i;
  it.each(["the sample", ...VENDORS])("ingesting %s runs no TRY_CAST", async (name) => {
    const folder = name === "the sample" ? join(PROJECT_DIR, "data") : vendorFolder(name);
    const seen: string[] = [];
    const spy = await Database.open();
    const run = spy.run.bind(spy),
      rows = spy.rows.bind(spy);
    spy.run = async (sql, params) => (seen.push(sql), run(sql, params));
    spy.rows = async (sql, params) => (seen.push(sql), rows(sql, params)) as never;
    try {
      await ingestFolder(spy, folder);
    } finally {
      spy.close();
      if (folder !== join(PROJECT_DIR, "data")) rmSync(folder, { recursive: true, force: true });
    }
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.filter((sql) => LENIENT.test(sql)).map((sql) => sql.slice(0, 300))).toEqual([]);
  });
});
