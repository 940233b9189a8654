import { memoized, round, type TableContext } from "../context.js";
import { normalInterval, wilsonInterval } from "../stats/intervals.js";

/** Retention for the levers: an order in the last 180 days, among customers at least a year old. */
export const RECENT_DAYS = 180;

export interface LeverRow {
  lever: "rewards programme" | "cross-sell depth";
  group: string;
  customers: number;
  /** Share with an order in the last RECENT_DAYS days of the export. */
  retention: number;
  ci_low: number | null;
  ci_high: number | null;
  /** Mean net revenue per year of tenure, currency. */
  revenue_per_year: number | null;
  revenue_ci_low: number | null;
  revenue_ci_high: number | null;
}

/**
 * The retention levers, among customers whose first order is at least a year before the last
 * order in the export: rewards members against the rest, and customers by how many product
 * categories they have bought from. Differences are associations: members and broad buyers
 * may differ in other ways (the sample builds in such selection). Complaint handling is in
 * the complaint-retention table.
 */
export function levers(context: TableContext): Promise<LeverRow[]> {
  return memoized(context, "levers", async () => {
    const groups: { lever: LeverRow["lever"]; sql: string }[] = [];
    if (context.schema.has("customers", "rewards_member")) {
      groups.push({ lever: "rewards programme", sql: `CASE WHEN c.rewards_member THEN 'members' WHEN c.rewards_member = false THEN 'not members' END` });
    }
    if (context.schema.has("products", "category") && context.schema.has("orders", "product_id")) {
      groups.push({ lever: "cross-sell depth", sql: `CASE WHEN l.categories >= 4 THEN '4+ categories' ELSE l.categories || (CASE WHEN l.categories = 1 THEN ' category' ELSE ' categories' END) END` });
    }
    if (!groups.length) return [];
    const categories = context.schema.has("products", "category") && context.schema.has("orders", "product_id")
      ? "count(DISTINCT p.category)" : "NULL";
    const join = categories === "NULL" ? "" : "LEFT JOIN products p USING (product_id)";
    const customersJoin = context.schema.has("customers") ? "LEFT JOIN customers c USING (customer_id)" : "";
    const out: LeverRow[] = [];
    for (const { lever, sql } of groups) {
      if (lever === "rewards programme" && !customersJoin) continue;
      const rows = await context.db.rows<{ group: string; customers: number; retained: number; revenue: number; revenue_sd: number | null }>(`
        WITH bounds AS (SELECT max(ordered_at)::DATE AS as_of FROM orders),
        lives AS (SELECT o.customer_id, min(o.ordered_at)::DATE AS first_day, max(o.ordered_at) FILTER (WHERE o.amount >= 0)::DATE AS last_day,
                         sum(o.amount)::DOUBLE AS revenue, ${categories} AS categories
                  FROM orders o ${join} GROUP BY ALL)
        SELECT ${sql} AS "group", count(*) AS customers,
               count(*) FILTER (WHERE l.last_day > b.as_of - ${RECENT_DAYS}) AS retained,
               avg(l.revenue / (date_diff('day', l.first_day, b.as_of) / 365.25)) AS revenue,
               stddev_samp(l.revenue / (date_diff('day', l.first_day, b.as_of) / 365.25)) AS revenue_sd
        FROM lives l CROSS JOIN bounds b ${customersJoin}
        WHERE l.first_day <= b.as_of - 365
        GROUP BY 1 HAVING "group" IS NOT NULL ORDER BY 1`);
      for (const r of rows) {
        const retention = wilsonInterval(r.retained, r.customers);
        const revenue = r.customers > 1 && r.revenue_sd !== null ? normalInterval(r.revenue, r.revenue_sd / Math.sqrt(r.customers)) : null;
        out.push({
          lever, group: r.group, customers: r.customers, retention: round(r.retained / r.customers, 4)!, ci_low: round(retention?.low, 4), ci_high: round(retention?.high, 4),
          revenue_per_year: round(r.revenue, 2), revenue_ci_low: round(revenue?.low, 2), revenue_ci_high: round(revenue?.high, 2)
        });
      }
    }
    return out;
  });
}
