import { B, D, I, NULL, V, type RowOf } from "../table.js";
import { isNpsScale } from "../../contract/config.js";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { normalInterval, welchTest, wilsonInterval } from "../../core/stats/intervals.js";
import { ALL_WAVES } from "../survey/survey-cells.js";
import { drivers } from "./drivers.js";
import { isDetractor, recommendGroupSql } from "../survey/recommend-groups.js";

/** Actual behaviour is observed over the days after a response: the following two quarters. */
export const FOLLOW_UP_DAYS = 180;
/**
 * Retained = still buying in the second of those quarters (days 91-180). "Any order within
 * 180 days" would count most customers who leave in those months as retained.
 */
export const RETAINED_AFTER_DAYS = 90;

export type LoyaltyGroup = "promoter" | "passive" | "detractor";

export const LOYALTY_GROUP_COLUMNS = [
  ["group", V],
  /**
   * Linked respondents whose follow-up window ended before the last order in the export; null,
   * as every figure of the row, when fewer than minCellSize (`suppressed`).
   */
  ["n", I, NULL],
  /** Share who ordered between RETAINED_AFTER_DAYS and FOLLOW_UP_DAYS after responding. */
  ["retention", D, NULL],
  ["retention_ci_low", D, NULL],
  ["retention_ci_high", D, NULL],
  /** Mean net revenue per respondent over the window (refunds deducted), currency. */
  ["revenue", D, NULL],
  ["revenue_ci_low", D, NULL],
  ["revenue_ci_high", D, NULL],
  /** Mean gross margin (amount − cost) per respondent over the window; null without costs. */
  ["margin", D, NULL],
  ["suppressed", B]
] as const;

export type LoyaltyGroupRow = RowOf<typeof LOYALTY_GROUP_COLUMNS>;

// Respondents without an answer never reach the linkage: they are filtered out before grouping.
const GROUP_SQL = recommendGroupSql("likelihood_to_recommend");

/**
 * Stated loyalty against actual behaviour: survey respondents linked to the CRM by
 * customer_id, grouped by their answer to likelihood to recommend, and what they bought in
 * the FOLLOW_UP_DAYS after they answered.
 */
export function loyaltyGroups(context: TableContext): Promise<LoyaltyGroupRow[]> {
  return memoized(context, "loyalty-groups", async () => {
    if (
      !hasSurvey(context) ||
      !isNpsScale(context.config) ||
      !context.schema.has("responses", "customer_id") ||
      !context.schema.has("responses", "likelihood_to_recommend") ||
      !context.schema.has("responses", "responded_at")
    )
      return [];
    const cost = context.schema.has("orders", "cost");
    const rows = await context.db.rows<{
      group: LoyaltyGroup;
      n: number;
      retained: number;
      revenue: number;
      revenue_sd: number | null;
      margin: number | null;
    }>(`
      WITH linked AS (
        SELECT respondent_id, wave, customer_id, responded_at, ${GROUP_SQL} AS "group"
        FROM responses
        WHERE customer_id IS NOT NULL AND likelihood_to_recommend IS NOT NULL AND responded_at IS NOT NULL
          AND responded_at + ${FOLLOW_UP_DAYS} <= (SELECT max(ordered_at)::DATE FROM orders)),
      behaviour AS (
        SELECT l.respondent_id, l.wave, l."group",
               count(o.order_id) FILTER (WHERE o.amount >= 0 AND o.ordered_at > l.responded_at + INTERVAL ${RETAINED_AFTER_DAYS} DAY) > 0 AS retained,
               coalesce(sum(o.amount), 0)::DOUBLE AS revenue,
               ${cost ? "coalesce(sum(o.amount - o.cost), 0)::DOUBLE" : "NULL::DOUBLE"} AS margin
        FROM linked l LEFT JOIN orders o
          ON o.customer_id = l.customer_id AND o.ordered_at > l.responded_at AND o.ordered_at <= l.responded_at + INTERVAL ${FOLLOW_UP_DAYS} DAY
        GROUP BY ALL)
      SELECT "group", count(*) AS n, count(*) FILTER (WHERE retained) AS retained, avg(revenue) AS revenue,
             stddev_samp(revenue) AS revenue_sd, avg(margin) AS margin
      FROM behaviour GROUP BY ALL`);
    const order: LoyaltyGroup[] = ["promoter", "passive", "detractor"];
    return rows
      .sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group))
      .map((r) => {
        // The groups share no published total (linked respondents are not a table's All row):
        // the minimum alone protects them.
        if (r.n < context.config.minCellSize)
          return {
            group: r.group,
            ...Object.fromEntries(LOYALTY_GROUP_COLUMNS.slice(1).map(([name]) => [name, null])),
            suppressed: true
          } as LoyaltyGroupRow;
        const retention = wilsonInterval(r.retained, r.n);
        const half = r.n > 1 && r.revenue_sd !== null ? normalInterval(r.revenue, r.revenue_sd / Math.sqrt(r.n)) : null;
        return {
          group: r.group,
          n: r.n,
          retention: round(r.retained / r.n, 4)!,
          retention_ci_low: round(retention?.low, 4),
          retention_ci_high: round(retention?.high, 4),
          revenue: round(r.revenue, 2)!,
          revenue_ci_low: round(half?.low, 2),
          revenue_ci_high: round(half?.high, 2),
          margin: round(r.margin, 2),
          suppressed: false
        };
      });
  });
}

