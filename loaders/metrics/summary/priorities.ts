import { B, D, NULL, V, type RowOf } from "../table.js";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { drivers } from "../loyalty/drivers.js";
import { competitorRatings } from "../survey/competitor-ratings.js";
import { profiles } from "../survey/profiles.js";
import { ALL_SEGMENTS } from "../survey/survey-cells.js";

export const WHAT_WHO_COLUMNS = [
  ["wave", V],
  ["attribute", V],
  ["label", V],
  ["group", V],
  /** The business function that owns the attribute. */
  ["owner", V],
  /** The attribute's weight in the quality or price profile (that group sums to 100). */
  ["weight", D, NULL],
  ["our_mean", D, NULL],
  ["best_competitor", V, NULL],
  ["best_mean", D, NULL],
  /** our_mean − best_mean: negative when the best competitor is ahead. */
  ["gap_to_best", D, NULL],
  /** Our gap to that competitor is significant (the competitor ratings' Holm-adjusted test). */
  ["gap_significant", B, NULL],
  /**
   * Its measured effect: the wave's key-driver relative weight, as % of R², one scale for
   * quality and price attributes (all in one regression); null without drivers.
   */
  ["importance", D, NULL],
  /** The driver coefficient's HC3 p-value: below 0.05 (and positive), the effect is measured. */
  ["effect_p", D, NULL],
  /**
   * importance / 100 × how far we trail the best competitor, when the effect is measured and
   * the gap significant; 0 otherwise (never a lead for an attribute that moves nothing).
   */
  ["priority", D, NULL],
  /** Why the attribute ranks where it does, in words. */
  ["reason", V]
] as const;

export type WhatWhoRow = RowOf<typeof WHAT_WHO_COLUMNS>;

/**
 * The one list of what to fix first, with Gale's what/who matrix (each attribute and the
 * function that owns it): the quality profile, the drivers page and the overview all read it.
 * An attribute leads when raising it moves satisfaction (a positive driver coefficient,
 * significant by its HC3 test), the best competitor rates significantly above us on it, and
 * the product of its share of the explained satisfaction and our gap is largest.
 */
export function whatWho(context: TableContext): Promise<WhatWhoRow[]> {
  return memoized(context, "what-who", async () => {
    if (!hasSurvey(context)) return [];
    const { config } = context;
    const all = (await profiles(context)).rows.filter((r) => r.segment === ALL_SEGMENTS && !r.suppressed);
    const ratings = (await competitorRatings(context)).filter((r) => r.breakdown === "All");
    const driverRows = await drivers(context);
    const rows: WhatWhoRow[] = [];
    for (const wave of [...new Set(all.map((r) => r.wave))]) {
      for (const attribute of config.attributes) {
        const ours = all.find((r) => r.wave === wave && r.attribute === attribute.id && r.is_ours);
        const best = all
          .filter((r) => r.wave === wave && r.attribute === attribute.id && !r.is_ours)
          .sort((a, b) => b.mean! - a.mean!)[0];
        const gap = ours && best ? ours.mean! - best.mean! : null;
        const test = best
          ? ratings.find((r) => r.wave === wave && r.attribute === attribute.id && r.brand === best.brand)
          : undefined;
        const driver = driverRows.find((d) => d.wave === wave && d.attribute === attribute.id);
        const measured =
          driver !== undefined && driver.p_value !== null && driver.p_value < 0.05 && driver.coefficient > 0;
        const trails = gap !== null && gap < 0 && test?.significant === true;
        const priority =
          gap === null || !driver ? null : measured && trails ? round((driver.relative_weight_pct / 100) * -gap, 4) : 0;
        rows.push({
          wave,
          attribute: attribute.id,
          label: attribute.label,
          group: attribute.group,
          owner: attribute.owner,
          weight: ours?.weight ?? null,
          our_mean: ours?.mean ?? null,
          best_competitor: best?.brand ?? null,
          best_mean: best?.mean ?? null,
          gap_to_best: round(gap, 3),
          gap_significant: test?.significant ?? null,
          importance: driver ? driver.relative_weight_pct : null,
          effect_p: driver?.p_value ?? null,
          priority,
          reason: reasonFor({ gap, trails, driver, measured })
        });
      }
    }
    return rows;
  });
}

function reasonFor({
  gap,
  trails,
  driver,
  measured
}: {
  gap: number | null;
  trails: boolean;
  driver: { p_value: number | null } | undefined;
  measured: boolean;
}): string {
  if (gap === null) return "too few ratings to compare";
  if (!driver) return "no key-driver fit for this wave";
  const p =
    driver.p_value === null ? "p unknown" : driver.p_value < 0.001 ? "p < 0.001" : `p = ${driver.p_value.toFixed(2)}`;
  if (gap >= 0) return `we lead (${gap === 0 ? "level" : `+${gap.toFixed(2)}`})`;
  if (!trails) return "behind, within chance";
  if (!measured) return `behind; no measured effect (${p})`;
  return `behind, significantly; a driver (${p})`;
}
