import { D, I, NULL, V, type RowOf } from "../table.js";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import {
  inverseCrossProduct,
  olsFromMoments,
  sandwich,
  shapleyShares,
  MAX_SHAPLEY_PREDICTORS,
  type OlsFit
} from "../../core/stats/regression.js";
import { twoSided } from "../../core/stats/intervals.js";
import { identifier, literal } from "../../core/sql.js";
import type { SurveyConfig } from "../../contract/config.js";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import { relativeWeights } from "../../core/stats/relative-weights.js";
import { profiles } from "../survey/profiles.js";
import {
  ALL_SEGMENTS,
  ALL_WAVES,
  correlationsOf,
  driverMoments,
  driverRows,
  type DriverMoments
} from "../survey/survey-cells.js";

export const DRIVER_COLUMNS = [
  /** A wave, or "All waves" pooled. */
  ["wave", V],
  ["outcome", V],
  ["attribute", V],
  ["label", V],
  /** Respondents with every rating of our brand and the outcome (listwise). */
  ["n", I],
  ["r_squared", D],
  /** Pearson correlation of the rating with the outcome. */
  ["correlation", D],
  /** Unstandardized OLS coefficient: outcome points per rating point, others held fixed. */
  ["coefficient", D],
  /** Its heteroskedasticity-robust (HC3) standard error, 95% t interval and two-sided p-value. */
  ["se", D, NULL],
  ["ci_low", D, NULL],
  ["ci_high", D, NULL],
  ["p_value", D, NULL],
  ["intercept", D],
  /** Standardized OLS coefficient. */
  ["beta", D],
  /** Johnson's relative weight: share of R² (sums to r_squared). */
  ["relative_weight", D],
  /** relative_weight / r_squared × 100. */
  ["relative_weight_pct", D],
  /** Shapley (LMG) share of R² (sums to r_squared); null beyond 15 drivers. */
  ["shapley", D, NULL],
  ["rank", I]
] as const;

export type DriverRow = RowOf<typeof DRIVER_COLUMNS>;

/**
 * Key-driver analysis of a global perception (default overall satisfaction) on our brand's
 * attribute ratings, per wave and pooled: correlations, OLS (unstandardized with intercept, and
 * standardized), Johnson's relative weights and exact Shapley (LMG) shares of R². A wave (or
 * the pool) with fewer than minCellSize complete respondents has no drivers: a regression on a
 * handful of people describes them. Waves need no complements: the table publishes fits, not
 * the moments a wave's fit could be subtracted from the pool's with.
 */
export function drivers(context: TableContext, outcome = "overall_satisfaction"): Promise<DriverRow[]> {
  return memoized(context, `drivers:${outcome}`, async () => {
    if (!hasSurvey(context) || !context.schema.has("responses", outcome)) return [];
    const labels = new Map(context.config.attributes.map((a) => [a.id, a.label]));
    const rows: DriverRow[] = [];
    for (const moments of await driverMoments(context, outcome)) {
      const p = moments.predictors.length;
      if (moments.n <= p + 1 || moments.n < context.config.minCellSize) continue;
      const fit = olsFromMoments(moments);
      const { rxx, rxy } = correlationsOf(moments);
      const { weights } = relativeWeights(rxx, rxy);
      const shapley = p <= MAX_SHAPLEY_PREDICTORS ? shapleyShares(rxx, rxy) : null;
      const order = [...weights.keys()].sort((a, b) => weights[b]! - weights[a]!);
      const se = await robustErrors(context, outcome, moments, fit);
      const df = moments.n - p - 1;
      const t975 = tQuantile(0.975, df);
      moments.predictors.forEach((attribute, j) => {
        rows.push({
          wave: moments.wave,
          outcome,
          attribute,
          label: labels.get(attribute) ?? attribute,
          n: moments.n,
          r_squared: round(fit.rSquared, 6)!,
          correlation: round(rxy[j], 6)!,
          coefficient: round(fit.coefficients[j], 6)!,
          se: round(se[j], 6),
          ci_low: round(fit.coefficients[j]! - t975 * se[j]!, 6),
          ci_high: round(fit.coefficients[j]! + t975 * se[j]!, 6),
          p_value: round(Number.isFinite(se[j]) ? twoSided(fit.coefficients[j]! / se[j]!, df) : null, 6),
          intercept: round(fit.intercept, 6)!,
          beta: round(fit.betas[j], 6)!,
          relative_weight: round(weights[j], 6)!,
          relative_weight_pct: round((100 * weights[j]!) / fit.rSquared, 3)!,
          shapley: round(shapley?.[j], 6),
          rank: order.indexOf(j) + 1
        });
      });
    }
    return rows;
  });
}