export const LINK_COLUMNS = [
  ["link", I],
  ["from_component", V],
  ["to_component", V],
  ["measure", V],
  ["value", D, NULL],
  ["ci_low", D, NULL],
  ["ci_high", D, NULL],
  ["n", I, NULL],
  ["unit", V]
] as const;

export type LinkRow = RowOf<typeof LINK_COLUMNS>;

/**
 * The customer loyalty model's four components, each link measured: business performance
 * (attribute ratings) → global perceptions (satisfaction) → loyalty behaviours (stated, then
 * actual) → financial outcomes. Link 5 is the revenue at risk from today's detractors.
 */
export function linkage(context: TableContext): Promise<LinkRow[]> {
  return memoized(context, "linkage", async () => {
    if (!hasSurvey(context)) return [];
    const links: LinkRow[] = [];
    const pooled = (await drivers(context)).filter((d) => d.wave === ALL_WAVES);
    if (pooled.length) {
      links.push({
        link: 1,
        from_component: "business performance",
        to_component: "global perceptions",
        measure: "R² of overall satisfaction on our attribute ratings",
        value: pooled[0]!.r_squared,
        ci_low: null,
        ci_high: null,
        n: pooled[0]!.n,
        unit: "share of variance"
      });
    }
    // Without a satisfaction question (an NPS-only survey) there is no link from it to stated loyalty.
    const stated = context.schema.has("responses", "overall_satisfaction")
      ? ["likelihood_to_recommend", "repurchase_intent"].filter((c) => context.schema.has("responses", c))
      : [];
    for (const column of stated) {
      const [r] = await context.db.rows<{ r: number | null; n: number }>(`
        SELECT corr(overall_satisfaction, ${column}) AS r, count(*) FILTER (WHERE overall_satisfaction IS NOT NULL AND ${column} IS NOT NULL) AS n FROM responses`);
      // Fisher z interval of a correlation.
      const z = r?.r != null && r.n > 3 ? normalInterval(Math.atanh(r.r), 1 / Math.sqrt(r.n - 3)) : null;
      links.push({
        link: 2,
        from_component: "global perceptions",
        to_component: "loyalty behaviours (stated)",
        measure: `correlation of overall satisfaction with ${column.replaceAll("_", " ")}`,
        value: round(r?.r, 4),
        ci_low: round(z ? Math.tanh(z.low) : null, 4),
        ci_high: round(z ? Math.tanh(z.high) : null, 4),
        n: r?.n ?? null,
        unit: "correlation"
      });
    }
    const groups = await loyaltyGroups(context);
    const published = (group: LoyaltyGroup) => groups.find((g) => g.group === group && !g.suppressed);
    const promoters = published("promoter") as PublishedGroup | undefined;
    const detractors = published("detractor") as PublishedGroup | undefined;
    if (promoters && detractors) {
      const difference = promoters.retention - detractors.retention;
      const se = Math.sqrt(
        (promoters.retention * (1 - promoters.retention)) / promoters.n +
          (detractors.retention * (1 - detractors.retention)) / detractors.n
      );
      const interval = normalInterval(difference, se);
      links.push({
        link: 3,
        from_component: "loyalty behaviours (stated)",
        to_component: "loyalty behaviours (actual)",
        measure: `still buying ${RETAINED_AFTER_DAYS + 1}-${FOLLOW_UP_DAYS} days after answering, promoters minus detractors`,
        value: round(100 * difference, 2),
        ci_low: round(interval && 100 * interval.low, 2),
        ci_high: round(interval && 100 * interval.high, 2),
        n: promoters.n + detractors.n,
        unit: "percentage points"
      });
      const sd = (g: PublishedGroup) =>
        g.revenue_ci_high === null ? NaN : ((g.revenue_ci_high - g.revenue) / 1.959964) * Math.sqrt(g.n);
      const test = welchTest(
        promoters.revenue,
        sd(promoters),
        promoters.n,
        detractors.revenue,
        sd(detractors),
        detractors.n
      );
      const revenueInterval = test ? normalInterval(test.difference, test.difference / test.t) : null;
      links.push({
        link: 4,
        from_component: "loyalty behaviours (actual)",
        to_component: "financial outcomes",
        measure: `revenue per customer over ${FOLLOW_UP_DAYS} days, promoters minus detractors`,
        value: round(test?.difference, 2),
        ci_low: round(revenueInterval?.low, 2),
        ci_high: round(revenueInterval?.high, 2),
        n: promoters.n + detractors.n,
        unit: "currency"
      });
      const atRisk = await revenueAtRisk(context, difference);
      if (atRisk) links.push(atRisk);
    }
    return links;
  });
}

