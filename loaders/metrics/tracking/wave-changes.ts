import { B, D, NULL, V, type RowOf } from "../table.js";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { holm, welchTest } from "../../core/stats/intervals.js";
import { ALL } from "../survey/breakdowns.js";
import { competitorRatings, type CompetitorRatingRow } from "../survey/competitor-ratings.js";

export const WAVE_CHANGE_COLUMNS = [
  ["wave", V],
  ["brand", V],
  ["is_ours", B],
  ["attribute", V],
  ["label", V],
  ["mean", D, NULL],
  ["previous_wave", V, NULL],
  /** mean − the previous wave's mean. */
  ["change_prev", D, NULL],
  ["prev_ci_low", D, NULL],
  ["prev_ci_high", D, NULL],
  ["p_prev", D, NULL],
  /** Holm-adjusted across every brand and attribute of this wave's comparison with the previous. */
  ["p_holm_prev", D, NULL],
  ["significant_prev", B, NULL],
  /** The same quarter a year earlier (waves labelled YYYY-Qn). */
  ["year_ago_wave", V, NULL],
  ["change_year", D, NULL],
  ["year_ci_low", D, NULL],
  ["year_ci_high", D, NULL],
  ["p_year", D, NULL],
  ["p_holm_year", D, NULL],
  ["significant_year", B, NULL]
] as const;

export type WaveChangeRow = RowOf<typeof WAVE_CHANGE_COLUMNS>;

interface Change {
  change: number | null;
  low: number | null;
  high: number | null;
  p: number | null;
}

function compare(now: CompetitorRatingRow | undefined, then: CompetitorRatingRow | undefined): Change {
  // A suppressed row publishes no n (nor mean): nothing to compare.
  if (!now || !then || now.n === null || then.n === null) return { change: null, low: null, high: null, p: null };
  const test = welchTest(now.mean!, now.sd ?? NaN, now.n, then.mean!, then.sd ?? NaN, then.n);
  if (!test) return { change: now.mean! - then.mean!, low: null, high: null, p: null };
  const se = Math.sqrt(now.sd! ** 2 / now.n + then.sd! ** 2 / then.n);
  const half = tQuantile(0.975, test.df) * se;
  return { change: test.difference, low: test.difference - half, high: test.difference + half, p: test.p };
}

/** "2025-Q3" -> "2024-Q3"; null for waves not labelled by quarter. */
export function yearEarlier(wave: string): string | null {
  const match = /^(\d{4})-Q([1-4])$/.exec(wave);
  return match ? `${Number(match[1]) - 1}-Q${match[2]}` : null;
}

/**
 * Each brand's rating on each attribute against the previous wave and the same wave a year
 * earlier (all respondents), with Welch intervals (the waves' samples are treated as
 * independent). Significance is after Holm's correction across every brand and attribute of
 * a wave's comparison, so that a page of 40 changes does not cry wolf.
 */
export function waveChanges(context: TableContext): Promise<WaveChangeRow[]> {
  return memoized(context, "wave-changes", async () => {
    if (!hasSurvey(context)) return [];
    const all = (await competitorRatings(context)).filter((r) => r.breakdown === ALL);
    const waves = [...new Set(all.map((r) => r.wave))].sort();
    const find = (wave: string | null, brand: string, attribute: string) =>
      wave === null ? undefined : all.find((r) => r.wave === wave && r.brand === brand && r.attribute === attribute);
    const rows: WaveChangeRow[] = [];
    for (const [i, wave] of waves.entries()) {
      const previous = i > 0 ? waves[i - 1]! : null;
      const yearAgo = yearEarlier(wave);
      const yearAgoWave = yearAgo && waves.includes(yearAgo) ? yearAgo : null;
      const members = all
        .filter((r) => r.wave === wave)
        .map((now) => {
          const prev = compare(now, find(previous, now.brand, now.attribute));
          const year = compare(now, find(yearAgoWave, now.brand, now.attribute));
          return { now, prev, year };
        });
      const holmPrev = holm(members.map((m) => m.prev.p));
      const holmYear = holm(members.map((m) => m.year.p));
      members.forEach(({ now, prev, year }, k) => {
        rows.push({
          wave,
          brand: now.brand,
          is_ours: now.is_ours,
          attribute: now.attribute,
          label: now.label,
          mean: now.mean,
          previous_wave: previous,
          change_prev: round(prev.change, 3),
          prev_ci_low: round(prev.low, 3),
          prev_ci_high: round(prev.high, 3),
          p_prev: round(prev.p, 6),
          p_holm_prev: round(holmPrev[k], 6),
          significant_prev: holmPrev[k] == null ? null : holmPrev[k]! < 0.05,
          year_ago_wave: yearAgoWave,
          change_year: round(year.change, 3),
          year_ci_low: round(year.low, 3),
          year_ci_high: round(year.high, 3),
          p_year: round(year.p, 6),
          p_holm_year: round(holmYear[k], 6),
          significant_year: holmYear[k] == null ? null : holmYear[k]! < 0.05
        });
      });
    }
    return rows;
  });
}
