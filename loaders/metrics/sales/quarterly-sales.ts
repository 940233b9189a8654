import { quarterLabel } from "../../core/sql.js";
import { memoized, type TableContext } from "../../warehouse/context.js";

/**
 * Orders per calendar quarter, once per session (temp table `quarterly_sales`): revenue-by-quarter,
 * the KPIs and the complaint rate all read them, and counting distinct customers per quarter
 * is the costly part of each. Orders are grouped by the quarter's first day and labelled after,
 * so that the label is built per quarter, not per order. Revenue is net of refunds; customers
 * and orders count purchases (amount ≥ 0) only; a quarter of refunds alone has no customers.
 */
export function prepareQuarterlySales(context: TableContext): Promise<void> {
  const cost = context.schema.has("orders", "cost");
  return memoized(context, "quarterly-sales", () =>
    context.db.run(`
    CREATE OR REPLACE TEMP TABLE quarterly_sales AS
    SELECT ${quarterLabel("start")} AS quarter, start, revenue, cost, revenue_with_cost, orders, customers, last_order
    FROM (SELECT date_trunc('quarter', ordered_at)::DATE AS start, sum(amount) AS revenue,
                 ${cost ? "sum(cost)" : "NULL::DECIMAL(38,2)"} AS cost,
                 ${cost ? "sum(amount) FILTER (WHERE cost IS NOT NULL)" : "NULL::DECIMAL(38,2)"} AS revenue_with_cost,
                 count(*) FILTER (WHERE amount >= 0) AS orders, count(DISTINCT customer_id) FILTER (WHERE amount >= 0) AS customers,
                 max(ordered_at) AS last_order
          FROM orders GROUP BY 1)`)
  );
}
