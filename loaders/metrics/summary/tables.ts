/** The figures that gather the others: the executive KPIs per quarter, the events on the timeline. */
import { B, D, defineTable, V, type TableDefinition } from "../table.js";
import { keyEvents } from "./key-events.js";
import { kpis } from "./kpis.js";

export const SUMMARY_TABLES: readonly TableDefinition[] = [
  defineTable({
    name: "key-events",
    description: "The events export, with our quality score and win rate in each event's quarter.",
    columns: [
      ["date", V],
      ["quarter", V],
      ["brand", V],
      ["title", V],
      ["our_quality_score", D],
      ["win_rate", D]
    ],
    compute: keyEvents
  }),
  defineTable({
    name: "kpis",
    description:
      "Per quarter, the executive figures (revenue, customers buying, customers kept, NPS, quality score, relative price, customer base value) with the change from the quarter before, whether it is beyond sampling noise, and whether the quarter is complete.",
    columns: [
      ["quarter", V],
      ["kpi", V],
      ["label", V],
      ["unit", V],
      ["value", D],
      ["previous_quarter", V],
      ["previous", D],
      ["change", D],
      ["change_kind", V],
      ["significant", B],
      ["wave", V],
      ["complete", B]
    ],
    compute: kpis
  })
];
