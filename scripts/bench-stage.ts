/**
 * One benchmark stage in its own process, so that its peak RSS is its own:
 *   tsx scripts/bench-stage.ts ours <data folder> <work folder>
 *   tsx scripts/bench-stage.ts baseline <data folder> <work folder>
 *   tsx scripts/bench-stage.ts clv <data folder> <work folder>
 * Prints one JSON line: {"ingest": s, "families": {name: s}, "peakRssMb": MB}.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Database } from "../loaders/core/db.js";
import { ensureWarehouse, precomputeTables, TABLE_FAMILIES, tableOfFolder } from "../loaders/index.js";
import { identifier, literal } from "../loaders/core/sql.js";

const [stage, dataDir, workDir] = process.argv.slice(2);
if (!dataDir || !workDir || (stage !== "ours" && stage !== "baseline" && stage !== "clv")) {
  console.error("usage: bench-stage.ts <ours|baseline|clv> <data folder> <work folder>");
  process.exit(2);
}

interface StageTimes {
  ingest: number;
  families: Record<string, number>;
}

const seconds = (since: number) => (performance.now() - since) / 1000;

/**
 * The floor's groups of tables (below), which predate the library's families: each table is
 * timed in the group its floor queries are, so that the two sides compare like with like.
 */
const FLOOR_GROUP: Record<string, string> = {
  inputs: "ingest and revenue",
  "revenue-by-quarter": "ingest and revenue",
  sales: "customer value analysis",
  "key-events": "customer value analysis",
  summary: "value of each customer"
};

/** Ingest with validation, then every table the site precomputes, timed by the floor's groups. */
async function ours(): Promise<StageTimes> {
  const started = performance.now();
  await ensureWarehouse({ dataDir: dataDir!, warehouseDir: workDir! });
  const ingest = seconds(started);
  const familyOf = new Map(
    Object.entries(TABLE_FAMILIES).flatMap(([family, tables]) =>
      tables.map((t) => [t.name, FLOOR_GROUP[t.name] ?? FLOOR_GROUP[family] ?? family] as const)
    )
  );
  const families: Record<string, number> = {};
  await precomputeTables({
    dataDir: dataDir!,
    warehouseDir: workDir!,
    onTable: (name, s) => (families[familyOf.get(name)!] = (families[familyOf.get(name)!] ?? 0) + s)
  });
  return { ingest, families };
}

/**
 * The physical floor: each CSV loaded into a DuckDB file with auto-detected types (no
 * validation, line numbers, rejects or typing rules), then, per family, plain SQL computing
 * the aggregates our tables are made from, the heavy ones included (the scores' respondent-
 * clustered variance, the customer base's state per quarter, the calibration split).
 * Nothing is formatted, tested or modelled.
 */
