import { literal, quarterLabel } from "../../core/sql.js";
import { memoized, type TableContext } from "../../warehouse/context.js";
import { prepareCustomerOrders } from "./customer-orders.js";

/**
 * Named RFM segments from quintile scores (5 = most recent, most frequent, highest spend),
 * first rule that matches. A common scheme in CRM practice; the rules are the definition.
 */
export const RFM_SEGMENTS = [
  ["champions", "r >= 4 AND f >= 4 AND m >= 4"],
  ["can't lose them", "r <= 2 AND f >= 4 AND m >= 4"],
  ["at risk", "r <= 2 AND f >= 3"],
  ["loyal", "r >= 3 AND f >= 4"],
  ["new customers", "r = 5 AND f = 1"],
  ["potential loyalists", "r >= 4 AND f <= 3"],
  ["hibernating", "r <= 2 AND f <= 2"],
  ["need attention", "true"]
] as const;

/**
 * Per customer who bought (temp table `customer_rfm`, once per session): recency (days from
 * the last purchase to the last order in the export), frequency (orders, refunds not
 * counted), monetary (net revenue, refunds deducted), margin (revenue − cost, when costs
 * exist), quintile scores and the named segment. The rfm, rfm-segments and best-customers
 * tables read it.
 */
export function prepareRfm(context: TableContext): Promise<void> {
  return memoized(context, "rfm", async () => {
    await prepareCustomerOrders(context);
    await context.db.run(`
      CREATE OR REPLACE TEMP TABLE customer_rfm AS
      WITH customers_rfm AS (
        SELECT customer_id, date_diff('day', last_purchase::DATE, (SELECT max(last_order)::DATE FROM customer_orders)) AS recency_days,
               purchases AS frequency, round(revenue::DOUBLE, 2) AS monetary, round(margin::DOUBLE, 2) AS margin
        FROM customer_orders WHERE purchases > 0),
      scored AS (
        SELECT *, ntile(5) OVER (ORDER BY recency_days DESC, customer_id) AS r,
                  ntile(5) OVER (ORDER BY frequency, customer_id) AS f,
                  ntile(5) OVER (ORDER BY monetary, customer_id) AS m
        FROM customers_rfm)
      SELECT customer_id, recency_days, frequency, monetary, margin, r AS r_score, f AS f_score, m AS m_score,
             CASE ${RFM_SEGMENTS.map(([name, rule]) => `WHEN ${rule} THEN ${literal(name)}`).join(" ")} END AS segment
      FROM scored`);
  });
}

/** The rfm table, after prepareRfm. */
export const RFM_QUERY = `SELECT * FROM customer_rfm ORDER BY monetary DESC, customer_id`;

/** Per RFM segment: customers, revenue and margin, and their shares of the totals (after prepareRfm). */
export function rfmSegmentsQuery(): string {
  return `
    WITH rfm AS (SELECT * FROM customer_rfm)
    SELECT segment, count(*) AS customers, round(count(*) / sum(count(*)) OVER (), 4) AS customer_share,
           round(sum(monetary), 2) AS revenue, round(sum(monetary) / sum(sum(monetary)) OVER (), 4) AS revenue_share,
           round(sum(margin), 2) AS margin, round(sum(margin) / nullif(sum(sum(margin)) OVER (), 0), 4) AS margin_share,
           round(avg(recency_days), 1) AS mean_recency_days, round(avg(frequency), 2) AS mean_frequency
    FROM rfm GROUP BY segment ORDER BY revenue DESC`;
}

/**
 * The value concentration (Lorenz) curve: customers ranked by net revenue, largest first; for
 * each percentile of customers, the cumulative share of revenue they bring (after prepareCustomerOrders).
 */
export function valueConcentrationQuery(): string {
  return `
    WITH revenue AS (SELECT customer_id, revenue::DOUBLE AS revenue FROM customer_orders),
    ranked AS (SELECT revenue, ntile(100) OVER (ORDER BY revenue DESC, customer_id) AS percentile FROM revenue),
    by_percentile AS (SELECT percentile, count(*) AS customers, sum(revenue) AS revenue FROM ranked GROUP BY ALL)
    SELECT percentile, round(sum(customers) OVER w / sum(customers) OVER (), 4) AS customer_share,
           round(sum(revenue) OVER w / sum(revenue) OVER (), 4) AS revenue_share
    FROM by_percentile WINDOW w AS (ORDER BY percentile) ORDER BY percentile`;
}

/**
 * Cohorts by quarter of first order, and each later quarter: customers who ordered (active
 * share of the cohort) and net revenue against the cohort's first quarter (revenue retention).
 */
export function cohortRetentionQuery(): string {
  return `
    WITH q AS (SELECT customer_id, date_trunc('quarter', ordered_at)::DATE AS quarter, sum(amount)::DOUBLE AS revenue, bool_or(amount >= 0) AS ordered FROM orders GROUP BY ALL),
    cohorts AS (SELECT customer_id, min(quarter) FILTER (WHERE ordered) AS cohort FROM q GROUP BY ALL),
    cells AS (
      SELECT c.cohort, date_diff('quarter', c.cohort, q.quarter) AS period, count(*) FILTER (WHERE q.ordered) AS active, sum(q.revenue) AS revenue
      FROM q JOIN cohorts c USING (customer_id) WHERE q.quarter >= c.cohort GROUP BY ALL),
    sizes AS (SELECT cohort, count(*) AS cohort_size FROM cohorts WHERE cohort IS NOT NULL GROUP BY ALL)
    SELECT ${quarterLabel("x.cohort")} AS cohort, x.period, s.cohort_size, x.active,
           round(x.active / s.cohort_size, 4) AS active_share, round(x.revenue, 2) AS revenue,
           round(x.revenue / first_value(x.revenue) OVER (PARTITION BY x.cohort ORDER BY x.period), 4) AS revenue_retention
    FROM cells x JOIN sizes s USING (cohort) ORDER BY x.cohort, x.period`;
}