/** A loyalty group with its figures: not suppressed. */
type PublishedGroup = { [K in keyof LoyaltyGroupRow]: Exclude<LoyaltyGroupRow[K], null> } & {
  retention_ci_high: number | null;
  revenue_ci_high: number | null;
};

/**
 * Detractors in the latest wave, linked to the CRM: their revenue in the 365 days before they
 * answered, times how much less often detractors than promoters keep buying. Fewer than
 * minCellSize detractors publish neither the figure nor their count.
 */
async function revenueAtRisk(context: TableContext, retentionGap: number): Promise<LinkRow | undefined> {
  const [row] = await context.db.rows<{ n: number; revenue: number | null }>(`
    WITH latest AS (SELECT max(wave) AS wave FROM responses),
    detractors AS (SELECT customer_id, responded_at FROM responses
                   WHERE wave = (SELECT wave FROM latest) AND customer_id IS NOT NULL AND responded_at IS NOT NULL AND ${isDetractor("likelihood_to_recommend")})
    SELECT count(DISTINCT d.customer_id) AS n, sum(o.amount)::DOUBLE AS revenue
    FROM detractors d LEFT JOIN orders o ON o.customer_id = d.customer_id AND o.ordered_at <= d.responded_at AND o.ordered_at > d.responded_at - INTERVAL 365 DAY`);
  if (!row?.n) return undefined;
  const suppressed = row.n < context.config!.minCellSize;
  return {
    link: 5,
    from_component: "loyalty behaviours (stated)",
    to_component: "financial outcomes",
    measure:
      "revenue at risk from the latest wave's linked detractors (trailing 12-month revenue × retention gap to promoters)",
    value: suppressed ? null : round((row.revenue ?? 0) * Math.max(0, retentionGap), 2),
    ci_low: null,
    ci_high: null,
    n: suppressed ? null : row.n,
    unit: "currency"
  };
}