async function baseline(): Promise<StageTimes> {
  let started = performance.now();
  const db = await Database.open(join(workDir!, `baseline-${process.pid}.duckdb`));
  const files = readdirSync(dataDir!)
    .filter((f) => f.endsWith(".csv"))
    .map((f) => f.slice(0, -4));
  for (const name of files) {
    await db.run(
      `CREATE TABLE ${identifier(name)} AS SELECT * FROM read_csv(${literal(join(dataDir!, `${name}.csv`))}, header = true)`
    );
  }
  await db.run("CHECKPOINT");
  const ingest = seconds(started);
  const has = (name: string) => files.includes(name);
  const families: Record<string, number> = {};
  /** Runs each query into a temporary table: floor_result, or the one it names (a later query reads it). */
  const time = async (family: string, queries: (string | { into: string; sql: string })[]) => {
    started = performance.now();
    // Materialized in DuckDB, not read into JavaScript: the floor pays for the work, not for
    // moving a million per-customer rows into objects.
    for (const query of queries) {
      const { into, sql } = typeof query === "string" ? { into: "floor_result", sql: query } : query;
      await db.run(`CREATE OR REPLACE TEMP TABLE ${into} AS ${sql}`);
    }
    families[family] = (families[family] ?? 0) + seconds(started);
  };
  await time("ingest and revenue", [
    `SELECT date_trunc('quarter', TRY_CAST(ordered_at AS TIMESTAMP)), sum(amount), sum(cost), count(*) FILTER (amount >= 0), count(DISTINCT customer_id) FILTER (amount >= 0) FROM orders GROUP BY 1`,
    ...(has("responses") ? [`SELECT wave, count(*), count(customer_id) FROM responses GROUP BY 1`] : [])
  ]);
  const SEGMENTS = `SELECT respondent_id, wave, 'All' AS segment FROM responses UNION ALL SELECT respondent_id, wave, segment FROM responses WHERE segment IS NOT NULL`;
  if (has("ratings") && has("responses")) {
    const answered = `ratings WHERE score BETWEEN 1 AND 10`;
    const joined = `ratings r JOIN responses s USING (respondent_id, wave) WHERE r.score BETWEEN 1 AND 10`;
    const attributes = (await db.rows<{ a: string }>(`SELECT DISTINCT attribute AS a FROM ratings ORDER BY 1`)).map(
      (r) => r.a
    );
    const [{ ours }] = (await db.rows<{ ours: string }>(`SELECT brand AS ours FROM ratings LIMIT 1`)) as [
      { ours: string }
    ];
    await time("customer value analysis", [
      // Means and intervals per wave, segment, brand and attribute; stated importance.
      `SELECT r.wave, s.segment, r.brand, r.attribute, count(*), avg(r.score), stddev_samp(r.score) FROM ${joined} GROUP BY GROUPING SETS ((1, 3, 4), (1, 2, 3, 4))`,
      ...(has("importance") ? [`SELECT wave, attribute, avg(weight) FROM importance GROUP BY ALL`] : []),
      // Paired gaps to each competitor (head-to-head).
      `SELECT a.wave, b.brand, a.attribute, count(*), avg(a.score - b.score), stddev_samp(a.score - b.score)
       FROM ratings a JOIN ratings b USING (respondent_id, wave, attribute)
       WHERE a.brand = ${literal(ours)} AND b.brand <> a.brand AND a.score BETWEEN 1 AND 10 AND b.score BETWEEN 1 AND 10 GROUP BY ALL`,
      ...(has("opportunities")
        ? [
            `SELECT date_trunc('quarter', TRY_CAST(closed_at AS DATE)), competitor, count(*) FILTER (outcome = 'won'), count(*) FROM opportunities GROUP BY ALL`
          ]
        : []),
      // The scores' standard errors: per respondent, the sum of their centred ratings weighted
      // per cell, for every focal brand; squared and summed per wave, segment and focal brand
      // (respondents clustered, as the quality profile's delta method needs). The cells'
      // coefficients are a small table, as in ours.
      {
        into: "floor_coefficients",
        sql: `SELECT c.*, f.brand AS focal, 1.0 / c.n AS a FROM (SELECT r.wave, s.segment, r.brand, r.attribute, avg(r.score) AS m, count(*) AS n
         FROM ratings r JOIN (${SEGMENTS}) s USING (respondent_id, wave) WHERE r.score BETWEEN 1 AND 10 GROUP BY ALL) c CROSS JOIN (SELECT DISTINCT brand FROM ratings) f`
      },
      `SELECT wave, segment, focal, sum(influence * influence) FROM (
         SELECT r.wave, s.segment, k.focal, r.respondent_id, sum(k.a * (r.score - k.m)) AS influence
         FROM ratings r JOIN (${SEGMENTS}) s USING (respondent_id, wave)
         JOIN floor_coefficients k ON k.wave = r.wave AND k.segment = s.segment AND k.brand = r.brand AND k.attribute = r.attribute
         WHERE r.score BETWEEN 1 AND 10 GROUP BY ALL) GROUP BY ALL`
    ]);
    await time("loyalty", [
      `SELECT wave, segment, count(likelihood_to_recommend), count(*) FILTER (likelihood_to_recommend >= 9), count(*) FILTER (likelihood_to_recommend <= 6), avg(overall_satisfaction) FROM responses GROUP BY GROUPING SETS ((1), (1, 2))`,
      // The drivers' data: our ratings as one row per respondent, correlated with satisfaction.
      `WITH wide AS (SELECT respondent_id, wave, ${attributes.map((a, i) => `max(score) FILTER (attribute = ${literal(a)}) AS a${i}`).join(", ")}
                     FROM ${answered} AND brand = ${literal(ours)} GROUP BY ALL)
       SELECT r.wave, ${attributes.map((_, i) => `corr(r.overall_satisfaction, w.a${i})`).join(", ")}, count(*) FROM wide w JOIN responses r USING (respondent_id, wave) GROUP BY ALL`,
      ...(has("tickets")
        ? [
            `SELECT date_trunc('quarter', TRY_CAST(opened_at AS TIMESTAMP)), count(*), count(resolved_at) FROM tickets GROUP BY 1`
          ]
        : [])
    ]);
    await time("competitor tracking", [
      `SELECT r.wave, s.region, r.brand, r.attribute, count(*), avg(r.score), stddev_samp(r.score), count(*) FILTER (r.score >= 9) FROM ${joined} GROUP BY ALL`,
      `SELECT wave, preferred_brand, count(*) FROM responses GROUP BY ALL`
    ]);
  }
  const days = `days AS (SELECT customer_id, TRY_CAST(ordered_at AS DATE) AS day, sum(amount) AS amount FROM orders WHERE amount >= 0 GROUP BY ALL)`;
  await time("value of each customer", [
    // The CLV models' sufficient statistics: per customer, purchase days, over the whole
    // history and over its first half (the holdout check).
    `WITH ${days} SELECT count(*) - 1 AS x, max(day) - min(day) AS t_x, (SELECT max(day) FROM days) - min(day) AS t, avg(amount) FROM days GROUP BY customer_id`,
    `WITH ${days}, bounds AS (SELECT min(day) + ((max(day) - min(day)) // 2)::INTEGER AS cal_end FROM days)
     SELECT count(*) FILTER (day <= cal_end) - 1 AS x, max(day) FILTER (day <= cal_end) - min(day) AS t_x, count(*) FILTER (day > cal_end) AS holdout
     FROM days CROSS JOIN bounds GROUP BY customer_id HAVING min(day) <= any_value(cal_end)`,
    // The customer base's state at each quarter's end: per customer and later quarter, the
    // purchases so far (the quarterly base value), grouped by (quarter, x, t_x, T).
    `WITH ${days}, firsts AS (SELECT customer_id, min(day) AS first_day FROM days GROUP BY ALL),
          by_quarter AS (SELECT customer_id, date_trunc('quarter', day) AS q, count(*) AS n, max(day) AS last_day, sum(amount) AS spend FROM days GROUP BY ALL),
          running AS (SELECT customer_id, q, sum(n) OVER w AS n, max(last_day) OVER w AS last_day, sum(spend) OVER w AS spend FROM by_quarter WINDOW w AS (PARTITION BY customer_id ORDER BY q)),
          quarters AS (SELECT DISTINCT q FROM by_quarter),
          state AS (SELECT g.q, f.first_day, r.n - 1 AS x, r.last_day, r.spend FROM firsts f JOIN quarters g ON g.q >= date_trunc('quarter', f.first_day)
                    ASOF JOIN running r ON r.customer_id = f.customer_id AND g.q >= r.q)
     SELECT q, x, last_day - first_day AS t_x, q - first_day AS t, count(*), sum(spend / greatest(x, 1)) FROM state GROUP BY ALL`,
    // RFM: each customer's recency, frequency and monetary value scored in quintiles.
    `WITH c AS (SELECT customer_id, max(TRY_CAST(ordered_at AS DATE)) AS last, count(*) AS f, sum(amount) AS m FROM orders GROUP BY ALL)
     SELECT r, fq, mq, count(*), sum(m) FROM (SELECT ntile(5) OVER (ORDER BY last) AS r, ntile(5) OVER (ORDER BY f) AS fq, ntile(5) OVER (ORDER BY m) AS mq, m FROM c) GROUP BY ALL`,
    // The retention levers' customer lives: first and last purchase, revenue.
    `SELECT customer_id, min(TRY_CAST(ordered_at AS DATE)), max(TRY_CAST(ordered_at AS DATE)) FILTER (amount >= 0), sum(amount) FROM orders GROUP BY ALL`,
    // Cohorts: first quarter x later quarters.
    `WITH q AS (SELECT customer_id, date_trunc('quarter', TRY_CAST(ordered_at AS TIMESTAMP)) AS q, sum(amount) AS revenue FROM orders GROUP BY ALL),
          f AS (SELECT customer_id, min(q) AS cohort FROM q GROUP BY ALL)
     SELECT cohort, q, count(*), sum(revenue) FROM q JOIN f USING (customer_id) GROUP BY ALL`,
    ...(has("customers")
      ? [`SELECT c.segment, count(*), sum(o.amount) FROM orders o JOIN customers c USING (customer_id) GROUP BY ALL`]
      : [])
  ]);
  db.close();
  return { ingest, families };
}

/** CLV end to end: ingest the orders, then both BG/NBD and Gamma-Gamma fits (clv-params). */
async function clv(): Promise<StageTimes> {
  let started = performance.now();
  await ensureWarehouse({ dataDir: dataDir!, warehouseDir: workDir! });
  const ingest = seconds(started);
  started = performance.now();
  await tableOfFolder(dataDir!, "clv-params", { warehouseDir: workDir! });
  return { ingest, families: { "CLV fits": seconds(started) } };
}

const result = stage === "ours" ? await ours() : stage === "clv" ? await clv() : await baseline();
console.log(JSON.stringify({ ...result, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
