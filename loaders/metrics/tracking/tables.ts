/** Competitor ratings and wave-over-wave tracking: see docs/metrics.md. */
import { competitorRatings } from "../survey/competitor-ratings.js";
import { B, D, defineTable, I, V, type TableDefinition } from "../table.js";
import { perceptualMap } from "./perceptual-map.js";
import { shareOfPreference } from "./preference.js";
import { waveChanges } from "./wave-changes.js";

export const TRACKING_TABLES: readonly TableDefinition[] = [
  defineTable({
    name: "competitor-ratings",
    description:
      "Per wave, breakdown (all, segment, region), brand and attribute: n, mean, SD, 95% CI, top-2-box, rank, our gap with a Holm-corrected test.",
    columns: [
      ["wave", V],
      ["breakdown", V],
      ["breakdown_value", V],
      ["brand", V],
      ["is_ours", B],
      ["attribute", V],
      ["label", V],
      ["n", I],
      ["mean", D],
      ["sd", D],
      ["ci_low", D],
      ["ci_high", D],
      ["top2", D],
      ["rank", I],
      ["gap", D],
      ["test", V],
      ["n_pairs", I],
      ["t", D],
      ["p_value", D],
      ["p_holm", D],
      ["significant", B],
      ["suppressed", B],
      ["note", V]
    ],
    compute: competitorRatings
  }),
  defineTable({
    name: "wave-changes",
    description:
      "Per wave, brand and attribute: change from the previous wave and from a year earlier, with 95% CIs; significant only after Holm's correction.",
    columns: [
      ["wave", V],
      ["brand", V],
      ["is_ours", B],
      ["attribute", V],
      ["label", V],
      ["mean", D],
      ["previous_wave", V],
      ["change_prev", D],
      ["prev_ci_low", D],
      ["prev_ci_high", D],
      ["p_prev", D],
      ["p_holm_prev", D],
      ["significant_prev", B],
      ["year_ago_wave", V],
      ["change_year", D],
      ["year_ci_low", D],
      ["year_ci_high", D],
      ["p_year", D],
      ["p_holm_year", D],
      ["significant_year", B]
    ],
    compute: waveChanges
  }),
  defineTable({
    name: "perceptual-map",
    description:
      "Per wave: principal components of the standardized brand means: brand scores and attribute loadings on PC1-PC2, with variance explained.",
    columns: [
      ["wave", V],
      ["kind", V],
      ["name", V],
      ["pc1", D],
      ["pc2", D],
      ["explained_pc1", D],
      ["explained_pc2", D]
    ],
    compute: perceptualMap
  }),
  defineTable({
    name: "share-of-preference",
    description:
      "Per wave and breakdown: share of respondents who would choose each brand (responses.preferred_brand), with Wilson 95% CIs.",
    columns: [
      ["wave", V],
      ["breakdown", V],
      ["breakdown_value", V],
      ["brand", V],
      ["is_ours", B],
      ["n", I],
      ["chosen", I],
      ["share", D],
      ["ci_low", D],
      ["ci_high", D],
      ["suppressed", B]
    ],
    compute: shareOfPreference
  })
];
