import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../loaders/core/db.js";
import { openWarehouse } from "../loaders/warehouse/warehouse.js";
import { CsvWriter } from "../scripts/sample/csv-writer.js";
import { generateSample } from "../scripts/sample/generate.js";
import { ATTRIBUTES, OUR_BRAND, TREND, WAVES } from "../scripts/sample/model.js";
import { Random } from "../scripts/sample/random.js";
import { leastSquares } from "./support/least-squares.js";
import { PROJECT_DIR } from "./support/project.js";

const DATA_DIR = join(PROJECT_DIR, "data");
const scratch = () => mkdtempSync(join(tmpdir(), "cva-sample-"));
/** File name -> SHA-256 of its bytes, for every file in `dir`. */
const filesOf = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [
        f,
        createHash("sha256")
          .update(readFileSync(join(dir, f)))
          .digest("hex")
      ])
  );

describe("CsvWriter", () => {
  it("quotes only fields that hold a delimiter, quote or line break (RFC 4180)", () => {
    const file = join(scratch(), "out.csv");
    const writer = new CsvWriter(file, ["a", "b", "c", "d", "e", "f", "g"]);
    writer.write(["plain", "a,b", 'say "hi"', "two\nlines", null, -12.5, true]);
    writer.close();
    expect(readFileSync(file, "utf-8")).toBe('a,b,c,d,e,f,g\nplain,"a,b","say ""hi""","two\nlines",,-12.5,true\n');
    expect(writer.rows).toBe(1);
  });
});

describe("Random(seed)", () => {
  it("draws normals and gammas with the requested moments", () => {
    const random = new Random(1);
    const n = 50_000;
    const normals = Array.from({ length: n }, () => random.normal(2, 3));
    const gammas = Array.from({ length: n }, () => random.gamma(2, 0.5));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = (xs: number[], m = mean(xs)) => mean(xs.map((x) => (x - m) ** 2));
    expect(mean(normals)).toBeCloseTo(2, 1);
    expect(Math.sqrt(variance(normals))).toBeCloseTo(3, 1);
    expect(mean(gammas)).toBeCloseTo(1, 1); // shape x scale
    expect(variance(gammas)).toBeCloseTo(0.5, 1); // shape x scale^2
  });
});

describe("generateSample({outDir, scale, seed})", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const generate = (scale: number, seed?: number) => {
    const outDir = scratch();
    dirs.push(outDir);
    return { outDir, summary: generateSample({ outDir, scale, ...(seed !== undefined && { seed }) }) };
  };

  it("writes the same bytes for the same seed and different ones for another seed", () => {
    const a = generate(0.05, 7);
    const b = generate(0.05, 7);
    const c = generate(0.05, 8);
    expect(filesOf(a.outDir)).toEqual(filesOf(b.outDir));
    expect(filesOf(c.outDir)["orders.csv"]).not.toEqual(filesOf(a.outDir)["orders.csv"]);
    expect(a.summary.orders).toBeGreaterThan(0);
  });

  it("is the generator of the committed data/ (scale 1, default seed)", () => {
    const { outDir, summary } = generate(1);
    expect(filesOf(outDir)).toEqual(filesOf(DATA_DIR));
    expect(summary.customers).toBeGreaterThan(4_000);
    expect(summary.customers).toBeLessThan(6_000);
    expect(summary.orders).toBeGreaterThan(80_000);
    expect(summary.orders).toBeLessThan(120_000);
    expect(summary.responses).toBeGreaterThan(2_500);
  });

  it("rejects a scale that is not a positive number", () => {
    expect(() => generateSample({ outDir: scratch(), scale: 0 })).toThrow(
      "invalid scale: 0 (expected a positive number)"
    );
  });
});

