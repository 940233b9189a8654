import { hasSurvey, memoized, round, type TableContext } from "../context.js";
import { holm, pairedTest, welchTest } from "../stats/intervals.js";
import { literal } from "../sql.js";
import { profiles, type AttributeGroup } from "./profiles.js";
import { ALL_SEGMENTS } from "./survey-cells.js";

export interface HeadToHeadRow {
  wave: string;
  competitor: string;
  group: AttributeGroup;
  attribute: string;
  label: string;
  weight: number | null;
  our_mean: number | null;
  their_mean: number | null;
  /** our_mean − their_mean, rating points. */
  gap: number | null;
  /** weight / 100 × gap: this attribute's share of the net. */
  weighted_gap: number | null;
  /** Σ weighted_gap over the group's attributes: the area of Gale's head-to-head chart. */
  net_weighted_gap: number | null;
  test: "paired" | "welch" | null;
  /** Respondents who rated both brands on the attribute (used by the paired test). */
  n_pairs: number;
  t: number | null;
  p_value: number | null;
  /** Holm-adjusted across the group's attributes in the wave, for this competitor. */
  p_holm: number | null;
  significant: boolean | null;
  suppressed: boolean;
}

/**
 * Gale's head-to-head comparison with each competitor, attribute by attribute, on the whole
 * sample. The test is paired (differences within respondents who rated both brands) when at
 * least minCellSize respondents did, Welch's otherwise; p-values are Holm-adjusted across
 * the attributes of a group, so "significant" (p_holm < 0.05) controls the family-wise error.
 */
export function headToHead(context: TableContext): Promise<HeadToHeadRow[]> {
  return memoized(context, "head-to-head", async () => {
    if (!hasSurvey(context)) return [];
    const { config, db } = context;
    const { rows: profileRows } = await profiles(context);
    const pairs = await db.rows<{ wave: string; competitor: string; attribute: string; n: number; mean_diff: number; sd_diff: number | null }>(`
      SELECT o.wave, c.brand AS competitor, o.attribute, count(*) AS n, avg(o.score - c.score) AS mean_diff, stddev_samp(o.score - c.score) AS sd_diff
      FROM ratings o JOIN ratings c ON c.respondent_id = o.respondent_id AND c.wave = o.wave AND c.attribute = o.attribute AND c.brand <> o.brand
      WHERE o.brand = ${literal(config.brand)} AND o.score IS NOT NULL AND c.score IS NOT NULL
      GROUP BY ALL`);
    const pairOf = new Map(pairs.map((p) => [[p.wave, p.competitor, p.attribute].join("\u0000"), p]));
    const all = profileRows.filter((r) => r.segment === ALL_SEGMENTS);
    const cellOf = (wave: string, brand: string, attribute: string) => all.find((r) => r.wave === wave && r.brand === brand && r.attribute === attribute);
    const sdCache = await cellSds(context);
    const rows: HeadToHeadRow[] = [];
    for (const wave of [...new Set(all.map((r) => r.wave))]) {
      for (const competitor of config.competitors) {
        for (const group of ["quality", "price"] as const) {
          const family: HeadToHeadRow[] = [];
          for (const attribute of config.attributes.filter((a) => a.group === group)) {
            const ours = cellOf(wave, config.brand, attribute.id);
            const theirs = cellOf(wave, competitor, attribute.id);
            const suppressed = !ours || !theirs || ours.suppressed || theirs.suppressed;
            const gap = suppressed ? null : ours!.mean! - theirs!.mean!;
            const pair = pairOf.get([wave, competitor, attribute.id].join("\u0000"));
            const test = suppressed ? null
              : pair && pair.n >= config.minCellSize ? pairedTest(pair.mean_diff, pair.sd_diff ?? NaN, pair.n)
              : welchTest(ours!.mean!, sdCache.get([wave, config.brand, attribute.id].join("\u0000")) ?? NaN, ours!.n,
                  theirs!.mean!, sdCache.get([wave, competitor, attribute.id].join("\u0000")) ?? NaN, theirs!.n);
            family.push({
              wave, competitor, group, attribute: attribute.id, label: attribute.label, weight: ours?.weight ?? null,
              our_mean: suppressed ? null : ours!.mean, their_mean: suppressed ? null : theirs!.mean, gap: round(gap, 3),
              weighted_gap: gap === null || ours?.weight == null ? null : round((ours.weight / 100) * gap, 4), net_weighted_gap: null,
              test: test?.test ?? null, n_pairs: pair?.n ?? 0, t: round(test?.t, 3), p_value: round(test?.p, 6), p_holm: null, significant: null, suppressed
            });
          }
          const adjusted = holm(family.map((r) => r.p_value));
          const complete = family.every((r) => r.weighted_gap !== null);
          const net = complete ? family.reduce((sum, r) => sum + r.weighted_gap!, 0) : null;
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

async function cellSds(context: TableContext): Promise<Map<string, number>> {
  const rows = await context.db.rows<{ wave: string; brand: string; attribute: string; sd: number }>(`
    SELECT wave, brand, attribute, stddev_samp(score) AS sd FROM ratings WHERE score IS NOT NULL GROUP BY ALL`);
  return new Map(rows.map((r) => [[r.wave, r.brand, r.attribute].join("\u0000"), r.sd]));
}
