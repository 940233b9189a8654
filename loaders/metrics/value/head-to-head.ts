import { B, D, NULL, V, type RowOf } from "../table.js";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { holm } from "../../core/stats/intervals.js";
import { ALL } from "../survey/breakdowns.js";
import { competitorRatings, GAP_TEST_COLUMNS } from "../survey/competitor-ratings.js";
import { attributeWeights } from "../survey/weights.js";

export const HEAD_TO_HEAD_COLUMNS = [
  ["wave", V],
  ["competitor", V],
  ["group", V],
  ["attribute", V],
  ["label", V],
  ["weight", D, NULL],
  ["our_mean", D, NULL],
  ["their_mean", D, NULL],
  /** our_mean − their_mean, rating points. */
  ["gap", D, NULL],
  /** weight / 100 × gap: this attribute's share of the net. */
  ["weighted_gap", D, NULL],
  /** Σ weighted_gap over the group's attributes: the area of Gale's head-to-head chart. */
  ["net_weighted_gap", D, NULL],
  /** The competitor ratings' test; p_holm adjusted across the group's attributes in the wave. */
  ...GAP_TEST_COLUMNS,
  ["suppressed", B]
] as const;

export type HeadToHeadRow = RowOf<typeof HEAD_TO_HEAD_COLUMNS>;

/**
 * Gale's head-to-head comparison with each competitor, attribute by attribute, on the whole
 * sample: the competitor-ratings gaps and tests (paired within respondents who rated both
 * brands when at least minCellSize did, Welch's otherwise), weighted by importance. Here the
 * Holm adjustment runs across the attributes of one group (quality or price), the family the
 * head-to-head chart shows; "significant" = p_holm < 0.05.
 */
export function headToHead(context: TableContext): Promise<HeadToHeadRow[]> {
  return memoized(context, "head-to-head", async () => {
    if (!hasSurvey(context)) return [];
    const { config } = context;
    const weights = await attributeWeights(context);
    const ratings = (await competitorRatings(context)).filter((r) => r.breakdown === ALL);
    const find = (wave: string, brand: string, attribute: string) =>
      ratings.find((r) => r.wave === wave && r.brand === brand && r.attribute === attribute);
    const rows: HeadToHeadRow[] = [];
    for (const wave of [...new Set(ratings.map((r) => r.wave))].sort()) {
      for (const competitor of config.competitors) {
        for (const group of ["quality", "price"] as const) {
          const family: HeadToHeadRow[] = config.attributes
            .filter((a) => a.group === group)
            .map((attribute) => {
              const ours = find(wave, config.brand, attribute.id);
              const theirs = find(wave, competitor, attribute.id);
              const weight = weights.find((w) => w.wave === wave && w.attribute === attribute.id)?.weight ?? null;
              const suppressed = !ours || !theirs || ours.suppressed || theirs.suppressed;
              const gap = suppressed ? null : theirs!.gap;
              return {
                wave,
                competitor,
                group,
                attribute: attribute.id,
                label: attribute.label,
                weight: round(weight, 2),
                our_mean: suppressed ? null : ours!.mean,
                their_mean: suppressed ? null : theirs!.mean,
                gap,
                weighted_gap: gap === null || weight === null ? null : round((weight / 100) * gap, 4),
                net_weighted_gap: null,
                test: theirs?.test ?? null,
                n_pairs: theirs?.n_pairs ?? 0,
                t: theirs?.t ?? null,
                p_value: theirs?.p_value ?? null,
                p_holm: null,
                significant: null,
                suppressed
              };
            });
          const adjusted = holm(family.map((r) => r.p_value));
          const net = family.every((r) => r.weighted_gap !== null)
            ? family.reduce((sum, r) => sum + r.weighted_gap!, 0)
            : null;
          family.forEach((row, i) => {
            row.p_holm = round(adjusted[i], 6);
            row.significant = adjusted[i] === null ? null : adjusted[i]! < 0.05;
            row.net_weighted_gap = round(net, 4);
          });
          rows.push(...family);
        }
      }
    }
    return rows;
  });
}
