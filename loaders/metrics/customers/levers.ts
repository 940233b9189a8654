import { B, D, I, NULL, V, type RowOf } from "../table.js";
import { memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import {
  normalInterval,
  stratifiedProportionTest,
  twoProportionTest,
  wilsonInterval
} from "../../core/stats/intervals.js";
import { prepareCustomerOrders } from "./customer-orders.js";
import { ACTIVATION_DAYS, EXPORT_END, STILL_BUYING_DAYS, unused } from "./activation.js";

/**
 * Cross-sell is judged on what a customer bought in this many days from the first purchase:
 * months before the retention window (the last STILL_BUYING_DAYS days, for customers at least
 * a year old), so staying cannot itself add the categories.
 */
export const EARLY_DAYS = 90;

export type Lever = "rewards programme" | "activation" | "cross-sell";

export const LEVER_COLUMNS = [
  ["lever", V],
  ["group", V],
  ["customers", I],
  /** Share with an order in the last STILL_BUYING_DAYS days of the export. */
  ["retention", D],
  ["ci_low", D, NULL],
  ["ci_high", D, NULL],
  /** Mean net revenue per year of tenure, currency. */
  ["revenue_per_year", D, NULL],
  ["revenue_ci_low", D, NULL],
  ["revenue_ci_high", D, NULL],
  /**
   * On the lever's row (members, first purchase used, several categories): its retention minus
   * the other group's; for cross-sell, the Mantel-Haenszel difference within customers of the
   * same number of early purchases.
   */
  ["difference", D, NULL],
  /** The test of that difference (two-proportion z; Cochran-Mantel-Haenszel for cross-sell); `significant` at 5%. */
  ["p_value", D, NULL],
  ["significant", B, NULL]
] as const;

export type LeverRow = RowOf<typeof LEVER_COLUMNS>;

/**
 * A lever: how it splits customers (an SQL expression, null = not in the comparison), what it
 * joins, the group whose row carries the test, and the strata the test is taken within.
 */
interface LeverSplit {
  lever: Lever;
  group: string;
  tested: string;
  join?: string;
  stratum?: string;
}

export const CROSS_SELL_GROUPS = {
  one: `1 category in the first ${EARLY_DAYS} days`,
  several: `2+ categories in the first ${EARLY_DAYS} days`
};

function leverSplits(context: TableContext): LeverSplit[] {
  const { schema } = context;
  const splits: LeverSplit[] = [];
  if (schema.has("customers", "rewards_member")) {
    splits.push({
      lever: "rewards programme",
      group: `CASE WHEN c.rewards_member THEN 'members' WHEN c.rewards_member = false THEN 'not members' END`,
      tested: "members",
      join: "LEFT JOIN customers c USING (customer_id)"
    });
  }
  if (schema.has("activations", "activated_at")) {
    splits.push({
      lever: "activation",
      group: `CASE WHEN a.unused THEN 'first purchase unused' WHEN NOT a.unused THEN 'first purchase used' END`,
      tested: "first purchase used",
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
      lever: "cross-sell",
      // Customers with one early purchase cannot have bought across categories: left out.
      group: `CASE WHEN e.purchases >= 2 AND e.categories >= 2 THEN '${CROSS_SELL_GROUPS.several}'
                   WHEN e.purchases >= 2 AND e.categories = 1 THEN '${CROSS_SELL_GROUPS.one}' END`,
      tested: CROSS_SELL_GROUPS.several,
      // More early purchases mean more categories and a more frequent buyer, who is more likely
      // to be buying at the end: compared within customers of the same number of early purchases.
      stratum: "e.purchases",
      join: `LEFT JOIN (SELECT o.customer_id, count(p.category) AS purchases, count(DISTINCT p.category) AS categories
                        FROM orders o JOIN lives f USING (customer_id) CROSS JOIN bounds b LEFT JOIN products p USING (product_id)
                        WHERE f.first_day <= b.as_of - 365 AND o.amount >= 0
                          AND o.ordered_at < f.first_purchase + INTERVAL ${EARLY_DAYS} DAY
                        GROUP BY o.customer_id) e USING (customer_id)`
    });
  }
  return splits;
}

/**
 * The retention levers, among customers whose first order is at least a year before the last
 * order in the export: rewards members against the rest; customers whose first purchase to
 * activate was left unused (not activated within 90 days) against those who used it; and
 * customers who bought from one product category in their first 90 days against those who
 * bought from several. Differences are associations: members, users and broad buyers may
 * differ in other ways (the sample builds in such selection). Complaint handling is in the
 * complaint-retention table.
 */
export function levers(context: TableContext): Promise<LeverRow[]> {
  return memoized(context, "levers", async () => {
    const splits = leverSplits(context);
    if (!splits.length) return [];
    // Each customer's first order, last purchase and revenue, for every lever.
    await prepareCustomerOrders(context);
    await context.db.run(`CREATE OR REPLACE TEMP VIEW lever_lives AS
      SELECT customer_id, first_order::DATE AS first_day, first_purchase, last_purchase::DATE AS last_day, revenue::DOUBLE AS revenue FROM customer_orders`);
    const out: LeverRow[] = [];
    for (const split of splits) {
      const from = `WITH ${EXPORT_END}, lives AS (SELECT * FROM lever_lives)
        SELECT ${split.group} AS "group", count(*) AS customers, count(*) FILTER (WHERE l.last_day > b.as_of - ${STILL_BUYING_DAYS}) AS retained`;
      const where = `FROM lives l CROSS JOIN bounds b ${split.join ?? ""} WHERE l.first_day <= b.as_of - 365`;
      const rows = await context.db.rows<{
        group: string;
        customers: number;
        retained: number;
        revenue: number;
        revenue_sd: number | null;
      }>(`${from},
               avg(l.revenue / (date_diff('day', l.first_day, b.as_of) / 365.25)) AS revenue,
               stddev_samp(l.revenue / (date_diff('day', l.first_day, b.as_of) / 365.25)) AS revenue_sd
        ${where} GROUP BY 1 HAVING "group" IS NOT NULL ORDER BY 1`);
      const test = await leverTest(context, split, rows, `${from}, ${split.stratum ?? "0"} AS stratum ${where}`);
      for (const r of rows) {
        const retention = wilsonInterval(r.retained, r.customers);
        const revenue =
          r.customers > 1 && r.revenue_sd !== null
            ? normalInterval(r.revenue, r.revenue_sd / Math.sqrt(r.customers))
            : null;
        const tested = r.group === split.tested ? test : null;
        out.push({
          lever: split.lever,
          group: r.group,
          customers: r.customers,
          retention: round(r.retained / r.customers, 4)!,
          ci_low: round(retention?.low, 4),
          ci_high: round(retention?.high, 4),
          revenue_per_year: round(r.revenue, 2),
          revenue_ci_low: round(revenue?.low, 2),
          revenue_ci_high: round(revenue?.high, 2),
          difference: round(tested?.difference, 4),
          p_value: round(tested?.p, 6),
          significant: tested ? tested.p < 0.05 : null
        });
      }
    }
    return out;
  });
}

/** The lever's test: its group against the other, within strata when the split names them. */
async function leverTest(
  context: TableContext,
  split: LeverSplit,
  groups: readonly { group: string; customers: number; retained: number }[],
  strataQuery: string
): Promise<{ difference: number; p: number } | null> {
  const other = groups.find((g) => g.group !== split.tested);
  const tested = groups.find((g) => g.group === split.tested);
  if (!other || !tested) return null;
  if (!split.stratum) return twoProportionTest(tested.retained, tested.customers, other.retained, other.customers);
  const cells = await context.db.rows<{ group: string; stratum: number; customers: number; retained: number }>(
    `${strataQuery} GROUP BY "group", stratum HAVING "group" IS NOT NULL`
  );
  const strata = new Map<number, { k1: number; n1: number; k2: number; n2: number }>();
  for (const c of cells) {
    const s = strata.get(c.stratum) ?? { k1: 0, n1: 0, k2: 0, n2: 0 };
    if (c.group === split.tested) Object.assign(s, { k1: c.retained, n1: c.customers });
    else Object.assign(s, { k2: c.retained, n2: c.customers });
    strata.set(c.stratum, s);
  }
  return stratifiedProportionTest([...strata.values()]);
}
