import { B, D, NULL, V, type RowOf } from "../table.js";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { profiles, relativePriceOf } from "../survey/profiles.js";

export type ValueZone = "better value" | "fair value" | "worse value";

export const VALUE_MAP_COLUMNS = [
  ["wave", V],
  ["segment", V],
  ["brand", V],
  ["is_ours", B],
  /** Market-perceived quality score (100 = parity). */
  ["quality_score", D, NULL],
  ["quality_ci_low", D, NULL],
  ["quality_ci_high", D, NULL],
  /** 100 × 100 / price-satisfaction score, or from actual prices (see price_basis). */
  ["relative_price", D, NULL],
  ["price_ci_low", D, NULL],
  ["price_ci_high", D, NULL],
  ["price_basis", V, NULL],
  /** Signed distance to the fair-value line, in points across it; positive = better value. */
  ["value_distance", D, NULL],
  ["zone", V, NULL],
  ["suppressed", B],
  ["note", V, NULL]
] as const;

export type ValueMapRow = RowOf<typeof VALUE_MAP_COLUMNS>;

/**
 * Gale's customer value map: relative perceived quality against relative price. The fair-value
 * line passes through parity (100, 100) with the config's slope; a brand below it (cheaper
 * for its quality) offers better value.
 */
export function valueMap(context: TableContext): Promise<ValueMapRow[]> {
  return memoized(context, "value-map", async () => {
    if (!hasSurvey(context)) return [];
    const { config } = context;
    const { scores } = await profiles(context);
    const { slope, band } = config.fairValue;
    const actual = config.prices;
    const rows: ValueMapRow[] = [];
    for (const quality of scores.filter((s) => s.group === "quality")) {
      const price = scores.find(
        (s) =>
          s.group === "price" && s.wave === quality.wave && s.segment === quality.segment && s.brand === quality.brand
      );
      let relativePrice: number | null = null;
      let low: number | null = null;
      let high: number | null = null;
      let basis: ValueMapRow["price_basis"] = null;
      if (actual?.[quality.brand] !== undefined) {
        const others = Object.entries(actual)
          .filter(([brand]) => brand !== quality.brand)
          .map(([, p]) => p);
        if (others.length) {
          relativePrice = (100 * actual[quality.brand]!) / (others.reduce((a, b) => a + b, 0) / others.length);
          basis = "actual";
        }
      } else if (price?.score) {
        relativePrice = relativePriceOf(price.score);
        // The transform is decreasing: the score's upper bound gives the price's lower bound.
        low = price.ci_high ? relativePriceOf(price.ci_high) : null;
        high = price.ci_low && price.ci_low > 0 ? relativePriceOf(price.ci_low) : null;
        basis = "perceived";
      }
      const q = quality.score;
      const distance =
        q !== null && relativePrice !== null
          ? (slope * (q - 100) - (relativePrice - 100)) / Math.sqrt(1 + slope * slope)
          : null;
      const zone: ValueZone | null =
        distance === null
          ? null
          : distance > band / 2
            ? "better value"
            : distance < -band / 2
              ? "worse value"
              : "fair value";
      rows.push({
        wave: quality.wave,
        segment: quality.segment,
        brand: quality.brand,
        is_ours: quality.is_ours,
        quality_score: q,
        quality_ci_low: quality.ci_low,
        quality_ci_high: quality.ci_high,
        relative_price: round(relativePrice, 2),
        price_ci_low: round(low, 2),
        price_ci_high: round(high, 2),
        price_basis: basis,
        value_distance: round(distance, 2),
        zone,
        suppressed: distance === null,
        note: quality.note ?? (relativePrice === null ? (price?.note ?? "no price attributes or prices") : null)
      });
    }
    return rows;
  });
}
