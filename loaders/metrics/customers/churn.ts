import { D, I, NULL, V, type RowOf } from "../table.js";
import { prepareQuarterlySales } from "../sales/quarterly-sales.js";
import { quarterLabel, identifier, literalList } from "../../core/sql.js";
import { prepareCustomerOrders } from "./customer-orders.js";
import { CONFIG_FILE, DEFAULT_INACTIVE_DAYS } from "../../contract/config.js";
import { IngestError } from "../../core/errors.js";
import { memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { TRUE_WORDS } from "../../contract/contract.js";
import { wilsonInterval } from "../../core/stats/intervals.js";

/** Customer columns read as an explicit churn flag when the config names none, in this order. */
export const CHURN_FLAG_COLUMNS = ["churned", "churn"];
/** A churn flag reads as set for the true words, and for "churned" itself. */
const TRUE_FLAGS = literalList([...TRUE_WORDS, "churned"]);

export const CHURN_COLUMNS = [
  /** Quarter the churn happened in; null with a flag (the CRM does not say when). */
  ["quarter", V, NULL],
  /** All, or a value of customers.segment. */
  ["segment", V],
  /** Customers who could churn: all (flag), or those active at the quarter's start, as of its close (inactivity). */
  ["customers", I],
  ["churned", I],
  ["churn_rate", D, NULL],
  ["ci_low", D, NULL],
  ["ci_high", D, NULL],
  /** "flag: churn" or "no order for N days". */
  ["definition", V]
] as const;

export type ChurnRow = RowOf<typeof CHURN_COLUMNS>;

/**
 * Churn per segment, from an explicit flag in the customers export when it has one (the
 * config's churn.flagColumn, else a column named churned or churn: yes/true/1), otherwise per
 * quarter from inactivity: a customer churns churn.inactiveDays (default 180) after their last
 * order. Each quarter is read as of its close, from the orders dated up to it: at risk are the
 * customers whose last order before the quarter is fewer than that many days before its start;
 * churned, those of them with no order in the quarter by the time the days have run out. A
 * customer who comes back later does not change the quarter, so later exports leave it as it was.
 */
export function churn(context: TableContext): Promise<ChurnRow[]> {
  return memoized(context, "churn", async () => {
    if (!context.schema.has("customers")) return [];
    const segment = context.schema.has("customers", "segment") ? "coalesce(segment, '(none)')" : "'(none)'";
    const configured = context.config?.churn.flagColumn?.trim().toLowerCase();
    const flag = configured ?? CHURN_FLAG_COLUMNS.find((c) => context.schema.has("customers", c));
    if (configured && !context.schema.has("customers", configured)) {
      // Stopped at ingest (config-checks.ts); never measure inactivity in place of the flag named.
      throw new IngestError([
        {
          file: CONFIG_FILE,
          column: "churn.flagColumn",
          rule: "unknown-column",
          message: `names the column ${configured}, which customers has not`
        }
      ]);
    }
    const inactiveDays = context.config?.churn.inactiveDays ?? DEFAULT_INACTIVE_DAYS;
    if (!flag) {
      await prepareCustomerOrders(context);
      await prepareQuarterlySales(context);
    }
    const rows = flag
      ? await context.db.rows<{ quarter: null; segment: string | null; customers: number; churned: number }>(`
          SELECT NULL AS quarter, ${segment} AS segment, count(*) AS customers,
                 count(*) FILTER (WHERE lower(trim(${identifier(flag)})) IN ${TRUE_FLAGS}) AS churned
          FROM customers GROUP BY GROUPING SETS ((2), ()) ORDER BY 2 NULLS FIRST`)
      : await context.db.rows<{ quarter: string; segment: string | null; customers: number; churned: number }>(`
          WITH bounds AS (SELECT max(last_purchase)::DATE AS as_of FROM customer_orders),
          lives AS (SELECT c.customer_id, ${segment} AS segment
                    FROM customers c JOIN customer_orders o USING (customer_id) WHERE o.purchases > 0),
          bought AS (SELECT customer_id, date_trunc('quarter', ordered_at)::DATE AS q, max(ordered_at)::DATE AS last_day
                     FROM orders WHERE amount >= 0 GROUP BY ALL),
          -- Between two quarters with purchases, the quarters after the first see its last order
          -- as the last before them; only those up to inactiveDays after it are at risk, so each
          -- span unrolls into two or three quarters (a join of quarters by customers took minutes).
          spans AS (SELECT customer_id, q, last_day, lead(q) OVER (PARTITION BY customer_id ORDER BY q) AS next_q FROM bought),
          state AS (
            SELECT customer_id, last_day AS last_before, next_q,
                   unnest(generate_series((q + INTERVAL 3 MONTH)::TIMESTAMP,
                                          least(coalesce(next_q, last_day + ${inactiveDays}), last_day + ${inactiveDays})::TIMESTAMP,
                                          INTERVAL 3 MONTH))::DATE AS q
            FROM spans),
          quarters AS (SELECT start AS q FROM quarterly_sales CROSS JOIN bounds b WHERE start + INTERVAL 3 MONTH <= b.as_of + 1)
          SELECT ${quarterLabel("s.q")} AS quarter, l.segment, count(*) AS customers,
                 count(*) FILTER (WHERE s.q IS DISTINCT FROM s.next_q AND s.last_before + ${inactiveDays} < s.q + INTERVAL 3 MONTH) AS churned
          FROM state s JOIN quarters g USING (q) JOIN lives l USING (customer_id)
          GROUP BY GROUPING SETS ((1, 2), (1)) ORDER BY 1, 2 NULLS FIRST`);
    return rows.map((r) => {
      const interval = wilsonInterval(r.churned, r.customers);
      return {
        quarter: r.quarter,
        segment: r.segment ?? "All",
        customers: r.customers,
        churned: r.churned,
        churn_rate: round(r.customers ? r.churned / r.customers : null, 4),
        ci_low: round(interval?.low, 4),
        ci_high: round(interval?.high, 4),
        definition: flag ? `flag: ${flag}` : `no order for ${inactiveDays} days`
      };
    });
  });
}
