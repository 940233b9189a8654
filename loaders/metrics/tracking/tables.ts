/** Competitor ratings and wave-over-wave tracking: see docs/metrics.md. */
import { COMPETITOR_RATING_COLUMNS, competitorRatings } from "../survey/competitor-ratings.js";
import { defineTable, type TableDefinition } from "../table.js";
import { PERCEPTUAL_MAP_COLUMNS, perceptualMap } from "./perceptual-map.js";
import { PREFERENCE_COLUMNS, shareOfPreference } from "./preference.js";
import { WAVE_CHANGE_COLUMNS, waveChanges } from "./wave-changes.js";

export const TRACKING_TABLES: readonly TableDefinition[] = [
  defineTable({
    name: "competitor-ratings",
    description:
      "Per wave, breakdown (all, segment, region), brand and attribute: n, mean, SD, 95% CI, top-2-box, rank, our gap with a Holm-corrected test.",
    columns: COMPETITOR_RATING_COLUMNS,
    compute: competitorRatings
  }),
  defineTable({
    name: "wave-changes",
    description:
      "Per wave, brand and attribute: change from the previous wave and from a year earlier, with 95% CIs; significant only after Holm's correction.",
    columns: WAVE_CHANGE_COLUMNS,
    compute: waveChanges
  }),
  defineTable({
    name: "perceptual-map",
    description:
      "Per wave: principal components of the standardized brand means: brand scores and attribute loadings on PC1-PC2, with variance explained.",
    columns: PERCEPTUAL_MAP_COLUMNS,
    compute: perceptualMap
  }),
  defineTable({
    name: "share-of-preference",
    description:
      "Per wave and breakdown: share of respondents who would choose each brand (responses.preferred_brand), with Wilson 95% CIs.",
    columns: PREFERENCE_COLUMNS,
    compute: shareOfPreference
  })
];
