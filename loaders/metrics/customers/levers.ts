import { D, I, NULL, V, type RowOf } from "../table.js";
import { memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { normalInterval, wilsonInterval } from "../../core/stats/intervals.js";
import { prepareCustomerOrders } from "./customer-orders.js";

/** Retention for the levers: an order in the last 180 days, among customers at least a year old. */
export const RECENT_DAYS = 180;

/**
 * A purchase counts as used when it is activated within this many days; only purchases at
 * least this old when the export ends are judged, so recent ones are not unused yet.
 */
export const ACTIVATION_DAYS = 90;

export type Lever = "rewards programme" | "activation" | "cross-sell depth";

export const LEVER_COLUMNS = [
  ["lever", V],
  ["group", V],
  ["customers", I],
  /** Share with an order in the last RECENT_DAYS days of the export. */
  ["retention", D],
  ["ci_low", D, NULL],
  ["ci_high", D, NULL],
  /** Mean net revenue per year of tenure, currency. */
  ["revenue_per_year", D, NULL],
  ["revenue_ci_low", D, NULL],
  ["revenue_ci_high", D, NULL]
] as const;

export type LeverRow = RowOf<typeof LEVER_COLUMNS>;

/** The day the export ends: the last order's date. */
const BOUNDS = `bounds AS (SELECT max(ordered_at)::DATE AS as_of FROM orders)`;

/** A lever: how it splits customers (an SQL expression, null = not in the comparison) and what it joins. */
interface LeverSplit {
  lever: Lever;
  group: string;
  join?: string;
}

function leverSplits(context: TableContext): LeverSplit[] {
  const { schema } = context;
  const splits: LeverSplit[] = [];
  if (schema.has("customers", "rewards_member")) {
    splits.push({
      lever: "rewards programme",
      group: `CASE WHEN c.rewards_member THEN 'members' WHEN c.rewards_member = false THEN 'not members' END`,
      join: "LEFT JOIN customers c USING (customer_id)"
    });
  }
  if (schema.has("activations", "activated_at")) {
    splits.push({
      lever: "activation",
      group: `CASE WHEN a.unused THEN 'first purchase unused' WHEN NOT a.unused THEN 'first purchase used' END`,
      // One purchase per customer, the first: with every purchase counted, customers who buy
      // more have more chances to leave one unused, and they are the ones who stay.
      // A first purchase younger than ACTIVATION_DAYS is not judged (unused is NULL).
      join: `LEFT JOIN (SELECT x.customer_id, CASE WHEN min(x.purchased_at) <= b.as_of - ${ACTIVATION_DAYS}
                                                THEN arg_min(${unused("x")}, (x.purchased_at, x.activation_id)) END AS unused
                        FROM activations x CROSS JOIN bounds b GROUP BY x.customer_id, b.as_of) a
             USING (customer_id)`
    });
  }
  if (schema.has("products", "category") && schema.has("orders", "product_id")) {
    splits.push({
      lever: "cross-sell depth",
      group: `CASE WHEN l.categories >= 4 THEN '4+ categories' ELSE l.categories || (CASE WHEN l.categories = 1 THEN ' category' ELSE ' categories' END) END`
    });
  }
  return splits;
}

/** True when a purchase (alias `x`) was not activated within ACTIVATION_DAYS. */
const unused = (x: string) =>
  `(${x}.activated_at IS NULL OR ${x}.activated_at > ${x}.purchased_at + ${ACTIVATION_DAYS})`;

/**
 * The retention levers, among customers whose first order is at least a year before the last
 * order in the export: rewards members against the rest; customers whose first purchase to
 * activate was left unused (not activated within 90 days) against those who used it; and customers by how
 * many product categories they have bought from. Differences are associations: members, users
 * and broad buyers may differ in other ways (the sample builds in such selection). Complaint
 * handling is in the complaint-retention table.
 */
export function levers(context: TableContext): Promise<LeverRow[]> {
  return memoized(context, "levers", async () => {
    const splits = leverSplits(context);
    if (!splits.length) return [];
    // Each customer's first order, last purchase, revenue and categories, for every lever.
    await prepareCustomerOrders(context);
    await context.db.run(`CREATE OR REPLACE TEMP VIEW lever_lives AS
      SELECT customer_id, first_order::DATE AS first_day, last_purchase::DATE AS last_day, revenue::DOUBLE AS revenue, categories FROM customer_orders`);
    const out: LeverRow[] = [];
    for (const split of splits) {
      const rows = await context.db.rows<{
        group: string;
        customers: number;
        retained: number;
        revenue: number;
        revenue_sd: number | null;
      }>(`
        WITH ${BOUNDS}, lives AS (SELECT * FROM lever_lives)
        SELECT ${split.group} AS "group", count(*) AS customers,
               count(*) FILTER (WHERE l.last_day > b.as_of - ${RECENT_DAYS}) AS retained,
               avg(l.revenue / (date_diff('day', l.first_day, b.as_of) / 365.25)) AS revenue,
               stddev_samp(l.revenue / (date_diff('day', l.first_day, b.as_of) / 365.25)) AS revenue_sd
        FROM lives l CROSS JOIN bounds b ${split.join ?? ""}
        WHERE l.first_day <= b.as_of - 365
        GROUP BY 1 HAVING "group" IS NOT NULL ORDER BY 1`);
      for (const r of rows) {
        const retention = wilsonInterval(r.retained, r.customers);
        const revenue =
          r.customers > 1 && r.revenue_sd !== null
            ? normalInterval(r.revenue, r.revenue_sd / Math.sqrt(r.customers))
            : null;
        out.push({
          lever: split.lever,
          group: r.group,
          customers: r.customers,
          retention: round(r.retained / r.customers, 4)!,
          ci_low: round(retention?.low, 4),
          ci_high: round(retention?.high, 4),
          revenue_per_year: round(r.revenue, 2),
          revenue_ci_low: round(revenue?.low, 2),
          revenue_ci_high: round(revenue?.high, 2)
        });
      }
    }
    return out;
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
  /** Net order amount of the unused purchases (needs order_id), currency. */
  ["unused_value", D, NULL]
] as const;

export type ActivationRow = RowOf<typeof ACTIVATION_COLUMNS>;

/**
 * How much of what customers buy they put to use: purchases activated within 90 days, overall
 * and per product category, with the customers and the money tied up in unused purchases:
 * the outreach list for the activation lever.
 */
export function activation(context: TableContext): Promise<ActivationRow[]> {
  return memoized(context, "activation", async () => {
    if (!context.schema.has("activations", "activated_at") || !context.schema.has("orders")) return [];
    const { schema } = context;
    const byCategory = schema.has("activations", "product_id") && schema.has("products", "category");
    const productJoin = byCategory ? "LEFT JOIN products p ON p.product_id = x.product_id" : "";
    const category = byCategory ? "coalesce(p.category, '(none)')" : "NULL";
    const grouping = byCategory ? "GROUP BY GROUPING SETS ((1), ()) ORDER BY 1 NULLS FIRST" : "";
    const judged = `x.purchased_at <= b.as_of - ${ACTIVATION_DAYS}`;
    const rows = await context.db.rows<Omit<ActivationRow, "activated_share" | "ci_low" | "ci_high" | "unused_value">>(`
      WITH ${BOUNDS}
      SELECT ${category} AS category, count(*) AS purchases, count(*) FILTER (WHERE NOT ${unused("x")}) AS activated,
             median(date_diff('day', x.purchased_at, x.activated_at))::DOUBLE AS median_days_to_activate,
             count(DISTINCT x.customer_id) FILTER (WHERE ${unused("x")}) AS customers_with_unused
      FROM activations x CROSS JOIN bounds b ${productJoin}
      WHERE ${judged} ${grouping}`);
    // The money in unused purchases: only those are looked up in the orders (a fifth of the
    // activations in the sample), not every activation joined to every order.
    const withOrders = schema.has("activations", "order_id");
    const values = withOrders
      ? await context.db.rows<{ category: string | null; value: number | null }>(`
      WITH ${BOUNDS}
      SELECT ${category} AS category, sum(o.amount)::DOUBLE AS value
      FROM activations x CROSS JOIN bounds b ${productJoin} JOIN orders o ON o.order_id = x.order_id
      WHERE ${judged} AND ${unused("x")} ${grouping}`)
      : [];
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
        unused_value: withOrders ? round(valueOf.get(r.category), 2) : null
      };
    });
  });
}
