import { B, D, I, NULL, V, type RowOf } from "../table.js";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { profiles } from "../survey/profiles.js";
import { satisfaction } from "../survey/global-perceptions.js";

export const VALUE_FACTOR_COLUMNS = [
  ["wave", V],
  /** All, or a value of the respondents' segment. */
  ["segment", V],
  ["brand", V],
  ["is_ours", B],
  /** product, service, personnel, image, price (as the config maps attributes), and overall. */
  ["factor", V],
  /** Attributes behind the factor; 0 for overall value from the perceived value question. */
  ["attributes", I],
  /** Weighted mean rating of the factor's attributes (overall: the mean perceived value). */
  ["mean", D, NULL],
  /** 100 × Σ weight × ratio / Σ weight over the factor's attributes: 100 is parity; null for overall from perceived value (competitors are not asked it). */
  ["score", D, NULL],
  /** A cell behind the factor is suppressed (fewer than minCellSize respondents, or a complement). */
  ["suppressed", B]
] as const;

export type ValueFactorRow = RowOf<typeof VALUE_FACTOR_COLUMNS>;

/** The sixth value factor: the overall value of the product or service. */
export const OVERALL_FACTOR = "overall";

/**
 * Scores on the value factors (product, service, personnel, image, price) the config maps
 * attributes to, per wave and segment, from the quality and price profiles (whose suppression
 * they inherit: a factor with a suppressed cell is suppressed). The sixth, overall value, is
 * a factor like the others when the config maps attributes to it; otherwise it is our mean
 * answer to the perceived value question (responses.perceived_value), with that table's
 * suppression, and no score, since competitors are not asked it.
 */
export function valueFactors(context: TableContext): Promise<ValueFactorRow[]> {
  return memoized(context, "value-factors", async () => {
    if (!hasSurvey(context)) return [];
    const { config } = context;
    const profileRows = (await profiles(context)).rows;
    const factors = [...new Set(config.attributes.map((a) => a.factor).filter((f) => f !== undefined))];
    const perceived = factors.includes(OVERALL_FACTOR)
      ? []
      : (await satisfaction(context)).filter((r) => r.measure === "perceived_value");
    const cells = [...new Map(profileRows.map((r) => [`${r.wave}\u0000${r.segment}`, r])).values()];
    const rows: ValueFactorRow[] = [];
    for (const { wave, segment } of cells) {
      const cell = profileRows.filter((r) => r.wave === wave && r.segment === segment);
      for (const brand of [config.brand, ...config.competitors]) {
        for (const factor of factors) {
          const members = cell.filter(
            (r) => r.brand === brand && config.attributes.find((a) => a.id === r.attribute)?.factor === factor
          );
          const complete =
            members.length > 0 && members.every((r) => !r.suppressed && r.ratio !== null && r.weight !== null);
          const totalWeight = members.reduce((sum, r) => sum + (r.weight ?? 0), 0);
          rows.push({
            wave,
            segment,
            brand,
            is_ours: brand === config.brand,
            factor,
            attributes: members.length,
            mean: complete ? round(members.reduce((s, r) => s + r.weight! * r.mean!, 0) / totalWeight, 3) : null,
            score: complete
              ? round((100 * members.reduce((s, r) => s + r.weight! * r.ratio!, 0)) / totalWeight, 2)
              : null,
            suppressed: members.some((r) => r.suppressed)
          });
        }
      }
      const overall = perceived.find((r) => r.wave === wave && r.segment === segment);
      if (overall)
        rows.push({
          wave,
          segment,
          brand: config.brand,
          is_ours: true,
          factor: OVERALL_FACTOR,
          attributes: 0,
          mean: overall.mean,
          score: null,
          suppressed: overall.suppressed
        });
    }
    return rows;
  });
}
