/**
 * One benchmark stage in its own process, so that its peak RSS is its own:
 *   tsx scripts/bench-stage.ts ours <data folder> <work folder>
 *   tsx scripts/bench-stage.ts baseline <data folder> <work folder>
 *   tsx scripts/bench-stage.ts clv <data folder> <work folder>
 * Prints one JSON line: {"ingest": s, "families": {name: s}, "peakRssMb": MB}.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Database } from "../loaders/db.js";
import { ensureWarehouse, precomputeTables, TABLE_FAMILIES, tableOfFolder } from "../loaders/index.js";
import { identifier, literal } from "../loaders/sql.js";

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

/** Ingest with validation, then every table the site precomputes, timed by family. */
async function ours(): Promise<StageTimes> {
  let started = performance.now();
  await ensureWarehouse({ dataDir: dataDir!, warehouseDir: workDir! });
  const ingest = seconds(started);
  const familyOf = new Map(Object.entries(TABLE_FAMILIES).flatMap(([family, tables]) => tables.map((t) => [t.name, family] as const)));
  const families: Record<string, number> = {};
  await precomputeTables({ dataDir: dataDir!, warehouseDir: workDir!, onTable: (name, s) => (families[familyOf.get(name)!] = (families[familyOf.get(name)!] ?? 0) + s) });
  return { ingest, families };
}

/**
 * The physical floor: each CSV loaded into a DuckDB file with auto-detected types (no
 * validation, line numbers, rejects or typing rules), then, per family, plain SQL computing
 * the aggregates our tables are made from. Nothing is formatted, tested or modelled.
 */
async function baseline(): Promise<StageTimes> {
  let started = performance.now();
  const db = await Database.open(join(workDir!, `baseline-${process.pid}.duckdb`));
  const files = readdirSync(dataDir!).filter((f) => f.endsWith(".csv")).map((f) => f.slice(0, -4));
  for (const name of files) {
    await db.run(`CREATE TABLE ${identifier(name)} AS SELECT * FROM read_csv(${literal(join(dataDir!, `${name}.csv`))}, header = true)`);
  }
  await db.run("CHECKPOINT");
  const ingest = seconds(started);
  const has = (name: string) => files.includes(name);
  const families: Record<string, number> = {};
  const time = async (family: string, queries: string[]) => {
    started = performance.now();
    for (const sql of queries) await db.rows(sql);
    families[family] = (families[family] ?? 0) + seconds(started);
  };
  await time("ingest and revenue", [
    `SELECT date_trunc('quarter', TRY_CAST(ordered_at AS TIMESTAMP)), sum(amount), sum(cost), count(*) FILTER (amount >= 0), count(DISTINCT customer_id) FILTER (amount >= 0) FROM orders GROUP BY 1`,
    ...(has("responses") ? [`SELECT wave, count(*), count(customer_id) FROM responses GROUP BY 1`] : [])
  ]);
  if (has("ratings") && has("responses")) {
    const answered = `ratings WHERE score BETWEEN 1 AND 10`;
    const joined = `ratings r JOIN responses s USING (respondent_id, wave) WHERE r.score BETWEEN 1 AND 10`;
    const attributes = (await db.rows<{ a: string }>(`SELECT DISTINCT attribute AS a FROM ratings ORDER BY 1`)).map((r) => r.a);
    const [{ ours }] = (await db.rows<{ ours: string }>(`SELECT brand AS ours FROM ratings LIMIT 1`)) as [{ ours: string }];
    await time("customer value analysis", [
      // Means and intervals per wave, segment, brand and attribute; stated importance.
      `SELECT r.wave, s.segment, r.brand, r.attribute, count(*), avg(r.score), stddev_samp(r.score) FROM ${joined} GROUP BY GROUPING SETS ((1, 3, 4), (1, 2, 3, 4))`,
      ...(has("importance") ? [`SELECT wave, attribute, avg(weight) FROM importance GROUP BY ALL`] : []),
      // Paired gaps to each competitor (head-to-head).
      `SELECT a.wave, b.brand, a.attribute, count(*), avg(a.score - b.score), stddev_samp(a.score - b.score)
       FROM ratings a JOIN ratings b USING (respondent_id, wave, attribute)
       WHERE a.brand = ${literal(ours)} AND b.brand <> a.brand AND a.score BETWEEN 1 AND 10 AND b.score BETWEEN 1 AND 10 GROUP BY ALL`,
      ...(has("opportunities") ? [`SELECT date_trunc('quarter', TRY_CAST(closed_at AS DATE)), competitor, count(*) FILTER (outcome = 'won'), count(*) FROM opportunities GROUP BY ALL`] : [])
    ]);
    await time("loyalty", [
      `SELECT wave, segment, count(likelihood_to_recommend), count(*) FILTER (likelihood_to_recommend >= 9), count(*) FILTER (likelihood_to_recommend <= 6), avg(overall_satisfaction) FROM responses GROUP BY GROUPING SETS ((1), (1, 2))`,
      // The drivers' data: our ratings as one row per respondent, correlated with satisfaction.
      `WITH wide AS (SELECT respondent_id, wave, ${attributes.map((a, i) => `max(score) FILTER (attribute = ${literal(a)}) AS a${i}`).join(", ")}
                     FROM ${answered} AND brand = ${literal(ours)} GROUP BY ALL)
       SELECT r.wave, ${attributes.map((_, i) => `corr(r.overall_satisfaction, w.a${i})`).join(", ")}, count(*) FROM wide w JOIN responses r USING (respondent_id, wave) GROUP BY ALL`,
      ...(has("tickets") ? [`SELECT date_trunc('quarter', TRY_CAST(opened_at AS TIMESTAMP)), count(*), count(resolved_at) FROM tickets GROUP BY 1`] : [])
    ]);
    await time("competitor tracking", [
      `SELECT r.wave, s.region, r.brand, r.attribute, count(*), avg(r.score), stddev_samp(r.score), count(*) FILTER (r.score >= 9) FROM ${joined} GROUP BY ALL`,
      `SELECT wave, preferred_brand, count(*) FROM responses GROUP BY ALL`
    ]);
  }
  await time("value of each customer", [
    // RFM and the CLV models' sufficient statistics: per customer, purchase days.
    `WITH days AS (SELECT customer_id, TRY_CAST(ordered_at AS DATE) AS day, sum(amount) AS amount FROM orders WHERE amount >= 0 GROUP BY ALL)
     SELECT count(*) - 1 AS x, max(day) - min(day) AS t_x, (SELECT max(day) FROM days) - min(day) AS t, avg(amount) FROM days GROUP BY customer_id`,
    // Cohorts: first quarter x later quarters.
    `WITH q AS (SELECT customer_id, date_trunc('quarter', TRY_CAST(ordered_at AS TIMESTAMP)) AS q, sum(amount) AS revenue FROM orders GROUP BY ALL),
          f AS (SELECT customer_id, min(q) AS cohort FROM q GROUP BY ALL)
     SELECT cohort, q, count(*), sum(revenue) FROM q JOIN f USING (customer_id) GROUP BY ALL`,
    ...(has("customers") ? [`SELECT c.segment, count(*), sum(o.amount) FROM orders o JOIN customers c USING (customer_id) GROUP BY ALL`] : [])
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
