import { B, D, I, NULL, V, type RowOf } from "../table.js";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { profiles } from "../survey/profiles.js";
import { ALL_SEGMENTS } from "../survey/survey-cells.js";

export const WHAT_WHO_COLUMNS = [
  ["wave", V],
  ["attribute", V],
  ["label", V],
  ["group", V],
  /** The business function that owns the attribute. */
  ["owner", V],
  ["weight", D, NULL],
  ["our_mean", D, NULL],
  ["best_competitor", V, NULL],
  ["best_mean", D, NULL],
  /** our_mean − best_mean: negative when the best competitor is ahead. */
  ["gap_to_best", D, NULL],
  /** weight / 100 × how far we trail the best competitor (0 when we lead): what to fix first. */
  ["priority", D, NULL]
] as const;

export type WhatWhoRow = RowOf<typeof WHAT_WHO_COLUMNS>;

/** Gale's what/who matrix: each attribute, the function that owns it, and how far we trail the best. */
export function whatWho(context: TableContext): Promise<WhatWhoRow[]> {
  return memoized(context, "what-who", async () => {
    if (!hasSurvey(context)) return [];
    const { config } = context;
    const all = (await profiles(context)).rows.filter((r) => r.segment === ALL_SEGMENTS && !r.suppressed);
    const rows: WhatWhoRow[] = [];
    for (const wave of [...new Set(all.map((r) => r.wave))]) {
      for (const attribute of config.attributes) {
        const ours = all.find((r) => r.wave === wave && r.attribute === attribute.id && r.is_ours);
        const best = all
          .filter((r) => r.wave === wave && r.attribute === attribute.id && !r.is_ours)
          .sort((a, b) => b.mean! - a.mean!)[0];
        const gap = ours && best ? ours.mean! - best.mean! : null;
        rows.push({
          wave,
          attribute: attribute.id,
          label: attribute.label,
          group: attribute.group,
          owner: attribute.owner,
          weight: ours?.weight ?? null,
          our_mean: ours?.mean ?? null,
          best_competitor: best?.brand ?? null,
          best_mean: best?.mean ?? null,
          gap_to_best: round(gap, 3),
          priority: gap === null || ours?.weight == null ? null : round((ours.weight / 100) * Math.max(0, -gap), 4)
        });
      }
    }
    return rows;
  });
}

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
