import { D, NULL, V, type RowOf } from "../table.js";
import { quarterLabel } from "../../core/sql.js";
import { memoized, type TableContext } from "../../warehouse/context.js";
import { profiles } from "../survey/profiles.js";
import { ALL_SEGMENTS } from "../survey/survey-cells.js";
import { ALL_DEALS, wonLost } from "../sales/won-lost.js";

export const KEY_EVENT_COLUMNS = [
  ["date", V],
  ["quarter", V],
  ["brand", V],
  ["title", V],
  /** Our market-perceived quality score in the survey wave of the event's quarter, if any. */
  ["our_quality_score", D, NULL],
  /** Our win rate over all deals closed in the event's quarter, if any. */
  ["win_rate", D, NULL]
] as const;

export type KeyEventRow = RowOf<typeof KEY_EVENT_COLUMNS>;

/** The events export on the timeline of our quality score and win rate. */
export function keyEvents(context: TableContext): Promise<KeyEventRow[]> {
  return memoized(context, "key-events", async () => {
    if (!context.schema.has("events")) return [];
    const events = await context.db.rows<{ date: string; quarter: string; brand: string; title: string }>(`
      SELECT date, ${quarterLabel("date")} AS quarter, brand, title FROM events ORDER BY date`);
    const scores = (await profiles(context)).scores.filter(
      (s) => s.group === "quality" && s.segment === ALL_SEGMENTS && s.is_ours
    );
    const deals = (await wonLost(context)).filter((d) => d.competitor === ALL_DEALS);
    return events.map((e) => ({
      ...e,
      our_quality_score: scores.find((s) => s.wave === e.quarter)?.score ?? null,
      win_rate: deals.find((d) => d.quarter === e.quarter)?.win_rate ?? null
    }));
  });
}
