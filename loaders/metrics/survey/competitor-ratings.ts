import { B, D, I, NULL, V, type RowOf } from "../table.js";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { literal } from "../../core/sql.js";
import { holm, meanInterval, pairedTest, welchTest } from "../../core/stats/intervals.js";
import { suppressedCells, suppressionNote } from "../privacy/cell-suppression.js";
import { breakdownCell, respondentBreakdowns } from "./breakdowns.js";

/**
 * The test of our gap to a competitor on an attribute: paired when the same respondents rated
 * both brands, Welch's otherwise; `p_holm` adjusted across the attributes of the family the
 * table says (head-to-head takes its tests from these ratings).
 */
export const GAP_TEST_COLUMNS = [
  ["test", V, NULL],
  /** Respondents who rated both brands on the attribute (used by the paired test; null when suppressed). */
  ["n_pairs", I, NULL],
  ["t", D, NULL],
  ["p_value", D, NULL],
  ["p_holm", D, NULL],
  ["significant", B, NULL]
] as const;

export const COMPETITOR_RATING_COLUMNS = [
  ["wave", V],
  /** All, segment or region. */
  ["breakdown", V],
  ["breakdown_value", V],
  ["brand", V],
  ["is_ours", B],
  ["attribute", V],
  ["label", V],
  /** Null when suppressed, as every figure of the row. */
  ["n", I, NULL],
  ["mean", D, NULL],
  ["sd", D, NULL],
  ["ci_low", D, NULL],
  ["ci_high", D, NULL],
  /** Share of scores in the top two points of the rating scale. */
  ["top2", D, NULL],
  /** 1 = the highest mean among the brands not suppressed. */
  ["rank", I, NULL],
  /** Our mean minus this brand's (null on our own rows). */
  ["gap", D, NULL],
  /** p_holm adjusted across the attributes, for this wave, breakdown and competitor. */
  ...GAP_TEST_COLUMNS,
  ["suppressed", B],
  ["note", V, NULL]
] as const;

export type CompetitorRatingRow = RowOf<typeof COMPETITOR_RATING_COLUMNS>;

/**
 * Every brand's ratings on every attribute, per wave and breakdown (all, segment, region),
 * with our gap to each competitor tested: paired on the respondents who rated both when at
 * least minCellSize did, Welch otherwise; Holm's correction across attributes. Cells are
 * suppressed as cell-suppression.ts says, and no rank, gap or test uses a suppressed one.
 */