// The structure docs/sample-data.md promises, recovered by plain SQL from the rows ingest accepted.
describe("the sample data's built-in structure", () => {
  let db: Database;
  let warehouseDir: string;
  beforeAll(async () => {
    warehouseDir = scratch();
    db = await openWarehouse({ dataDir: DATA_DIR, warehouseDir });
  });
  afterAll(() => {
    db.close();
    rmSync(warehouseDir, { recursive: true, force: true });
  });

  it("has the documented defects, each found by text search and rejected by the rule for it", async () => {
    const lines = (name: string) =>
      readFileSync(join(DATA_DIR, `${name}.csv`), "utf-8")
        .trimEnd()
        .split("\n")
        .slice(1);
    const customers = new Set(lines("customers").map((l) => l.split(",")[0]));
    const orders = lines("orders").map((l) => l.split(","));
    const tickets = lines("tickets").map((l) => l.split(","));
    const expected = {
      "orders.csv not-a-date": orders.filter((o) => o[2] === "0000-00-00").length,
      "orders.csv orphan": orders.filter((o) => !customers.has(o[1])).length,
      "tickets.csv out-of-order": tickets.filter((t) => t[3] && t[3] < t[2]!).length,
      "ratings.csv out-of-range": lines("ratings").filter((l) => l.endsWith(",11")).length
    };
    const found = await db.rows<{ key: string; n: number }>(
      `SELECT file || ' ' || rule AS key, count(*) AS n FROM rejects GROUP BY ALL`
    );
    expect(Object.fromEntries(found.map((r) => [r.key, r.n]))).toEqual(expected);
    for (const [key, n] of Object.entries(expected)) expect(n, key).toBeGreaterThan(0);
  });

  it(`${TREND.brand} gains on ${TREND.attribute} wave over wave; delivery does not move for anyone`, async () => {
    const rows = await db.rows<{ brand: string; attribute: string; change: number; se: number }>(`
      WITH s AS (SELECT brand, attribute, wave, avg(score) AS m, var_samp(score) / count(score) AS v
                 FROM ratings WHERE wave IN ('${WAVES[0]}', '${WAVES.at(-1)}') GROUP BY ALL)
      SELECT l.brand, l.attribute, l.m - f.m AS change, sqrt(l.v + f.v) AS se
      FROM s l JOIN s f USING (brand, attribute) WHERE l.wave = '${WAVES.at(-1)}' AND f.wave = '${WAVES[0]}'`);
    const gain = rows.find((r) => r.brand === TREND.brand && r.attribute === TREND.attribute)!;
    const expected = TREND.perWave * (WAVES.length - 1);
    expect(Math.abs(gain.change - expected)).toBeLessThan(3 * gain.se);
    expect(gain.change / gain.se).toBeGreaterThan(4);
    for (const row of rows.filter((r) => r.attribute === "delivery"))
      expect(Math.abs(row.change)).toBeLessThan(3 * row.se);
  });

  it("overall satisfaction is driven by the attributes the model says, and only by them", async () => {
    const rows = await db.rows<Record<string, number>>(`
      SELECT r.overall_satisfaction AS y, ${ATTRIBUTES.map((a) => `max(score) FILTER (attribute = '${a.id}') AS ${a.id}`).join(", ")}
      FROM responses r JOIN ratings USING (respondent_id, wave) WHERE brand = '${OUR_BRAND}' GROUP BY r.respondent_id, r.wave, y
      HAVING count(score) = ${ATTRIBUTES.length}`);
    const [, ...coefficients] = leastSquares(
      rows.map((r) => ATTRIBUTES.map((a) => r[a.id]!)),
      rows.map((r) => r.y!)
    );
    ATTRIBUTES.forEach((attribute, i) => expect(coefficients[i], attribute.id).toBeCloseTo(attribute.driver, 1));
  });

  it("promoters are still buying six to nine months later more often than detractors", async () => {
    const rows = await db.rows<{ group: string; active: number }>(`
      WITH r AS (SELECT customer_id, responded_at, CASE WHEN likelihood_to_recommend >= 9 THEN 'promoter'
                   WHEN likelihood_to_recommend <= 6 THEN 'detractor' END AS "group"
                 FROM responses WHERE customer_id IS NOT NULL AND wave <= '2025-Q1')
      SELECT "group", avg((EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = r.customer_id
               AND o.ordered_at > r.responded_at + 180 AND o.ordered_at <= r.responded_at + 270))::INT) AS active
      FROM r WHERE "group" IS NOT NULL GROUP BY ALL`);
    const active = Object.fromEntries(rows.map((r) => [r.group, r.active]));
    expect(active.promoter! - active.detractor!).toBeGreaterThan(0.05);
  });

  it("the 2024-Q2 promotion cohort retains worse than its neighbours", async () => {
    const rows = await db.rows<{ cohort: string; retained: number }>(`
      SELECT strftime(acquired_at, '%Y') || '-Q' || quarter(acquired_at) AS cohort,
             avg((EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id
               AND o.ordered_at > c.acquired_at + 270 AND o.ordered_at <= c.acquired_at + 365))::INT) AS retained
      FROM customers c WHERE acquired_at BETWEEN '2024-01-01' AND '2024-09-30' GROUP BY ALL`);
    const retained = Object.fromEntries(rows.map((r) => [r.cohort, r.retained]));
    expect(retained["2024-Q2"]!).toBeLessThan(retained["2024-Q1"]! - 0.05);
    expect(retained["2024-Q2"]!).toBeLessThan(retained["2024-Q3"]! - 0.05);
  });

  it("we win less often against Globex as its service improves", async () => {
    const [row] = await db.rows<{ early: number; late: number }>(`
      SELECT avg((outcome = 'won')::INT) FILTER (year(closed_at) = 2023) AS early,
             avg((outcome = 'won')::INT) FILTER (year(closed_at) = 2025) AS late
      FROM opportunities WHERE competitor = 'Globex'`);
    expect(row!.early - row!.late).toBeGreaterThan(0.1);
  });

  it("has refunds, don't-know codes and comments that contain personal details", async () => {
    const [row] = await db.rows<Record<string, number>>(`
      SELECT (SELECT count(*) FROM orders WHERE amount < 0)::INT AS refunds,
             (SELECT dont_know FROM ingest_files WHERE export = 'ratings')::INT AS dont_know,
             (SELECT count(*) FROM responses WHERE regexp_matches(comment, '[a-z.]+@[a-z]+\\.example'))::INT AS emails,
             (SELECT count(*) FROM responses WHERE regexp_matches(comment, '555-01[0-9]{2}'))::INT AS phones`);
    expect(row).toEqual({
      refunds: expect.any(Number),
      dont_know: expect.any(Number),
      emails: expect.any(Number),
      phones: expect.any(Number)
    });
    for (const [key, count] of Object.entries(row!)) expect(count, key).toBeGreaterThan(10);
  });
});
