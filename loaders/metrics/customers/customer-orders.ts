import { memoized, type TableContext } from "../../warehouse/context.js";

/**
 * Each customer's orders summed once per session (temp table `customer_orders`): RFM, the
 * value concentration curve, the retention levers and churn read one row per customer instead
 * of each scanning the orders. Purchases are orders with amount ≥ 0; revenue is net of
 * refunds; margin sums amount − cost over orders with a cost; categories counts the distinct
 * product categories bought (NULL without a products export naming them).
 */
export function prepareCustomerOrders(context: TableContext): Promise<void> {
  return memoized(context, "customer-orders", async () => {
    const margin = context.schema.has("orders", "cost") ? "sum(o.amount - o.cost)" : "NULL::DECIMAL(38,2)";
    const { categories, join } = await categoriesBought(context);
    await context.db.run(`
      CREATE OR REPLACE TEMP TABLE customer_orders AS
      SELECT o.customer_id, min(o.ordered_at) AS first_order, max(o.ordered_at) AS last_order,
             min(o.ordered_at) FILTER (WHERE o.amount >= 0) AS first_purchase, max(o.ordered_at) FILTER (WHERE o.amount >= 0) AS last_purchase,
             count(*) FILTER (WHERE o.amount >= 0) AS purchases, sum(o.amount) AS revenue, ${margin} AS margin, ${categories} AS categories
      FROM orders o ${join}
      GROUP BY o.customer_id`);
  });
}

/**
 * How many distinct product categories a customer bought from, over orders `o`. With up to 63
 * categories, each is a bit and a customer's categories are the bits set in the OR of their
 * orders' (half the time of counting distinct texts per customer); beyond, distinct texts.
 */
async function categoriesBought(context: TableContext): Promise<{ categories: string; join: string }> {
  if (!context.schema.has("products", "category") || !context.schema.has("orders", "product_id"))
    return { categories: "NULL::BIGINT", join: "" };
  const [{ n }] = (await context.db.rows<{ n: number }>(`SELECT count(DISTINCT category) AS n FROM products`)) as [
    { n: number }
  ];
  if (n > 63) return { categories: "count(DISTINCT p.category)", join: "LEFT JOIN products p USING (product_id)" };
  return {
    categories: "coalesce(bit_count(bit_or(p.bit)), 0)",
    join: `LEFT JOIN (SELECT product_id, 1::BIGINT << (dense_rank() OVER (ORDER BY category) - 1) AS bit FROM products WHERE category IS NOT NULL) p USING (product_id)`
  };
}
