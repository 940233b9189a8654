/** Sales from the CRM: revenue by quarter, deals won and lost, the open pipeline. See docs/metrics.md. */
import { D, defineTable, I, V, type TableDefinition } from "../table.js";
import { prepareQuarterlySales } from "./quarterly-sales.js";
import { WON_LOST_COLUMNS, WON_LOST_REASON_COLUMNS, pipelineQuery, wonLost, wonLostReasons } from "./won-lost.js";

export const SALES_TABLES: readonly TableDefinition[] = [
  defineTable({
    name: "revenue-by-quarter",
    description:
      "Per calendar quarter: net revenue (refunds deducted), cost and gross margin of orders with a cost, orders, customers buying.",
    columns: [
      ["quarter", V],
      ["revenue", D],
      ["cost", D],
      ["gross_margin", D],
      ["orders", I],
      ["customers", I]
    ],
    prepare: async (context) => {
      if (!context.schema.has("orders")) return null;
      await prepareQuarterlySales(context);
      return `
        SELECT quarter, round(revenue::DOUBLE, 2) AS revenue, round(cost::DOUBLE, 2) AS cost,
               round((revenue_with_cost - cost)::DOUBLE, 2) AS gross_margin, orders, customers
        FROM quarterly_sales ORDER BY quarter`;
    }
  }),
  defineTable({
    name: "won-lost",
    description:
      "Per quarter and competitor (and all deals): deals won and lost, win rate with Wilson 95% CI, value won and lost.",
    columns: WON_LOST_COLUMNS,
    compute: wonLost
  }),
  defineTable({
    name: "won-lost-reasons",
    description:
      "Per competitor (and all deals), outcome and reason: deals, share of the competitor's deals with that outcome, value.",
    columns: WON_LOST_REASON_COLUMNS,
    compute: wonLostReasons
  }),
  defineTable({
    name: "pipeline",
    description:
      "Open deals (stage neither won nor lost), per competitor named and in all: deals, value, earliest and latest expected close. Never in win rates.",
    columns: [
      ["competitor", V],
      ["deals", I],
      ["value", D],
      ["earliest_close", V],
      ["latest_close", V]
    ],
    query: pipelineQuery
  })
];
