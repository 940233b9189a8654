import { B, D, I, NULL, V, type RowOf } from "../table.js";
import type { SurveyConfig } from "../../contract/config.js";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { meanInterval, normalInterval } from "../../core/stats/intervals.js";
import { suppressionNote } from "../privacy/cell-suppression.js";
import { ratingCells, respondentSegments, type Cell } from "./survey-cells.js";
import { attributeWeights } from "./weights.js";

export type AttributeGroup = "quality" | "price";

/** One brand on one attribute: Gale's quality profile (or price profile) row. */
export const PROFILE_COLUMNS = [
  ["wave", V],
  ["segment", V],
  ["group", V],
  ["attribute", V],
  ["label", V],
  ["brand", V],
  ["is_ours", B],
  ["weight", D, NULL],
  ["weight_source", V, NULL],
  /** Null when suppressed, as the figures below. */
  ["n", I, NULL],
  ["mean", D, NULL],
  ["ci_low", D, NULL],
  ["ci_high", D, NULL],
  /** Mean of the other brands' means on the attribute. */
  ["competitor_mean", D, NULL],
  /** mean / competitor_mean: 1 is parity. */
  ["ratio", D, NULL],
  ["suppressed", B],
  ["note", V, NULL]
] as const;

export type ProfileRow = RowOf<typeof PROFILE_COLUMNS>;

/** A brand's market-perceived quality score (or price-satisfaction score) in a wave and segment. */
export const SCORE_COLUMNS = [
  ["wave", V],
  ["segment", V],
  ["group", V],
  ["brand", V],
  ["is_ours", B],
  /** Σ weight × ratio over the group's attributes; 100 is parity with the competitors. */
  ["score", D, NULL],
  /** Delta-method standard error, respondents resampled as the independent units. */
  ["se", D, NULL],
  ["ci_low", D, NULL],
  ["ci_high", D, NULL],
  ["suppressed", B],
  ["note", V, NULL]
] as const;

export type ScoreRow = RowOf<typeof SCORE_COLUMNS>;

export interface Profiles {
  rows: ProfileRow[];
  scores: ScoreRow[];
}

/**
 * Quality and price profiles and scores (Gale, Managing Customer Value, 1994, ch. 2-3) for
 * every wave, segment and brand. A rating cell suppressed (cell-suppression.ts: too few
 * respondents, or a sibling the totals would give away) publishes nothing, and no competitor
 * mean, ratio or score is computed from it.
 */
export function profiles(context: TableContext): Promise<Profiles> {
  return memoized(context, "profiles", async () => {
    if (!hasSurvey(context)) return { rows: [], scores: [] };
    const { config } = context;
    const brands = [config.brand, ...config.competitors];
    const weights = await attributeWeights(context);
    const cells = new Map(
      (await ratingCells(context)).map((c) => [cellKey(c.wave, c.segment, c.brand, c.attribute), c])
    );
    const slices = [...new Set([...cells.values()].map((c) => `${c.wave}\u0000${c.segment}`))].sort();
    const usable = (cell: Cell | undefined): boolean => cell !== undefined && !cell.suppressed;

    const rows: ProfileRow[] = [];
    const scores: ScoreRow[] = [];
    const coefficients: Coefficient[] = [];
    for (const slice of slices) {
      const [wave, segment] = slice.split("\u0000") as [string, string];
      for (const group of ["quality", "price"] as const) {
        const attributes = config.attributes.filter((a) => a.group === group);
        if (!attributes.length) continue;
        for (const brand of brands) {
          let score = 0;
          let scoreNote: string | null = null;
          for (const attribute of attributes) {
            const weight = weights.find((w) => w.wave === wave && w.attribute === attribute.id);
            const cell = cells.get(cellKey(wave, segment, brand, attribute.id));
            const others = brands
              .filter((b) => b !== brand)
              .map((b) => cells.get(cellKey(wave, segment, b, attribute.id)))
              .filter((c): c is Cell => usable(c));
            const competitorMean = others.length ? others.reduce((sum, c) => sum + c.mean, 0) / others.length : null;
            const suppressed = !usable(cell);
            const note = suppressed
              ? suppressionNote(config.minCellSize)
              : competitorMean === null
                ? "no competitor rated by enough respondents"
                : null;
            const ratio = !suppressed && competitorMean ? cell!.mean / competitorMean : null;
            const interval = !suppressed ? meanInterval(cell!.mean, cell!.sd ?? NaN, cell!.n) : null;
            rows.push({
              wave,
              segment,
              group,
              attribute: attribute.id,
              label: attribute.label,
              brand,
              is_ours: brand === config.brand,
              weight: round(weight?.weight, 2),
              weight_source: weight?.source ?? null,
              n: suppressed ? null : cell!.n,
              mean: suppressed ? null : round(cell!.mean, 3),
              ci_low: round(interval?.low, 3),
              ci_high: round(interval?.high, 3),
              competitor_mean: suppressed ? null : round(competitorMean, 3),
              ratio: round(ratio, 4),
              suppressed,
              note
            });
            if (ratio === null || !weight) {
              scoreNote ??= `${attribute.label}: ${note ?? "no weight"}`;
              continue;
            }
            score += weight.weight * ratio;
            // Influence of one respondent's rating x on the score, as a(x - m): d score / d mean
            // divided by the cell's n. The own-brand mean enters the ratio's numerator, each
            // competitor's mean its denominator (through their average).
            const w = weight.weight;
            coefficients.push({
              wave,
              segment,
              focal: brand,
              brand,
              attribute: attribute.id,
              a: w / (competitorMean! * cell!.n),
              m: cell!.mean
            });
            for (const other of others) {
              coefficients.push({
                wave,
                segment,
                focal: brand,
                brand: other.brand,
                attribute: attribute.id,
                a: (-w * cell!.mean) / (competitorMean! * competitorMean! * others.length * other.n),
                m: other.mean
              });
            }
          }
          scores.push({
            wave,
            segment,
            group,
            brand,
            is_ours: brand === config.brand,
            score: scoreNote ? null : score,
            se: null,
            ci_low: null,
            ci_high: null,
            suppressed: scoreNote !== null,
            note: scoreNote
          });
        }
      }
    }
    await attachStandardErrors(context, scores, coefficients);
    return { rows, scores };
  });
}

