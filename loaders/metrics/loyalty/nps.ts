import { B, D, I, NULL, V, type RowOf } from "../table.js";
import { isNpsScale } from "../../contract/config.js";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { literal } from "../../core/sql.js";
import { npsInterval } from "../../core/stats/intervals.js";
import { suppressedCells } from "../privacy/cell-suppression.js";
import { respondentSegments, segmentCell } from "../survey/survey-cells.js";
import { isDetractor, isPromoter } from "../survey/recommend-groups.js";

export const NPS_COLUMNS = [
  ["wave", V],
  ["segment", V],
  /** Our brand (the responses export) or a competitor (the recommendations export). */
  ["brand", V],
  ["is_ours", B],
  /** Respondents who answered likelihood to recommend (null when suppressed). */
  ["n", I, NULL],
  /** Shares of the answers: 9-10, 7-8, 0-6. */
  ["promoters", D, NULL],
  ["passives", D, NULL],
  ["detractors", D, NULL],
  /** 100 × (promoters − detractors). */
  ["nps", D, NULL],
  /** 100 × √((p + d − (p − d)²) / n): what comparisons between NPS figures use. */
  ["se", D, NULL],
  /** 95% adjusted Wald interval (npsInterval: Rocks 2016), inside −100 to 100. */
  ["ci_low", D, NULL],
  ["ci_high", D, NULL],
  ["suppressed", B]
] as const;

export type NpsRow = RowOf<typeof NPS_COLUMNS>;

/**
 * Net Promoter Score (Reichheld 2003) per wave, segment and brand, from likelihood to
 * recommend on its 0-10 scale: promoters answer 9-10, passives 7-8, detractors 0-6. Ours comes
 * from the responses export; competitors' from the optional recommendations export. The
 * standard error treats the answer as a multinomial: Var(p − d) = (p + d − (p − d)²) / n.
 */
export function nps(context: TableContext): Promise<NpsRow[]> {
  return memoized(context, "nps", async () => {
    if (!hasSurvey(context) || !context.schema.has("responses", "likelihood_to_recommend")) return [];
    if (!isNpsScale(context.config)) return []; // said at ingest (config-checks.ts)
    const ours = literal(context.config.brand);
    const competitors = context.schema.has("recommendations")
      ? `UNION ALL SELECT respondent_id, wave, brand, likelihood_to_recommend FROM recommendations WHERE brand <> ${ours}`
      : "";
    const rows = await context.db.rows<{
      wave: string;
      segment: string;
      brand: string;
      n: number;
      p: number;
      pa: number;
      d: number;
    }>(`
      WITH answers AS (SELECT respondent_id, wave, ${ours} AS brand, likelihood_to_recommend FROM responses ${competitors})
      SELECT r.wave, s.segment, r.brand, count(r.likelihood_to_recommend) AS n,
             count(*) FILTER (WHERE ${isPromoter("r.likelihood_to_recommend")}) AS p,
             count(*) FILTER (WHERE r.likelihood_to_recommend BETWEEN 7 AND 8) AS pa,
             count(*) FILTER (WHERE ${isDetractor("r.likelihood_to_recommend")}) AS d
      FROM answers r JOIN (${respondentSegments(context.schema)}) s USING (respondent_id, wave)
      GROUP BY r.wave, s.segment, r.brand ORDER BY r.wave, s.segment, r.brand <> ${ours}, r.brand`);
    const hidden = suppressedCells(
      rows,
      segmentCell((r) => [r.wave, r.brand]),
      context.config.minCellSize
    );
    return rows.map((row) => {
      const { wave, segment, brand, n, p, pa, d } = row;
      const is_ours = brand === context.config!.brand;
      const suppressed = hidden.has(row);
      if (suppressed)
        return {
          wave,
          segment,
          brand,
          is_ours,
          n: null,
          promoters: null,
          passives: null,
          detractors: null,
          nps: null,
          se: null,
          ci_low: null,
          ci_high: null,
          suppressed
        };
      const [sp, sd] = [p / n, d / n];
      const score = 100 * (sp - sd);
      const se = 100 * Math.sqrt((sp + sd - (sp - sd) ** 2) / n);
      const interval = npsInterval(p, d, n);
      return {
        wave,
        segment,
        brand,
        is_ours,
        n,
        promoters: round(sp, 4),
        passives: round(pa / n, 4),
        detractors: round(sd, 4),
        nps: round(score, 2),
        se: round(se, 3),
        ci_low: round(interval?.low, 2),
        ci_high: round(interval?.high, 2),
        suppressed
      };
    });
  });
}
