/**
 * Orders exported a row per line item: Shopify's orders export (order fields on the first line
 * only), WooCommerce order exports, invoice lines (UCI Online Retail). The lines of one order
 * become one row of the orders export, numbered by the order's first line, so its rejects
 * name the analyst's own file and line; a line whose quantity or price cannot be read rejects
 * its order, naming that line.
 */
import type { Database } from "../db.js";
import { identifier, literal } from "../sql.js";
import { decimalSql, type ReadConventions } from "./parse.js";
import type { Problem } from "./problems.js";
import type { ExportView } from "./sources.js";
import { SHOPIFY_LINES, lineItemsSchema, type SourceConfig } from "./source-config.js";

export type LineItems = NonNullable<SourceConfig["lines"]>;

/** The line-item mapping of an entry: its own, else its tool's (Shopify's column names). */
export function lineItemsOf(entry: SourceConfig): LineItems | undefined {
  return entry.lines ?? (entry.format === "shopify" ? lineItemsSchema.parse(SHOPIFY_LINES) : undefined);
}

/**
 * Makes `raw_orders` from the vendor table of a line-item export: one row per order (and one
 * per refund), with `_line` the order's first line (a bad line's, when one rejects it).
 */
export async function lineItemsView(
  db: Database, fileName: string, lines: LineItems, entry: SourceConfig & { index: number }, table: string, names: string[]
): Promise<ExportView> {
  const path = `sources.${entry.index}.lines`;
  const problems: Problem[] = Object.entries(lines).filter(([, column]) => column !== undefined && !names.includes(column.toLowerCase()))
    .map(([field, column]) => ({ file: fileName, column: `${path}.${field}`, rule: "config", message: `${column} is not a column of ${fileName} (found: ${names.join(", ")})` }));
  if (problems.length) return { columns: [], problems, warnings: [] };
  const col = (column: string | undefined) => (column === undefined ? "NULL::VARCHAR" : identifier(column.toLowerCase()));
  const conventions: ReadConventions = { decimal: entry.decimal ?? "." };
  const number = (column: string | undefined) => (column === undefined ? "NULL::DECIMAL(18,2)" : decimalSql(col(column), conventions));
  // Amounts are written back as text in the file's own decimal convention: validation reads them like any amount.
  const text = (amount: string) => (conventions.decimal === "," ? `replace(CAST(${amount} AS VARCHAR), '.', ',')` : `CAST(${amount} AS VARCHAR)`);
  const firstOf = (column: string) => `arg_min(${column}, _line) FILTER (WHERE ${column} IS NOT NULL)`;
  const unreadable = [["quantity", lines.quantity], ["price", lines.price]].filter(([, c]) => c !== undefined)
    .map(([, c]) => `(${col(c)} IS NOT NULL AND ${number(c)} IS NULL)`);
  const bad = unreadable.length ? unreadable.join(" OR ") : "false";
  const badMessage = [lines.quantity, lines.price].filter((c): c is string => c !== undefined)
    .map((c) => `CASE WHEN ${col(c)} IS NOT NULL AND ${number(c)} IS NULL THEN ${literal(`${c} `)} || '"' || ${col(c)} || '" is not a number' END`);
  const amount = lines.amount !== undefined ? firstOf("total") : `sum(q * p) - coalesce(${firstOf("discount")}, 0)`;
  await db.run(`CREATE OR REPLACE TEMP VIEW raw_orders AS
    WITH l AS (
      SELECT _line, _row, ${col(lines.order)} AS k, ${col(lines.customer)} AS c, ${col(lines.date)} AS d, ${col(lines.product)} AS product,
             ${col(lines.currency)} AS currency, ${number(lines.quantity)} AS q, ${number(lines.price)} AS p, ${number(lines.discount)} AS discount,
             ${number(lines.refunded)} AS refunded, ${number(lines.amount)} AS total,
             CASE WHEN ${bad} THEN concat_ws('; ', ${badMessage.join(", ") || "NULL"}) END AS bad
      FROM ${table}),
    o AS (
      SELECT k, min(_line) AS first_line, min(_row) AS first_row, count(*) AS lines, ${firstOf("c")} AS c, ${firstOf("d")} AS d, ${firstOf("currency")} AS currency,
             CASE WHEN count(*) = 1 THEN any_value(product) END AS product, sum(q) AS q, ${amount} AS amount,
             ${firstOf("refunded")} AS refunded, min(_line) FILTER (WHERE bad IS NOT NULL) AS bad_line, arg_min(bad, _line) FILTER (WHERE bad IS NOT NULL) AS bad
      FROM l GROUP BY k, CASE WHEN k IS NULL THEN _row END)
    SELECT coalesce(bad_line, first_line) AS _line, first_row * 2 AS _row, k AS order_id, c AS customer_id, d AS ordered_at,
           CASE WHEN bad IS NULL THEN ${text("amount")} END AS amount, CASE WHEN bad IS NULL THEN CAST(q AS VARCHAR) END AS quantity, product AS product_id, currency,
           CASE WHEN bad IS NOT NULL THEN 'bad-line-item' END AS _reject_rule,
           CASE WHEN bad IS NOT NULL THEN 'line ' || bad_line || ': ' || bad || ': the order is rejected with it' END AS _reject_message
    FROM o
    UNION ALL
    SELECT first_line, first_row * 2 + 1, k || ' (refund)', c, d, ${text("-refunded")}, NULL, NULL, currency, NULL, NULL
    FROM o WHERE refunded > 0 AND bad IS NULL`);
  const [counts] = await db.rows<{ lines: number; orders: number }>(`SELECT (SELECT count(*) FROM ${table})::BIGINT AS lines, count(*)::BIGINT AS orders FROM raw_orders WHERE _row % 2 = 0`);
  const columns = ["order_id", "customer_id", "ordered_at", "amount", "quantity", "product_id", "currency"]
    .filter((c) => c !== "quantity" || lines.quantity !== undefined).filter((c) => c !== "product_id" || lines.product !== undefined).filter((c) => c !== "currency" || lines.currency !== undefined);
  return {
    columns, problems: [],
    warnings: [`${counts!.lines.toLocaleString("en-US")} line items read as ${counts!.orders.toLocaleString("en-US")} orders (each order's rejects name its first line)`]
  };
}