const cellKey = (wave: string, segment: string, brand: string, attribute: string) =>
  [wave, segment, brand, attribute].join("\u0000");

interface Coefficient {
  wave: string;
  segment: string;
  focal: string;
  brand: string;
  attribute: string;
  a: number;
  m: number;
}

/**
 * Delta-method variance of each score: Σ over respondents of (Σ over their ratings a(x − m))²,
 * so that a respondent's ratings of several brands count as one independent unit. One SQL
 * pass over the ratings; the coefficients are a small table.
 */
async function attachStandardErrors(
  context: TableContext & { config: SurveyConfig },
  scores: ScoreRow[],
  coefficients: Coefficient[]
): Promise<void> {
  const { db } = context;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE score_coefficients (wave VARCHAR, segment VARCHAR, focal VARCHAR, brand VARCHAR, attribute VARCHAR, "group" VARCHAR, a DOUBLE, m DOUBLE)`
  );
  const groupOf = new Map(context.config.attributes.map((a) => [a.id, a.group]));
  const appender = await db.connection.createAppender("score_coefficients", "main", "temp");
  for (const c of coefficients) {
    appender.appendVarchar(c.wave);
    appender.appendVarchar(c.segment);
    appender.appendVarchar(c.focal);
    appender.appendVarchar(c.brand);
    appender.appendVarchar(c.attribute);
    appender.appendVarchar(groupOf.get(c.attribute)!);
    appender.appendDouble(c.a);
    appender.appendDouble(c.m);
    appender.endRow();
  }
  appender.closeSync();
  const variances = await db.rows<{ wave: string; segment: string; focal: string; group: string; variance: number }>(`
    SELECT wave, segment, focal, "group", sum(influence * influence) AS variance FROM (
      SELECT r.wave, s.segment, c.focal, c."group", r.respondent_id, sum(c.a * (r.score - c.m)) AS influence
      FROM ratings r
      JOIN (${respondentSegments(context.schema)}) s USING (respondent_id, wave)
      JOIN temp.score_coefficients c ON c.wave = r.wave AND c.segment = s.segment AND c.brand = r.brand AND c.attribute = r.attribute
      WHERE r.score IS NOT NULL
      GROUP BY ALL)
    GROUP BY ALL`);
  const byKey = new Map(variances.map((v) => [[v.wave, v.segment, v.focal, v.group].join("\u0000"), v.variance]));
  for (const score of scores) {
    if (score.score === null) continue;
    const se = Math.sqrt(byKey.get([score.wave, score.segment, score.brand, score.group].join("\u0000")) ?? NaN);
    const interval = normalInterval(score.score, se);
    Object.assign(score, {
      score: round(score.score, 2),
      se: round(se, 3),
      ci_low: round(interval?.low, 2),
      ci_high: round(interval?.high, 2)
    });
  }
}

/** Relative price from a price-satisfaction score: 100 × 100 / score (Gale; Yang 2005, table 5.4). */
export function relativePriceOf(priceScore: number): number {
  return 10_000 / priceScore;
}
