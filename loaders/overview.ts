import type { Database } from "./db.js";

export interface QuarterRevenue {
  /** Calendar quarter, e.g. `2025-Q3`. */
  quarter: string;
  /** Net revenue: sum of order amounts, refunds (negative amounts) included; currency units. */
  revenue: number;
  /** Orders placed, refund rows excluded. */
  orders: number;
  /** Distinct customers with at least one order (not refund) in the quarter. */
  customers: number;
}

export interface WaveResponses {
  wave: string;
  respondents: number;
  /** Respondents whose customer_id links them to a CRM customer. */
  linked: number;
}

export interface Overview {
  /** Date of the last order in the export: the "as of" date of the figures. */
  asOf: string;
  customers: number;
  /** Net revenue over the whole history, currency units. */
  revenue: number;
  orders: number;
  respondents: number;
  revenueByQuarter: QuarterRevenue[];
  responsesByWave: WaveResponses[];
}

/**
 * Headline figures across the CRM and survey exports. Expects views `customers`, `orders` and
 * `responses` (see `attachExports`). Each export is scanned once: the totals are sums of the
 * per-quarter and per-wave aggregates.
 */
export async function overviewFrom(db: Database): Promise<Overview> {
  await db.run(`
    CREATE OR REPLACE TEMP TABLE overview_quarters AS
    SELECT strftime(ordered_at, '%Y') || '-Q' || quarter(ordered_at) AS quarter,
           sum(amount) AS revenue,
           count(*) FILTER (WHERE amount >= 0) AS orders,
           count(DISTINCT customer_id) FILTER (WHERE amount >= 0) AS customers,
           max(ordered_at) AS last_order
    FROM orders GROUP BY ALL`);
  const revenueByQuarter = await db.rows<QuarterRevenue & Record<string, number | string>>(`
    SELECT quarter, round(revenue::DOUBLE, 2) AS revenue, orders::INTEGER AS orders, customers::INTEGER AS customers
    FROM overview_quarters ORDER BY quarter`);
  const responsesByWave = await db.rows<WaveResponses & Record<string, number | string>>(`
    SELECT wave, count(*)::INTEGER AS respondents, count(customer_id)::INTEGER AS linked
    FROM responses GROUP BY ALL ORDER BY wave`);
  const [totals] = await db.rows<{ asOf: string; customers: number; revenue: number; orders: number }>(`
    SELECT max(last_order)::DATE AS asOf,
           (SELECT count(*) FROM customers)::INTEGER AS customers,
           round(sum(revenue)::DOUBLE, 2) AS revenue,
           sum(orders)::INTEGER AS orders
    FROM overview_quarters`);
  const respondents = responsesByWave.reduce((sum, wave) => sum + wave.respondents, 0);
  return { ...totals!, respondents, revenueByQuarter, responsesByWave };
}
