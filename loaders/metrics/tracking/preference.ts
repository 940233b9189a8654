import { B, D, I, NULL, V, type RowOf } from "../table.js";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { wilsonInterval } from "../../core/stats/intervals.js";
import { suppressedCells } from "../privacy/cell-suppression.js";
import { breakdownCell, respondentBreakdowns } from "../survey/breakdowns.js";

export const PREFERENCE_COLUMNS = [
  ["wave", V],
  ["breakdown", V],
  ["breakdown_value", V],
  ["brand", V],
  ["is_ours", B],
  /** Respondents who named a preferred brand (null when suppressed, as chosen). */
  ["n", I, NULL],
  ["chosen", I, NULL],
  /** chosen / n, with a Wilson 95% interval. */
  ["share", D, NULL],
  ["ci_low", D, NULL],
  ["ci_high", D, NULL],
  ["suppressed", B]
] as const;

export type PreferenceRow = RowOf<typeof PREFERENCE_COLUMNS>;

/**
 * Share of preference: of the respondents who answered "which would you choose"
 * (responses.preferred_brand), the share choosing each brand, per wave and breakdown.
 */
export function shareOfPreference(context: TableContext): Promise<PreferenceRow[]> {
  return memoized(context, "share-of-preference", async () => {
    if (!hasSurvey(context) || !context.schema.has("responses", "preferred_brand")) return [];
    const { config } = context;
    const brands = [config.brand, ...config.competitors];
    const totals = await context.db.rows<{
      wave: string;
      breakdown: string;
      breakdown_value: string;
      brand: string | null;
      n: number;
    }>(`
      SELECT r.wave, b.breakdown, b.breakdown_value, r.preferred_brand AS brand, count(*) AS n
      FROM responses r JOIN (${respondentBreakdowns(context)}) b USING (respondent_id, wave)
      WHERE r.preferred_brand IS NOT NULL GROUP BY ALL`);
    const key = (...parts: string[]) => parts.join("\u0000");
    const counts = new Map(totals.map((t) => [key(t.wave, t.breakdown, t.breakdown_value, t.brand!), t.n]));
    // One cell per wave and breakdown: the brands' counts share its respondents.
    const slices = [...new Set(totals.map((t) => key(t.wave, t.breakdown, t.breakdown_value)))].sort();
    const answered = slices.map((slice) => {
      const [wave, breakdown, breakdown_value] = slice.split("\u0000") as [string, string, string];
      const n = brands.reduce((sum, b) => sum + (counts.get(key(slice, b)) ?? 0), 0);
      return { slice, wave, breakdown, breakdown_value, n };
    });
    const hidden = suppressedCells(
      answered,
      breakdownCell((c) => [c.wave]),
      config.minCellSize
    );
    return answered.flatMap((cell) => {
      const { slice, wave, breakdown, breakdown_value: value, n } = cell;
      const suppressed = hidden.has(cell);
      return brands.map((brand) => {
        const chosen = counts.get(key(slice, brand)) ?? 0;
        const interval = suppressed ? null : wilsonInterval(chosen, n);
        return {
          wave,
          breakdown,
          breakdown_value: value,
          brand,
          is_ours: brand === config.brand,
          n: suppressed ? null : n,
          chosen: suppressed ? null : chosen,
          share: suppressed ? null : round(chosen / n, 4),
          ci_low: round(interval?.low, 4),
          ci_high: round(interval?.high, 4),
          suppressed
        };
      });
    });
  });
}
