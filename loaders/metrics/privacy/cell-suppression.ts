/**
 * Which cells of a survey table may be published (primary and complementary suppression).
 *
 * A cell counted from fewer than `minCellSize` answers is suppressed (primary). That alone does
 * not hold: a table publishes the whole sample ("All") beside its segments, so a lone suppressed
 * segment is the whole sample minus its published siblings, count for count and mean for mean.
 * The same goes for respondents in no segment at all (the All row's answers that no published
 * segment holds): they are a hidden cell too. So within each breakdown of a slice (the
 * segments of one wave, brand and attribute; the regions of the same), the hidden part (the
 * suppressed cells together with the respondents in none) must be empty or hold at least
 * `minCellSize` answers; while it holds fewer, the smallest published sibling is suppressed as
 * well (ties broken by name, so every table that counts the same answers suppresses the same
 * cells). What the published figures then give away is one figure over at least `minCellSize`
 * answers: what a published cell shows anyway. When the All cell is itself below the minimum,
 * the whole slice is suppressed.
 *
 * Breakdowns are disjoint parts of the same All (segments, regions); different breakdowns are
 * never crossed in a table, so each is checked on its own. A suppressed cell publishes no count
 * either (only `suppressionNote`): its count would bound what the hidden part holds.
 */

/** The whole sample's breakdown: the cell every other breakdown of a slice divides up. */
export const WHOLE = "All";

/** What suppression needs to know of a cell. */
export interface CountedCell {
  /** Every key of the cell but its breakdown: wave, brand, attribute, measure... */
  slice: string;
  /** WHOLE, or the breakdown the cell is a part of ("segment", "region"). */
  breakdown: string;
  /** The part: a segment's or region's name (breaks ties between complements). */
  value: string;
  /** Answers the cell's figures are computed from. */
  n: number;
}

/** The cells to suppress, primary and complementary, as a set of the cells given. */
export function suppressedCells<T>(
  cells: readonly T[],
  countOf: (cell: T) => CountedCell,
  minCellSize: number
): Set<T> {
  const suppressed = new Set<T>();
  const slices = new Map<string, { cell: T; counted: CountedCell }[]>();
  for (const cell of cells) {
    const counted = countOf(cell);
    if (counted.n < minCellSize) suppressed.add(cell);
    const members = slices.get(counted.slice);
    if (members) members.push({ cell, counted });
    else slices.set(counted.slice, [{ cell, counted }]);
  }
  for (const members of slices.values()) {
    const whole = members.find((m) => m.counted.breakdown === WHOLE);
    // With no whole published there is nothing to subtract from: the primary rule suffices.
    if (!whole) continue;
    if (suppressed.has(whole.cell)) {
      for (const m of members) suppressed.add(m.cell);
      continue;
    }
    const breakdowns = new Map<string, typeof members>();
    for (const m of members) {
      if (m.counted.breakdown === WHOLE) continue;
      const parts = breakdowns.get(m.counted.breakdown);
      if (parts) parts.push(m);
      else breakdowns.set(m.counted.breakdown, [m]);
    }
    for (const parts of breakdowns.values()) {
      const inNone = Math.max(0, whole.counted.n - parts.reduce((sum, p) => sum + p.counted.n, 0));
      const published = parts
        .filter((p) => !suppressed.has(p.cell))
        .sort((a, b) => a.counted.n - b.counted.n || (a.counted.value < b.counted.value ? -1 : 1));
      const hidden = () => inNone + parts.reduce((sum, p) => sum + (suppressed.has(p.cell) ? p.counted.n : 0), 0);
      while (hidden() > 0 && hidden() < minCellSize && published.length > 0) suppressed.add(published.shift()!.cell);
    }
  }
  return suppressed;
}

/**
 * What a suppressed cell says instead of its figures: the same for primary and complementary
 * cells, since telling them apart would bound the small cell's count.
 */
export const suppressionNote = (minCellSize: number) =>
  `suppressed: fewer than ${minCellSize} respondents, here or in a cell the totals would give away`;
