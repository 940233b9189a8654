import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../loaders/core/db.js";
import { identifier, literal } from "../loaders/core/sql.js";

describe("identifier(name) and literal(value)", () => {
  let db: Database;
  beforeAll(async () => (db = await Database.open()));
  afterAll(() => db.close());

  it("quote names and values so that DuckDB reads them back unchanged", async () => {
    const name = 'odd "name"; DROP TABLE x; --';
    const value = "O'Brien; DROP TABLE x; --";
    expect(identifier(name)).toBe('"odd ""name""; DROP TABLE x; --"');
    expect(literal(value)).toBe("'O''Brien; DROP TABLE x; --'");
    const [row] = await db.rows(
      `SELECT ${literal(value)} AS ${identifier(name)}, ${literal(null)} AS n, ${literal(true)} AS b, ${literal(-1.5)} AS x`
    );
    expect(row).toEqual({ [name]: value, n: null, b: true, x: -1.5 });
  });

  it("refuses numbers SQL cannot represent", () => {
    expect(() => literal(Number.NaN)).toThrow("invalid SQL literal: NaN");
    expect(() => literal(Number.POSITIVE_INFINITY)).toThrow("invalid SQL literal: Infinity");
  });
});

describe("Database.rows(sql)", () => {
  let db: Database;
  beforeAll(async () => (db = await Database.open()));
  afterAll(() => db.close());

  it("returns JSON-ready values: numbers for integers and decimals, ISO strings for dates", async () => {
    const [row] = await db.rows(`SELECT 42::BIGINT AS i, 12.34::DECIMAL(18,2) AS d, DATE '2025-03-31' AS day,
      TIMESTAMP '2025-03-31 12:30:00' AS ts, 'x' AS s, NULL::INTEGER AS missing`);
    expect(row).toEqual({ i: 42, d: 12.34, day: "2025-03-31", ts: "2025-03-31T12:30:00.000Z", s: "x", missing: null });
  });

  it("binds parameters rather than pasting values", async () => {
    expect(await db.rows("SELECT $1::VARCHAR AS v", ["it's"])).toEqual([{ v: "it's" }]);
  });

  it("refuses to round an integer beyond 2^53", async () => {
    await expect(db.rows("SELECT 9007199254740993::BIGINT AS big")).rejects.toThrow(
      "column big: integer 9007199254740993 is too large to pass as a number"
    );
  });
});

describe("a failing table", () => {
  it("names the table in its error, and with CVA_DEBUG=1 the SQL that failed", async () => {
    const { tableRows } = await import("../loaders/publish/table-output.js");
    const db = await Database.open();
    try {
      // A warehouse whose rejects table lacks columns: the query of rejects-by-rule cannot bind.
      await db.run(`CREATE TABLE rejects (file VARCHAR)`);
      await expect(tableRows(db, "rejects-by-rule")).rejects.toThrow(/^table rejects-by-rule: Binder Error: .*"rule"/);
      await expect(tableRows(db, "rejects-by-rule")).rejects.not.toThrow(/SQL:/);
      process.env.CVA_DEBUG = "1";
      await expect(tableRows(db, "rejects-by-rule")).rejects.toThrow(/SQL: SELECT file, rule, count\(DISTINCT line\)/);
    } finally {
      delete process.env.CVA_DEBUG;
      db.close();
    }
  });
});

describe("Database.doubleColumns(sql)", () => {
  let db: Database;
  beforeAll(async () => (db = await Database.open()));
  afterAll(() => db.close());

  it("reads every row of every chunk, in order, into one Float64Array per column", async () => {
    // 200,000 rows: many of DuckDB's 2,048-row chunks, the last one partial, and more rows than
    // the columns first hold (65,536), so they grow twice on the way.
    const [i, half] = await db.doubleColumns("SELECT i::DOUBLE, i / 2 FROM range(200000) t(i) ORDER BY i");
    expect(i).toBeInstanceOf(Float64Array);
    expect(i!.length).toBe(200_000);
    expect(half!.length).toBe(200_000);
    expect([i![0], i![2047], i![2048], i![65535], i![65536], i![199999]]).toEqual([
      0, 2047, 2048, 65535, 65536, 199999
    ]);
    expect(half![199999]).toBe(99999.5);
    expect(i!.every((value, at) => value === at)).toBe(true);
  });

  it("reads integers as numbers and NULL as NaN, and refuses text", async () => {
    const [big, missing] = await db.doubleColumns("SELECT 42::BIGINT, NULL::DOUBLE");
    expect([...big!]).toEqual([42]);
    expect(Number.isNaN(missing![0])).toBe(true);
    expect(await db.doubleColumns("SELECT 1.0::DOUBLE AS x WHERE false")).toEqual([new Float64Array(0)]);
    await expect(db.doubleColumns("SELECT 'a' AS s")).rejects.toThrow(/cast the column to DOUBLE/);
  });
});