/**
 * HC3 standard errors of the coefficients: the meat Σ z z' e² / (1 − h)² is summed by DuckDB
 * over the respondents of the fit (its wave, or every wave for the pool), with the residual e
 * and the leverage h = z'(Z'Z)⁻¹z written out from the fit; only the small matrix comes back.
 */
async function robustErrors(
  context: TableContext & { config: SurveyConfig },
  outcome: string,
  moments: DriverMoments,
  fit: OlsFit
): Promise<number[]> {
  const p = moments.predictors.length;
  const a = inverseCrossProduct(moments);
  const z = ["1", ...moments.predictors.map((_, j) => identifier(`x${j}`))];
  // As DOUBLE: a literal such as 0.12345678901234567 would be a DECIMAL(18, 17), too narrow.
  const double = (v: number) => `${v}::DOUBLE`;
  const residual = `y - (${[fit.intercept, ...fit.coefficients].map((b, j) => `${double(b)} * ${z[j]}`).join(" + ")})`;
  const leverage = a.flatMap((row, j) => row.map((v, k) => `${double(v)} * ${z[j]} * ${z[k]}`)).join(" + ");
  const sums = z.flatMap((zj, j) =>
    z.slice(j).map((zk, d) => `sum(w * ${zj} * ${zk}) AS ${identifier(`m_${j}_${j + d}`)}`)
  );
  const [row] = await context.db.rows<Record<string, number>>(`
    SELECT ${sums.join(", ")} FROM (
      SELECT *, (${residual}) ** 2 / (1 - (${leverage})) ** 2 AS w FROM ${await driverRows(context, outcome)}
      ${moments.wave === ALL_WAVES ? "" : `WHERE wave = ${literal(moments.wave)}`})`);
  const meat = z.map((_, j) => z.map((__, k) => Number(row![`m_${Math.min(j, k)}_${Math.max(j, k)}`])));
  const covariance = sandwich(a, meat);
  return Array.from({ length: p }, (_, j) => Math.sqrt(covariance[j + 1]![j + 1]!));
}

export type Quadrant = "concentrate here" | "keep up the good work" | "low priority" | "possible overkill";

export const IMPORTANCE_PERFORMANCE_COLUMNS = [
  ["wave", V],
  ["attribute", V],
  ["label", V],
  /** Derived importance: relative weight as a percentage of R² (wave's drivers). */
  ["importance", D],
  /** Our brand's mean rating (all respondents). */
  ["performance", D, NULL],
  ["quadrant", V, NULL]
] as const;

export type ImportancePerformanceRow = RowOf<typeof IMPORTANCE_PERFORMANCE_COLUMNS>;

/**
 * Importance-performance analysis (Martilla & James 1977) with derived importance: each
 * attribute's share of the explained satisfaction against our rating, split at the means of
 * both across attributes.
 */
export function importancePerformance(context: TableContext): Promise<ImportancePerformanceRow[]> {
  return memoized(context, "importance-performance", async () => {
    const driverRows = (await drivers(context)).filter((d) => d.wave !== ALL_WAVES);
    const ours = (await profiles(context)).rows.filter((r) => r.is_ours && r.segment === ALL_SEGMENTS);
    const out: ImportancePerformanceRow[] = [];
    for (const wave of [...new Set(driverRows.map((d) => d.wave))]) {
      const rows = driverRows
        .filter((d) => d.wave === wave)
        .map((d) => ({
          wave,
          attribute: d.attribute,
          label: d.label,
          importance: d.relative_weight_pct,
          performance: ours.find((r) => r.wave === wave && r.attribute === d.attribute)?.mean ?? null
        }));
      const known = rows.filter((r) => r.performance !== null);
      const meanImportance = known.reduce((s, r) => s + r.importance, 0) / known.length;
      const meanPerformance = known.reduce((s, r) => s + r.performance!, 0) / known.length;
      for (const r of rows) {
        const quadrant: Quadrant | null =
          r.performance === null
            ? null
            : r.importance >= meanImportance
              ? r.performance < meanPerformance
                ? "concentrate here"
                : "keep up the good work"
              : r.performance < meanPerformance
                ? "low priority"
                : "possible overkill";
        out.push({ ...r, quadrant });
      }
    }
    return out;
  });
}
