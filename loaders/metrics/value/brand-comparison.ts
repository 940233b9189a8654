/**
 * Our Net Promoter Score and quality rating against each competitor's, tested within the
 * respondents who rated both brands: each respondent is their own control, so a brand's
 * difference is not confounded with who happened to rate it.
 */
import { isNpsScale } from "../../contract/config.js";
import { round } from "../../core/numbers.js";
import { literal, literalList } from "../../core/sql.js";
import { holm, meanInterval, pairedTest } from "../../core/stats/intervals.js";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { attributeWeights } from "../survey/weights.js";
import { B, D, I, NULL, V, type RowOf } from "../table.js";
import { promoterScoreSql as promoterScore } from "../survey/recommend-groups.js";

export const BRAND_COMPARISON_COLUMNS = [
  ["wave", V],
  ["competitor", V],
  /** "nps": likelihood to recommend scored +100 / 0 / −100; "quality": the importance-weighted mean quality rating. */
  ["measure", V],
  /** "NPS points" or "rating points" (the survey's scale). */
  ["unit", V],
  /** Respondents who rated both brands (null when suppressed). */
  ["n", I, NULL],
  /** Ours and theirs over those respondents. */
  ["ours", D, NULL],
  ["theirs", D, NULL],
  /** ours − theirs, with its 95% t interval over the respondents' differences. */
  ["difference", D, NULL],
  ["ci_low", D, NULL],
  ["ci_high", D, NULL],
  /** Paired t test of the difference. */
  ["p_value", D, NULL],
  /** p_value adjusted by Holm across the competitors of one wave and measure. */
  ["p_holm", D, NULL],
  ["significant", B, NULL],
  /** Fewer than minCellSize respondents rated both. */
  ["suppressed", B]
] as const;

export type BrandComparisonRow = RowOf<typeof BRAND_COMPARISON_COLUMNS>;

interface PairedMoments {
  wave: string;
  competitor: string;
  n: number;
  ours: number;
  theirs: number;
  mean: number;
  sd: number | null;
}

/**
 * Per wave and competitor, for the respondents who rated both brands: our NPS and theirs (each
 * answer scored +100 promoter, 0 passive, −100 detractor, so the mean is the NPS), and our
 * quality rating and theirs (the quality attributes' scores weighted by the wave's importance
 * weights, over the attributes the respondent rated for both brands). The difference is tested
 * by a paired t test on the respondents' differences; Holm across the competitors of a wave.
 * Whole sample only: the paired sets are too small to break down by segment.
 */
export function brandComparison(context: TableContext): Promise<BrandComparisonRow[]> {
  return memoized(context, "brand-comparison", async () => {
    if (!hasSurvey(context) || !context.config.competitors.length) return [];
    const { config, db } = context;
    const ours = literal(config.brand);
    const competitors = literalList(config.competitors);
    const measures: { measure: string; unit: string; moments: PairedMoments[] }[] = [];
    if (
      context.schema.has("recommendations") &&
      context.schema.has("responses", "likelihood_to_recommend") &&
      isNpsScale(config)
    ) {
      const moments = await db.rows<PairedMoments>(`
        WITH pairs AS (
          SELECT t.wave, t.brand AS competitor, ${promoterScore("o.likelihood_to_recommend")} AS a, ${promoterScore("t.likelihood_to_recommend")} AS b
          FROM responses o JOIN recommendations t USING (respondent_id, wave)
          WHERE t.brand IN ${competitors} AND o.likelihood_to_recommend IS NOT NULL AND t.likelihood_to_recommend IS NOT NULL)
        SELECT wave, competitor, count(*) AS n, avg(a) AS ours, avg(b) AS theirs, avg(a - b) AS mean, stddev_samp(a - b) AS sd
        FROM pairs GROUP BY ALL ORDER BY ALL`);
      measures.push({ measure: "nps", unit: "NPS points", moments });
    }
    const weights = (await attributeWeights(context)).filter(
      (w) => config.attributes.find((a) => a.id === w.attribute)?.group === "quality" && w.weight > 0
    );
    if (weights.length) {
      const values = weights
        .map((w) => `(${literal(w.wave)}, ${literal(w.attribute)}, ${w.weight}::DOUBLE)`)
        .join(", ");
      const moments = await db.rows<PairedMoments>(`
        WITH w(wave, attribute, weight) AS (VALUES ${values}),
        rated AS (SELECT r.respondent_id, r.wave, r.brand, r.attribute, r.score, w.weight
                  FROM ratings r JOIN w USING (wave, attribute) WHERE r.score IS NOT NULL),
        pairs AS (
          SELECT t.wave, t.brand AS competitor, t.respondent_id,
                 sum(o.weight * o.score) / sum(o.weight) AS a, sum(t.weight * t.score) / sum(t.weight) AS b
          FROM rated o JOIN rated t USING (respondent_id, wave, attribute)
          WHERE o.brand = ${ours} AND t.brand IN ${competitors}
          GROUP BY ALL)
        SELECT wave, competitor, count(*) AS n, avg(a) AS ours, avg(b) AS theirs, avg(a - b) AS mean, stddev_samp(a - b) AS sd
        FROM pairs GROUP BY ALL ORDER BY ALL`);
      measures.push({ measure: "quality", unit: "rating points", moments });
    }
    const rows: BrandComparisonRow[] = [];
    for (const { measure, unit, moments } of measures) {
      for (const wave of [...new Set(moments.map((m) => m.wave))]) {
        const family = moments
          .filter((m) => m.wave === wave)
          .map((m) => {
            const suppressed = m.n < config.minCellSize;
            const test = suppressed || m.sd === null ? null : pairedTest(m.mean, m.sd, m.n);
            const interval = suppressed || m.sd === null ? null : meanInterval(m.mean, m.sd, m.n);
            const digits = measure === "nps" ? 2 : 3;
            return {
              wave,
              competitor: m.competitor,
              measure,
              unit,
              n: suppressed ? null : m.n,
              ours: suppressed ? null : round(m.ours, digits),
              theirs: suppressed ? null : round(m.theirs, digits),
              difference: suppressed ? null : round(m.mean, digits),
              ci_low: round(interval?.low, digits),
              ci_high: round(interval?.high, digits),
              p_value: round(test?.p, 6),
              p_holm: null as number | null,
              significant: null as boolean | null,
              suppressed
            };
          });
        holm(family.map((r) => r.p_value)).forEach((adjusted, i) => {
          family[i]!.p_holm = round(adjusted, 6);
          family[i]!.significant = adjusted === null ? null : adjusted < 0.05;
        });
        rows.push(...family);
      }
    }
    return rows;
  });
}
