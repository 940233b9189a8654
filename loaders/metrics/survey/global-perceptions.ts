/**
 * The global perceptions (overall satisfaction, perceived value) per wave and segment: the
 * loyalty model's second link, and the sixth value factor (overall value).
 */
import { B, D, I, NULL, V, type RowOf } from "../table.js";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { identifier } from "../../core/sql.js";
import { meanInterval, wilsonInterval } from "../../core/stats/intervals.js";
import { suppressedCells } from "../privacy/cell-suppression.js";
import { respondentSegments, segmentCell } from "./survey-cells.js";

export const SATISFACTION_COLUMNS = [
  ["wave", V],
  ["segment", V],
  /** overall_satisfaction or perceived_value. */
  ["measure", V],
  /** Null when suppressed. */
  ["n", I, NULL],
  ["mean", D, NULL],
  ["ci_low", D, NULL],
  ["ci_high", D, NULL],
  /** Share of answers in the top two points of the scale. */
  ["top2", D, NULL],
  ["top2_ci_low", D, NULL],
  ["top2_ci_high", D, NULL],
  ["suppressed", B]
] as const;

export type SatisfactionRow = RowOf<typeof SATISFACTION_COLUMNS>;

const GLOBAL_PERCEPTIONS = ["overall_satisfaction", "perceived_value"] as const;

/** Mean (Student-t interval) and top-2-box share (Wilson interval) of the global perceptions. */
export function satisfaction(context: TableContext): Promise<SatisfactionRow[]> {
  return memoized(context, "satisfaction", async () => {
    if (!hasSurvey(context)) return [];
    const config = context.config;
    const measures = GLOBAL_PERCEPTIONS.filter((m) => context.schema.has("responses", m));
    const out: SatisfactionRow[] = [];
    for (const measure of measures) {
      const { max } = config.scales[measure];
      const v = `r.${identifier(measure)}`;
      const rows = await context.db.rows<{
        wave: string;
        segment: string;
        n: number;
        mean: number;
        sd: number | null;
        top2: number;
      }>(`
        SELECT r.wave, s.segment, count(${v}) AS n, avg(${v}) AS mean, stddev_samp(${v}) AS sd, count(*) FILTER (WHERE ${v} >= ${max - 1}) AS top2
        FROM responses r JOIN (${respondentSegments(context.schema)}) s USING (respondent_id, wave)
        GROUP BY ALL ORDER BY ALL`);
      const hidden = suppressedCells(
        rows,
        segmentCell((r) => [r.wave]),
        config.minCellSize
      );
      for (const row of rows) {
        const { wave, segment, n, mean, sd, top2 } = row;
        const suppressed = hidden.has(row);
        const interval = suppressed ? null : meanInterval(mean, sd ?? NaN, n);
        const share = suppressed ? null : wilsonInterval(top2, n);
        out.push({
          wave,
          segment,
          measure,
          n: suppressed ? null : n,
          mean: suppressed ? null : round(mean, 3),
          ci_low: round(interval?.low, 3),
          ci_high: round(interval?.high, 3),
          top2: suppressed ? null : round(top2 / n, 4),
          top2_ci_low: round(share?.low, 4),
          top2_ci_high: round(share?.high, 4),
          suppressed
        });
      }
    }
    return out;
  });
}
