/** Customer value analysis (Gale): see docs/metrics.md for every formula. */
import { PROFILE_COLUMNS, SCORE_COLUMNS, profiles } from "../survey/profiles.js";
import { B, D, defineTable, NULL, V, type TableDefinition } from "../table.js";
import { BRAND_COMPARISON_COLUMNS, brandComparison } from "./brand-comparison.js";
import { HEAD_TO_HEAD_COLUMNS, headToHead } from "./head-to-head.js";
import { VALUE_MAP_COLUMNS, valueMap } from "./value-map.js";
import { VALUE_FACTOR_COLUMNS, valueFactors } from "./value-factors.js";

export const VALUE_TABLES: readonly TableDefinition[] = [
  defineTable({
    name: "quality-profile",
    description:
      "Per wave, segment, quality attribute and brand: weight (and its source), n, mean with 95% CI, ratio to the competitors' mean.",
    columns: PROFILE_COLUMNS,
    compute: async (context) => (await profiles(context)).rows.filter((r) => r.group === "quality")
  }),
  defineTable({
    name: "quality-score",
    description:
      "Per wave, segment and brand: market-perceived quality score (Σ weight × ratio; 100 = parity) with a delta-method 95% CI.",
    columns: SCORE_COLUMNS,
    compute: async (context) => (await profiles(context)).scores.filter((s) => s.group === "quality")
  }),
  defineTable({
    name: "price-profile",
    description:
      "Per wave, segment, price attribute and brand: weight, n, mean with 95% CI, ratio to the competitors' mean.",
    columns: PROFILE_COLUMNS,
    compute: async (context) => (await profiles(context)).rows.filter((r) => r.group === "price")
  }),
  defineTable({
    name: "relative-price",
    description:
      "Per wave, segment and brand: price-satisfaction score, relative price (100 × 100 / score, or from actual prices) with 95% CI.",
    columns: [
      ["wave", V],
      ["segment", V],
      ["brand", V],
      ["is_ours", B],
      ["price_score", D, NULL],
      ["relative_price", D, NULL],
      ["ci_low", D, NULL],
      ["ci_high", D, NULL],
      ["price_basis", V, NULL],
      ["suppressed", B],
      ["note", V, NULL]
    ],
    compute: async (context) => {
      const prices = (await profiles(context)).scores.filter((s) => s.group === "price");
      return (await valueMap(context)).map((v) => ({
        wave: v.wave,
        segment: v.segment,
        brand: v.brand,
        is_ours: v.is_ours,
        price_score:
          prices.find((p) => p.wave === v.wave && p.segment === v.segment && p.brand === v.brand)?.score ?? null,
        relative_price: v.relative_price,
        ci_low: v.price_ci_low,
        ci_high: v.price_ci_high,
        price_basis: v.price_basis,
        suppressed: v.relative_price === null,
        note: v.relative_price === null ? v.note : null
      }));
    }
  }),
  defineTable({
    name: "value-map",
    description:
      "Per wave, segment and brand: quality score and relative price, signed distance to the fair-value line (positive = better value) and zone.",
    columns: VALUE_MAP_COLUMNS,
    compute: valueMap
  }),
  defineTable({
    name: "head-to-head",
    description:
      "Per wave, competitor and attribute: weight, our and their mean, gap, weighted gap and net, paired or Welch test with Holm-adjusted p.",
    columns: HEAD_TO_HEAD_COLUMNS,
    compute: headToHead
  }),
  defineTable({
    name: "brand-comparison",
    description:
      "Per wave and competitor, over the respondents who rated both brands: our NPS and importance-weighted quality rating against theirs, the difference with its 95% CI, paired t test, Holm across competitors.",
    columns: BRAND_COMPARISON_COLUMNS,
    compute: brandComparison
  }),
  defineTable({
    name: "value-factors",
    description:
      "Per wave, segment, brand and value factor (product, service, personnel, image, price, overall): weighted mean rating and score (100 = parity), suppressed with the profiles; overall value from the perceived value question when no attribute is mapped to it.",
    columns: VALUE_FACTOR_COLUMNS,
    compute: valueFactors
  })
];
