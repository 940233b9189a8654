import { memoized, type TableContext } from "../../warehouse/context.js";

/**
 * Each customer's orders summed once per session (temp table `customer_orders`): RFM, the
 * value concentration curve, the retention levers and churn read one row per customer instead
 * of each scanning the orders. Purchases are orders with amount ≥ 0; revenue is net of
 * refunds; margin sums amount − cost over orders with a cost.
 */
export function prepareCustomerOrders(context: TableContext): Promise<void> {
  return memoized(context, "customer-orders", async () => {
    const margin = context.schema.has("orders", "cost") ? "sum(o.amount - o.cost)" : "NULL::DECIMAL(38,2)";
    await context.db.run(`
      CREATE OR REPLACE TEMP TABLE customer_orders AS
      SELECT o.customer_id, min(o.ordered_at) AS first_order, max(o.ordered_at) AS last_order,
             min(o.ordered_at) FILTER (WHERE o.amount >= 0) AS first_purchase, max(o.ordered_at) FILTER (WHERE o.amount >= 0) AS last_purchase,
             count(*) FILTER (WHERE o.amount >= 0) AS purchases, sum(o.amount) AS revenue, ${margin} AS margin
      FROM orders o
      GROUP BY o.customer_id`);
  });
}
