import type { SurveyConfig } from "../../contract/config.js";
import { memoized, type TableContext } from "../../warehouse/context.js";
import type { Moments } from "../../core/stats/regression.js";
import { identifier, literal } from "../../core/sql.js";
import { suppressedCells, WHOLE } from "../privacy/cell-suppression.js";

/** The segment every respondent belongs to, besides their own: the whole sample. */
export const ALL_SEGMENTS = "All";

/** Each respondent once in `All` and once in their own segment (when they have one: a survey may have no segments). */
export function respondentSegments(schema: TableContext["schema"]): string {
  const all = `SELECT respondent_id, wave, ${literal(ALL_SEGMENTS)} AS segment FROM responses`;
  return schema.has("responses", "segment")
    ? `${all} UNION ALL SELECT respondent_id, wave, segment FROM responses WHERE segment IS NOT NULL`
    : all;
}

/** A cell of a table by wave and segment (All or one segment), for suppressedCells. */
export const segmentCell =
  <T extends { segment: string; n: number }>(sliceOf: (row: T) => string[]) =>
  (row: T) => ({
    slice: sliceOf(row).join("\u0000"),
    breakdown: row.segment === ALL_SEGMENTS ? WHOLE : "segment",
    value: row.segment,
    n: row.n
  });

/** Ratings of one brand on one attribute by the respondents of one segment in one wave. */
export interface Cell {
  wave: string;
  segment: string;
  brand: string;
  attribute: string;
  /** Respondents who gave a score (don't-know answers excluded). */
  n: number;
  mean: number;
  sd: number | null;
  /** Too few answers here, or in a sibling the totals would give away (cell-suppression.ts). */
  suppressed: boolean;
}

export async function ratingCells(context: TableContext & { config: SurveyConfig }): Promise<Cell[]> {
  const cells = await context.db.rows<Omit<Cell, "suppressed">>(`
    SELECT r.wave, s.segment, r.brand, r.attribute, count(r.score) AS n, avg(r.score) AS mean, stddev_samp(r.score) AS sd
    FROM ratings r JOIN (${respondentSegments(context.schema)}) s USING (respondent_id, wave)
    WHERE r.score IS NOT NULL
    GROUP BY ALL ORDER BY ALL`);
  const hidden = suppressedCells(
    cells,
    segmentCell((c) => [c.wave, c.brand, c.attribute]),
    context.config.minCellSize
  );
  return cells.map((c) => ({ ...c, suppressed: hidden.has(c) }));
}

/** Mean stated importance per wave and attribute (all respondents who answered). */
export async function statedImportance(
  context: TableContext
): Promise<{ wave: string; attribute: string; mean: number; n: number }[]> {
  if (!context.schema.has("importance")) return [];
  return context.db.rows(
    `SELECT wave, attribute, avg(weight) AS mean, count(weight) AS n FROM importance WHERE weight IS NOT NULL GROUP BY ALL`
  );
}

/** Waves pooled: the key of moments over every wave together. */
export const ALL_WAVES = "All waves";

export interface DriverMoments extends Moments {
  /** A wave, or ALL_WAVES. */
  wave: string;
  /** Attribute ids, in the order of the predictors in the moments. */
  predictors: string[];
  outcome: string;
}

/**
 * Means and covariances of our brand's attribute ratings and an outcome of the responses
 * export (overall satisfaction by default), per wave and over all waves, over respondents who
 * answered them all (listwise). DuckDB computes every covar_samp in one pass; only the small
 * matrices come back, from which correlations, OLS and relative weights all follow.
 */
export function driverMoments(
  context: TableContext & { config: SurveyConfig },
  outcome = "overall_satisfaction"
): Promise<DriverMoments[]> {
  // Derived weights and the drivers table read the same moments: one pass over the ratings.
  // A survey without the outcome (an NPS-only survey asks no satisfaction question) has no drivers of it.
  return memoized(context, `driver-moments:${outcome}`, async () =>
    context.schema.has("responses", outcome) ? computeDriverMoments(context, outcome) : []
  );
}

/**
 * Our brand's attribute ratings (x0 ... x(p−1), in the config's order) and the outcome (y) of
 * each respondent who answered them all (listwise), per wave: a temporary table made once per
 * outcome, which the moments and the drivers' robust standard errors both read.
 */
export function driverRows(context: TableContext & { config: SurveyConfig }, outcome: string): Promise<string> {
  return memoized(context, `driver-rows:${outcome}`, async () => {
    const attributes = context.config.attributes.map((a) => a.id);
    const names = [...attributes.map((_, i) => `x${i}`), "y"];
    const pivot = attributes
      .map((id, i) => `max(score) FILTER (WHERE attribute = ${literal(id)}) AS ${identifier(`x${i}`)}`)
      .join(", ");
    const table = `driver_rows_${outcome.replace(/\W/g, "_")}`;
    await context.db.run(`
      CREATE OR REPLACE TEMP TABLE ${identifier(table)} AS
      SELECT * FROM (
        SELECT r.wave, ${pivot}, any_value(p.${identifier(outcome)}) AS y
        FROM ratings r JOIN responses p USING (respondent_id, wave)
        WHERE r.brand = ${literal(context.config.brand)} GROUP BY r.respondent_id, r.wave)
      WHERE ${names.map((v) => `${identifier(v)} IS NOT NULL`).join(" AND ")}`);
    return `temp.${identifier(table)}`;
  });
}

async function computeDriverMoments(
  context: TableContext & { config: SurveyConfig },
  outcome: string
): Promise<DriverMoments[]> {
  const attributes = context.config.attributes.map((a) => a.id);
  const names = [...attributes.map((_, i) => `x${i}`), "y"];
  const aggregates = [
    ...names.map((v) => `avg(${identifier(v)}) AS ${identifier(`m_${v}`)}`),
    ...names.flatMap((a, i) =>
      names.slice(i).map((b) => `covar_samp(${identifier(a)}, ${identifier(b)}) AS ${identifier(`c_${a}_${b}`)}`)
    )
  ];
  const rows = await context.db.rows<Record<string, string | number>>(`
    SELECT coalesce(wave, ${literal(ALL_WAVES)}) AS wave, count(*) AS n, ${aggregates.join(", ")}
    FROM ${await driverRows(context, outcome)}
    GROUP BY GROUPING SETS ((wave), ()) ORDER BY wave`);
  return rows.map((row) => ({
    wave: String(row.wave),
    n: Number(row.n),
    predictors: attributes,
    outcome,
    means: names.map((v) => Number(row[`m_${v}`])),
    covariance: names.map((a, i) => names.map((b, j) => Number(row[i <= j ? `c_${a}_${b}` : `c_${b}_${a}`])))
  }));
}

/** Correlations from covariances: predictors x predictors, and each predictor with the outcome. */
export function correlationsOf({ covariance }: Moments): { rxx: number[][]; rxy: number[] } {
  const p = covariance.length - 1;
  const r = (i: number, j: number) => covariance[i]![j]! / Math.sqrt(covariance[i]![i]! * covariance[j]![j]!);
  return {
    rxx: Array.from({ length: p }, (_, i) => Array.from({ length: p }, (__, j) => (i === j ? 1 : r(i, j)))),
    rxy: Array.from({ length: p }, (_, i) => r(i, p))
  };
}