export function competitorRatings(context: TableContext): Promise<CompetitorRatingRow[]> {
  return memoized(context, "competitor-ratings", async () => {
    if (!hasSurvey(context)) return [];
    const { config, db } = context;
    const breakdowns = respondentBreakdowns(context);
    const top = config.scales.rating.max - 1;
    const cells = await db.rows<{
      wave: string;
      breakdown: string;
      breakdown_value: string;
      brand: string;
      attribute: string;
      n: number;
      mean: number;
      sd: number | null;
      top2: number;
    }>(`
      SELECT r.wave, b.breakdown, b.breakdown_value, r.brand, r.attribute, count(*) AS n, avg(r.score) AS mean, stddev_samp(r.score) AS sd,
             count(*) FILTER (WHERE r.score >= ${top}) AS top2
      FROM ratings r JOIN (${breakdowns}) b USING (respondent_id, wave) WHERE r.score IS NOT NULL
      GROUP BY ALL`);
    const pairs = await db.rows<{
      wave: string;
      breakdown: string;
      breakdown_value: string;
      competitor: string;
      attribute: string;
      n: number;
      md: number;
      sd: number | null;
    }>(`
      SELECT o.wave, b.breakdown, b.breakdown_value, c.brand AS competitor, o.attribute, count(*) AS n, avg(o.score - c.score) AS md, stddev_samp(o.score - c.score) AS sd
      FROM ratings o JOIN ratings c ON c.respondent_id = o.respondent_id AND c.wave = o.wave AND c.attribute = o.attribute AND c.brand <> o.brand
      JOIN (${breakdowns}) b ON b.respondent_id = o.respondent_id AND b.wave = o.wave
      WHERE o.brand = ${literal(config.brand)} AND o.score IS NOT NULL AND c.score IS NOT NULL
      GROUP BY ALL`);
    const hidden = suppressedCells(
      cells,
      breakdownCell((c) => [c.wave, c.brand, c.attribute]),
      config.minCellSize
    );
    const published = (cell: (typeof cells)[number] | undefined) => cell !== undefined && !hidden.has(cell);
    const key = (...parts: string[]) => parts.join("\u0000");
    const cellOf = new Map(cells.map((c) => [key(c.wave, c.breakdown, c.breakdown_value, c.brand, c.attribute), c]));
    const pairOf = new Map(
      pairs.map((p) => [key(p.wave, p.breakdown, p.breakdown_value, p.competitor, p.attribute), p])
    );
    const labels = new Map(config.attributes.map((a) => [a.id, a.label]));
    const slices = [...new Set(cells.map((c) => key(c.wave, c.breakdown, c.breakdown_value)))].sort();
    const brands = [config.brand, ...config.competitors];
    const rows: CompetitorRatingRow[] = [];
    for (const slice of slices) {
      const [wave, breakdown, value] = slice.split("\u0000") as [string, string, string];
      const family = new Map<string, CompetitorRatingRow[]>();
      for (const attribute of config.attributes.map((a) => a.id)) {
        const usable = brands.map((b) => cellOf.get(key(wave, breakdown, value, b, attribute))).filter(published);
        const ranking = usable.sort((a, b) => b!.mean - a!.mean).map((c) => c!.brand);
        const ours = cellOf.get(key(wave, breakdown, value, config.brand, attribute));
        const oursOk = published(ours);
        for (const brand of brands) {
          const cell = cellOf.get(key(wave, breakdown, value, brand, attribute));
          const suppressed = !published(cell);
          const interval = suppressed ? null : meanInterval(cell!.mean, cell!.sd ?? NaN, cell!.n);
          const isOurs = brand === config.brand;
          const pair = isOurs ? undefined : pairOf.get(key(wave, breakdown, value, brand, attribute));
          const test =
            isOurs || suppressed || !oursOk
              ? null
              : pair && pair.n >= config.minCellSize
                ? pairedTest(pair.md, pair.sd ?? NaN, pair.n)
                : welchTest(ours!.mean, ours!.sd ?? NaN, ours!.n, cell!.mean, cell!.sd ?? NaN, cell!.n);
          const row: CompetitorRatingRow = {
            wave,
            breakdown,
            breakdown_value: value,
            brand,
            is_ours: isOurs,
            attribute,
            label: labels.get(attribute) ?? attribute,
            n: suppressed ? null : cell!.n,
            mean: suppressed ? null : round(cell!.mean, 3),
            sd: suppressed ? null : round(cell!.sd, 3),
            ci_low: round(interval?.low, 3),
            ci_high: round(interval?.high, 3),
            top2: suppressed ? null : round(cell!.top2 / cell!.n, 4),
            rank: suppressed ? null : ranking.indexOf(brand) + 1,
            gap: isOurs || suppressed || !oursOk ? null : round(ours!.mean - cell!.mean, 3),
            test: test?.test ?? null,
            n_pairs: suppressed ? null : (pair?.n ?? 0),
            t: round(test?.t, 3),
            p_value: round(test?.p, 6),
            p_holm: null,
            significant: null,
            suppressed,
            note: suppressed ? suppressionNote(config.minCellSize) : null
          };
          rows.push(row);
          if (!isOurs) family.set(brand, [...(family.get(brand) ?? []), row]);
        }
      }
      for (const members of family.values()) {
        const adjusted = holm(members.map((m) => m.p_value));
        members.forEach((m, i) => {
          m.p_holm = round(adjusted[i], 6);
          m.significant = adjusted[i] === null ? null : adjusted[i]! < 0.05;
        });
      }
    }
    return rows;
  });
}
