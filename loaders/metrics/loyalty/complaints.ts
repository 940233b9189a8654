import { B, D, I, NULL, V, type RowOf } from "../table.js";
import { memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { twoProportionTest, wilsonInterval } from "../../core/stats/intervals.js";
import { prepareQuarterlySales } from "../sales/quarterly-sales.js";
import { FOLLOW_UP_DAYS, RETAINED_AFTER_DAYS } from "./linkage.js";

export const COMPLAINT_COLUMNS = [
  ["quarter", V],
  /** Customers with at least one order (not a refund) in the quarter. */
  ["active_customers", I],
  ["complaints", I],
  /** Complaints per 100 active customers. */
  ["complaint_rate", D, NULL],
  /** Share of the quarter's complaints that were ever resolved. */
  ["resolved_share", D, NULL],
  ["median_days_to_resolve", D, NULL],
  ["mean_days_to_resolve", D, NULL]
] as const;

export type ComplaintRow = RowOf<typeof COMPLAINT_COLUMNS>;

/** Complaints per quarter of opening, and how fast they were resolved (the tickets export). */
export function complaints(context: TableContext): Promise<ComplaintRow[]> {
  return memoized(context, "complaints", async () => {
    if (!context.schema.has("tickets")) return [];
    const isComplaint = context.schema.has("tickets", "kind") ? "lower(kind) = 'complaint'" : "true";
    const resolved = context.schema.has("tickets", "resolved_at");
    await prepareQuarterlySales(context);
    return context.db.rows<ComplaintRow>(`
      WITH q AS (SELECT date_trunc('quarter', opened_at)::DATE AS start, opened_at,
                        ${resolved ? "resolved_at" : "NULL::TIMESTAMP"} AS resolved_at FROM tickets WHERE ${isComplaint}),
      active AS (SELECT quarter, start, customers AS n FROM quarterly_sales WHERE customers > 0)
      SELECT a.quarter, a.n AS active_customers, count(q.opened_at) AS complaints,
             round(100.0 * count(q.opened_at) / a.n, 3) AS complaint_rate,
             round(count(q.resolved_at) / nullif(count(q.opened_at), 0), 4) AS resolved_share,
             round(median(date_diff('hour', q.opened_at, q.resolved_at) / 24.0), 2) AS median_days_to_resolve,
             round(avg(date_diff('hour', q.opened_at, q.resolved_at) / 24.0), 2) AS mean_days_to_resolve
      FROM active a LEFT JOIN q USING (start) GROUP BY a.quarter, a.n ORDER BY a.quarter`);
  });
}

export const COMPLAINT_RETENTION_COLUMNS = [
  ["resolution", V],
  /** Customers whose first complaint's follow-up window ended before the last order. */
  ["customers", I],
  /**
   * Share still buying in the second quarter after opening the complaint (an order
   * RETAINED_AFTER_DAYS + 1 to FOLLOW_UP_DAYS days after), the loyalty linkage's window.
   */
  ["retention", D],
  ["ci_low", D, NULL],
  ["ci_high", D, NULL],
  /** On the resolved row: its retention minus the not-resolved row's, with a 95% Wald interval. */
  ["difference", D, NULL],
  ["difference_ci_low", D, NULL],
  ["difference_ci_high", D, NULL],
  /** Two-proportion z-test of that difference; `significant` at 5%. */
  ["p_value", D, NULL],
  ["significant", B, NULL]
] as const;

export type ComplaintRetentionRow = RowOf<typeof COMPLAINT_RETENTION_COLUMNS>;

/**
 * Retention of complainers whose (first) complaint was resolved against those whose was not:
 * the TQM texts' case for answering every complaint, tested. Retained means still buying in
 * the second quarter after the complaint, as in the loyalty linkage: "any order within 180
 * days" counts most customers who leave in those months as retained.
 */
export function complaintRetention(context: TableContext): Promise<ComplaintRetentionRow[]> {
  return memoized(context, "complaint-retention", async () => {
    if (!context.schema.has("tickets") || !context.schema.has("tickets", "resolved_at")) return [];
    const isComplaint = context.schema.has("tickets", "kind") ? "lower(kind) = 'complaint'" : "true";
    const rows = await context.db.rows<{
      resolution: "resolved" | "not resolved";
      customers: number;
      retained: number;
    }>(`
      WITH first_complaint AS (
        SELECT customer_id, arg_min(opened_at, opened_at) AS opened_at, arg_min(resolved_at IS NOT NULL, opened_at) AS resolved
        FROM tickets WHERE ${isComplaint} GROUP BY customer_id),
      observable AS (SELECT * FROM first_complaint WHERE opened_at + INTERVAL ${FOLLOW_UP_DAYS} DAY <= (SELECT max(ordered_at) FROM orders))
      SELECT CASE WHEN resolved THEN 'resolved' ELSE 'not resolved' END AS resolution, count(*) AS customers,
             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id AND o.amount >= 0
               AND o.ordered_at > c.opened_at + INTERVAL ${RETAINED_AFTER_DAYS} DAY AND o.ordered_at <= c.opened_at + INTERVAL ${FOLLOW_UP_DAYS} DAY)) AS retained
      FROM observable c GROUP BY ALL ORDER BY resolution DESC`);
    const unresolved = rows.find((r) => r.resolution === "not resolved");
    return rows.map((r) => {
      const interval = wilsonInterval(r.retained, r.customers);
      const test =
        r.resolution === "resolved" && unresolved
          ? twoProportionTest(r.retained, r.customers, unresolved.retained, unresolved.customers)
          : null;
      return {
        resolution: r.resolution,
        customers: r.customers,
        retention: round(r.retained / r.customers, 4)!,
        ci_low: round(interval?.low, 4),
        ci_high: round(interval?.high, 4),
        difference: round(test?.difference, 4),
        difference_ci_low: round(test?.low, 4),
        difference_ci_high: round(test?.high, 4),
        p_value: round(test?.p, 6),
        significant: test ? test.p < 0.05 : null
      };
    });
  });
}
