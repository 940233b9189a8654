/** The figures that gather the others: the executive KPIs per quarter, the events on the timeline, what to fix first. */
import { defineTable, type TableDefinition } from "../table.js";
import { KEY_EVENT_COLUMNS, keyEvents } from "./key-events.js";
import { KPI_COLUMNS, kpis } from "./kpis.js";
import { WHAT_WHO_COLUMNS, whatWho } from "./priorities.js";

export const SUMMARY_TABLES: readonly TableDefinition[] = [
  defineTable({
    name: "key-events",
    description: "The events export, with our quality score and win rate in each event's quarter.",
    columns: KEY_EVENT_COLUMNS,
    compute: keyEvents
  }),
  defineTable({
    name: "kpis",
    description:
      "Per quarter, the executive figures (revenue, customers buying, customers kept, NPS, quality score, relative price, customer base value) with the change from the quarter before, whether it is beyond sampling noise, and whether the quarter is complete.",
    columns: KPI_COLUMNS,
    compute: kpis
  }),
  defineTable({
    name: "what-who",
    description:
      "Per wave and attribute, the one list of what to fix first: the owning function, our gap to the best competitor and its test, the key-driver importance and its test, a priority (importance × how far we trail, when both hold) and the reason.",
    columns: WHAT_WHO_COLUMNS,
    compute: whatWho
  })
];
