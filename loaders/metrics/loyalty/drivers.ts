import { D, I, NULL, V, type RowOf } from "../table.js";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { olsFromMoments, shapleyShares, MAX_SHAPLEY_PREDICTORS } from "../../core/stats/regression.js";
import { relativeWeights } from "../../core/stats/relative-weights.js";
import { profiles } from "../survey/profiles.js";
import { ALL_SEGMENTS, ALL_WAVES, correlationsOf, driverMoments } from "../survey/survey-cells.js";

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
