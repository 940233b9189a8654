import { B, D, I, NULL, V, type RowOf } from "../table.js";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { profiles } from "../survey/profiles.js";
import { ALL_SEGMENTS } from "../survey/survey-cells.js";

export const VALUE_FACTOR_COLUMNS = [
  ["wave", V],
  ["brand", V],
  ["is_ours", B],
  ["factor", V],
  ["attributes", I],
  /** Weighted mean rating of the factor's attributes. */
  ["mean", D, NULL],
  /** 100 × Σ weight × ratio / Σ weight over the factor's attributes: 100 is parity. */
  ["score", D, NULL]
] as const;

export type ValueFactorRow = RowOf<typeof VALUE_FACTOR_COLUMNS>;

/** Scores on the value factors (product, service, personnel, image, price) the config maps attributes to. */
export function valueFactors(context: TableContext): Promise<ValueFactorRow[]> {
  return memoized(context, "value-factors", async () => {
    if (!hasSurvey(context)) return [];
    const { config } = context;
    const all = (await profiles(context)).rows.filter((r) => r.segment === ALL_SEGMENTS);
    const factors = [...new Set(config.attributes.map((a) => a.factor).filter((f) => f !== undefined))];
    const rows: ValueFactorRow[] = [];
    for (const wave of [...new Set(all.map((r) => r.wave))]) {
      for (const brand of [config.brand, ...config.competitors]) {
        for (const factor of factors) {
          const members = all.filter(
            (r) =>
              r.wave === wave &&
              r.brand === brand &&
              config.attributes.find((a) => a.id === r.attribute)?.factor === factor
          );
          const complete =
            members.length > 0 && members.every((r) => !r.suppressed && r.ratio !== null && r.weight !== null);
          const totalWeight = members.reduce((sum, r) => sum + (r.weight ?? 0), 0);
          rows.push({
            wave,
            brand,
            is_ours: brand === config.brand,
            factor,
            attributes: members.length,
            mean: complete ? round(members.reduce((s, r) => s + r.weight! * r.mean!, 0) / totalWeight, 3) : null,
            score: complete
              ? round((100 * members.reduce((s, r) => s + r.weight! * r.ratio!, 0)) / totalWeight, 2)
              : null
          });
        }
      }
    }
    return rows;
  });
}
