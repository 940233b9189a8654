/**
 * Purchases that must be activated before they are used (licences, plans, seats: the
 * activations export): how many customers put to use, and the outreach list of those who did not.
 */
import { B, D, I, NULL, V, type RowOf } from "../table.js";
import { memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { wilsonInterval } from "../../core/stats/intervals.js";

/**
 * A purchase counts as used when it is activated within this many days; only purchases at
 * least this old when the export ends are judged, so recent ones are not unused yet.
 */
export const ACTIVATION_DAYS = 90;

/** Still buying, on the outreach list: an order in the last this many days (the levers' window). */
export const STILL_BUYING_DAYS = 180;

/** The day the export ends: the last order's date. */
export const EXPORT_END = `bounds AS (SELECT max(ordered_at)::DATE AS as_of FROM orders)`;

/** True when a purchase (alias `x`) was not activated within ACTIVATION_DAYS. */
export const unused = (x: string) =>
  `(${x}.activated_at IS NULL OR ${x}.activated_at > ${x}.purchased_at + ${ACTIVATION_DAYS})`;

/** True when a purchase (alias `x`, with `b` the bounds) is old enough to be judged. */
const judged = (x: string) => `${x}.purchased_at <= b.as_of - ${ACTIVATION_DAYS}`;

/**
 * The money in each judged, unused purchase (temp view `unused_purchases`: activation_id,
 * customer_id, product_id, purchased_at, value): its order's net amount shared equally among
 * the order's activations, so an order of five seats with one left unused counts a fifth, and
 * sums by category, by customer and overall agree. Value is NULL without order ids. Only the
 * orders holding an unused purchase are looked up (a fifth of the activations in the sample).
 */
async function prepareUnusedPurchases(context: TableContext): Promise<boolean> {
  return memoized(context, "unused-purchases", async () => {
    const { schema } = context;
    const product = schema.has("activations", "product_id") ? "x.product_id" : "NULL::VARCHAR";
    const withOrders = schema.has("activations", "order_id");
    await context.db.run(`CREATE OR REPLACE TEMP TABLE unused_purchases AS
      WITH ${EXPORT_END},
      unused AS (SELECT x.activation_id, x.customer_id, ${product} AS product_id, x.purchased_at,
                        ${withOrders ? "x.order_id" : "NULL::VARCHAR AS order_id"}
                 FROM activations x CROSS JOIN bounds b WHERE ${judged("x")} AND ${unused("x")})
      ${
        withOrders
          ? `, seats AS (SELECT order_id, count(*) AS n FROM activations WHERE order_id IN (SELECT order_id FROM unused) GROUP BY order_id)
      SELECT u.activation_id, u.customer_id, u.product_id, u.purchased_at, o.amount::DOUBLE / s.n AS value
      FROM unused u LEFT JOIN orders o USING (order_id) LEFT JOIN seats s USING (order_id)`
          : `SELECT activation_id, customer_id, product_id, purchased_at, NULL::DOUBLE AS value FROM unused`
      }`);
    return withOrders;
  });
}

export const ACTIVATION_COLUMNS = [
  /** A product category, or All. */
  ["category", V],
  /** Purchases at least ACTIVATION_DAYS old when the export ends. */
  ["purchases", I],
  /** Of those, activated within ACTIVATION_DAYS. */
  ["activated", I],
  ["activated_share", D],
  ["ci_low", D, NULL],
  ["ci_high", D, NULL],
  /** Median days from purchase to activation, among activated purchases. */
  ["median_days_to_activate", D, NULL],
  /** Customers with at least one unused purchase. */
  ["customers_with_unused", I],
  /** What the unused purchases cost (their orders' net amounts, shared among each order's activations; needs order_id), currency. */
  ["unused_value", D, NULL]
] as const;

export type ActivationRow = RowOf<typeof ACTIVATION_COLUMNS>;

/**
 * How much of what customers buy they put to use: purchases activated within 90 days, overall
 * and per product category, with the customers and the money tied up in unused purchases
 * (the `outreach` table lists them).
 */
export function activation(context: TableContext): Promise<ActivationRow[]> {
  return memoized(context, "activation", async () => {
    if (!context.schema.has("activations", "activated_at") || !context.schema.has("orders")) return [];
    const { schema } = context;
    const byCategory = schema.has("activations", "product_id") && schema.has("products", "category");
    const productJoin = (x: string) => (byCategory ? `LEFT JOIN products p ON p.product_id = ${x}.product_id` : "");
    const category = byCategory ? "coalesce(p.category, '(none)')" : "NULL";
    const grouping = byCategory ? "GROUP BY GROUPING SETS ((1), ()) ORDER BY 1 NULLS FIRST" : "";
    const rows = await context.db.rows<Omit<ActivationRow, "activated_share" | "ci_low" | "ci_high" | "unused_value">>(`
      WITH ${EXPORT_END}
      SELECT ${category} AS category, count(*) AS purchases, count(*) FILTER (WHERE NOT ${unused("x")}) AS activated,
             median(date_diff('day', x.purchased_at, x.activated_at))::DOUBLE AS median_days_to_activate,
             count(DISTINCT x.customer_id) FILTER (WHERE ${unused("x")}) AS customers_with_unused
      FROM activations x CROSS JOIN bounds b ${productJoin("x")}
      WHERE ${judged("x")} ${grouping}`);
    const withOrders = await prepareUnusedPurchases(context);
    const values = await context.db.rows<{ category: string | null; value: number | null }>(`
      SELECT ${category} AS category, sum(u.value) AS value FROM unused_purchases u ${productJoin("u")} ${grouping}`);
    const valueOf = new Map(values.map((v) => [v.category, v.value]));
    return rows.map((r) => {
      const interval = wilsonInterval(r.activated, r.purchases);
      return {
        category: r.category ?? "All",
        purchases: r.purchases,
        activated: r.activated,
        activated_share: round(r.activated / r.purchases, 4)!,
        ci_low: round(interval?.low, 4),
        ci_high: round(interval?.high, 4),
        median_days_to_activate: round(r.median_days_to_activate, 1),
        customers_with_unused: r.customers_with_unused,
        unused_value: withOrders ? (round(valueOf.get(r.category), 2) ?? 0) : null
      };
    });
  });
}

export const OUTREACH_COLUMNS = [
  /** The customer's id as the warehouse holds it: pseudonymized at ingest when it is an e-mail or phone number. */
  ["customer_id", V],
  /** Purchases at least ACTIVATION_DAYS old and not activated within ACTIVATION_DAYS. */
  ["unused_purchases", I],
  /** What those purchases cost, currency (see `unused_value` of the activation table; NULL without order ids). */
  ["unused_value", D, NULL],
  /** The earliest and latest of those purchases (ISO dates). */
  ["first_unused_purchase", V],
  ["last_unused_purchase", V],
  /** The customer's last purchase, refunds aside (ISO date). */
  ["last_purchase", V, NULL],
  /** An order in the last STILL_BUYING_DAYS days of the export: someone to help, not to win back. */
  ["still_buying", B]
] as const;

/**
 * The outreach list of the activation lever: every customer with a purchase left unused, with
 * what it cost them, most money first. Customer ids only (pseudonyms where keys are personal).
 */
export async function outreachQuery(context: TableContext): Promise<string | null> {
  if (!context.schema.has("activations", "activated_at") || !context.schema.has("orders")) return null;
  await prepareUnusedPurchases(context);
  return `WITH ${EXPORT_END},
    unused AS (SELECT customer_id, count(*) AS unused_purchases, round(sum(value), 2) AS unused_value,
                      strftime(min(purchased_at), '%Y-%m-%d') AS first_unused_purchase,
                      strftime(max(purchased_at), '%Y-%m-%d') AS last_unused_purchase
               FROM unused_purchases GROUP BY customer_id),
    last_purchases AS (SELECT customer_id, max(ordered_at)::DATE AS last_day FROM orders
                       WHERE amount >= 0 AND customer_id IN (SELECT customer_id FROM unused) GROUP BY customer_id)
    SELECT u.customer_id, u.unused_purchases, u.unused_value, u.first_unused_purchase, u.last_unused_purchase,
           strftime(l.last_day, '%Y-%m-%d') AS last_purchase, coalesce(l.last_day > b.as_of - ${STILL_BUYING_DAYS}, false) AS still_buying
    FROM unused u LEFT JOIN last_purchases l USING (customer_id) CROSS JOIN bounds b
    ORDER BY u.unused_value DESC NULLS LAST, u.unused_purchases DESC, u.customer_id`;
}
