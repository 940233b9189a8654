import { memoized, type TableContext } from "../context.js";

/**
 * Each customer's orders summed once per session (temp table `customer_orders`): RFM, the
 * value concentration curve, the retention levers and churn read one row per customer instead
 * of each scanning the orders. Purchases are orders with amount ≥ 0; revenue is net of
 * refunds; margin sums amount − cost over orders with a cost; categories counts the distinct
 * product categories bought (NULL without a products export naming them).
 */
export function prepareCustomerOrders(context: TableContext): Promise<void> {
  const byCategory = context.schema.has("products", "category") && context.schema.has("orders", "product_id");
  const margin = context.schema.has("orders", "cost") ? "sum(o.amount - o.cost)" : "NULL::DECIMAL(38,2)";
  return memoized(context, "customer-orders", () => context.db.run(`
    CREATE OR REPLACE TEMP TABLE customer_orders AS
    SELECT o.customer_id, min(o.ordered_at) AS first_order, max(o.ordered_at) AS last_order,
           min(o.ordered_at) FILTER (WHERE o.amount >= 0) AS first_purchase, max(o.ordered_at) FILTER (WHERE o.amount >= 0) AS last_purchase,
           count(*) FILTER (WHERE o.amount >= 0) AS purchases, sum(o.amount) AS revenue, ${margin} AS margin,
           ${byCategory ? "count(DISTINCT p.category)" : "NULL::BIGINT"} AS categories
    FROM orders o ${byCategory ? "LEFT JOIN products p USING (product_id)" : ""}
    GROUP BY o.customer_id`));
}
