/** The overview page's headline figures. */
import type { Database } from "../core/db.js";
import { withWarehouse, type FolderOptions } from "../publish/folder.js";
import { tableRows } from "../publish/table-output.js";
import { contextOf } from "../warehouse/context.js";

export interface QuarterRevenue {
  /** Calendar quarter, e.g. `2025-Q3`. */
  quarter: string;
  /** Net revenue: sum of order amounts, refunds (negative amounts) included; currency units. */
  revenue: number;
  /** Sum of costs of the orders that have one; null without a cost column. */
  cost: number | null;
  /** Revenue minus cost over the orders that have a cost; null without a cost column. */
  gross_margin: number | null;
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
  /** Date of the last order (without orders: of the last response, closed deal or ticket): the "as of" date of the figures; null in a folder with no dates. */
  asOf: string | null;
  /** Rows of the customers export; without one, distinct customers in the orders. */
  customers: number;
  /** Net revenue over the whole history, currency units. */
  revenue: number;
  orders: number;
  respondents: number;
  /** Input rows rejected by ingest, over all files. */
  rejectedRows: number;
  revenueByQuarter: QuarterRevenue[];
  responsesByWave: WaveResponses[];
}

/** Headline figures of a warehouse: the revenue-by-quarter and responses-by-wave tables, and totals. */
export async function overviewFrom(db: Database): Promise<Overview> {
  const context = await contextOf(db);
  const { schema } = context;
  const revenueByQuarter = await tableRows<QuarterRevenue>(db, "revenue-by-quarter", context);
  const responsesByWave = await tableRows<WaveResponses>(db, "responses-by-wave", context);
  const orders = schema.has("orders");
  // Without orders, the figures are as of the latest date another export holds.
  const dates = [
    schema.has("responses", "responded_at") ? "(SELECT max(responded_at) FROM responses)" : "",
    schema.has("opportunities") ? "(SELECT max(closed_at) FROM opportunities WHERE outcome <> 'open')" : "",
    schema.has("tickets") ? "(SELECT max(opened_at)::DATE FROM tickets)" : ""
  ].filter(Boolean);
  const asOf = orders ? "max(ordered_at)::DATE" : dates.length ? `greatest(${dates.join(", ")})::DATE` : "NULL::DATE";
  const customers = schema.has("customers")
    ? "(SELECT count(*) FROM customers)"
    : orders
      ? "count(DISTINCT customer_id)"
      : "0";
  const [totals] = await db.rows<{
    asOf: string | null;
    customers: number;
    revenue: number;
    orders: number;
    rejectedRows: number;
  }>(`
    SELECT ${asOf} AS asOf, ${customers}::BIGINT AS customers,
           ${orders ? "coalesce(round(sum(amount)::DOUBLE, 2), 0)" : "0::DOUBLE"} AS revenue,
           ${orders ? "count(*) FILTER (WHERE amount >= 0)" : "0"}::BIGINT AS orders,
           coalesce((SELECT sum(rows_rejected) FROM ingest_files), 0)::BIGINT AS rejectedRows
    ${orders ? "FROM orders" : ""}`);
  const respondents = responsesByWave.reduce((sum, wave) => sum + wave.respondents, 0);
  return { ...totals!, respondents, revenueByQuarter, responsesByWave };
}

/** The overview page's figures for a data folder. */
export function overviewOfFolder(dataDir: string, options: FolderOptions = {}): Promise<Overview> {
  return withWarehouse({ ...options, dataDir }, overviewFrom);
}
