/**
 * Orders exported a row per line item: Shopify's orders export (order fields on the first line
 * only), WooCommerce order exports, invoice lines (UCI Online Retail). The lines of one order
 * become one row of the orders export, numbered by the order's first line, so its rejects
 * name the analyst's own file and line; a line whose quantity or price cannot be read rejects
 * its order, naming that line.
 */
import { readdirSync } from "node:fs";
import { join as pathJoin } from "node:path";
import type { Database } from "../core/db.js";
import { emptyFile, loadRaw, readCsvHeader } from "./read-source.js";
import { identifier, literal } from "../core/sql.js";
import { decimalSql, type ReadConventions } from "./parse.js";
import type { Problem } from "../core/errors.js";
import type { ExportView } from "./export-view.js";
import { SHOPIFY_LINES, lineItemsSchema, type SourceConfig } from "../contract/source-config.js";

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
  db: Database,
  dataDir: string,
  fileName: string,
  lines: LineItems,
  entry: SourceConfig & { index: number },
  lineTable: string,
  lineNames: string[]
): Promise<ExportView> {
  const path = `sources.${entry.index}.lines`;
  const joined = await joinFiles(db, dataDir, fileName, lines, entry.index, lineTable, lineNames);
  if ("problems" in joined) return { columns: [], problems: joined.problems, warnings: [] };
  const { table, names } = joined;
  const mapped = Object.entries(lines).filter((entry): entry is [string, string] => typeof entry[1] === "string");
  const problems: Problem[] = mapped
    .filter(([, column]) => !names.includes(column.toLowerCase()))
    .map(([field, column]) => ({
      file: fileName,
      column: `${path}.${field}`,
      rule: "config",
      message: `${column} is not a column of ${fileName} (found: ${names.join(", ")})`
    }));
  if (problems.length) return { columns: [], problems, warnings: [] };
  const col = (column: string | undefined) =>
    column === undefined ? "NULL::VARCHAR" : identifier(column.toLowerCase());
  const conventions: ReadConventions = { decimal: entry.decimal ?? "." };
  const number = (column: string | undefined) =>
    column === undefined ? "NULL::DECIMAL(18,2)" : decimalSql(col(column), conventions);
  // Amounts are written back as text in the file's own decimal convention: validation reads them like any amount.
  const text = (amount: string) =>
    conventions.decimal === "," ? `replace(CAST(${amount} AS VARCHAR), '.', ',')` : `CAST(${amount} AS VARCHAR)`;
  const firstOf = (column: string) => `arg_min(${column}, _line) FILTER (WHERE ${column} IS NOT NULL)`;
  const unreadable = [
    ["quantity", lines.quantity],
    ["price", lines.price]
  ]
    .filter(([, c]) => c !== undefined)
    .map(([, c]) => `(${col(c)} IS NOT NULL AND ${number(c)} IS NULL)`);
  const bad = unreadable.length ? unreadable.join(" OR ") : "false";
  const badMessage = [lines.quantity, lines.price]
    .filter((c): c is string => c !== undefined)
    .map(
      (c) =>
        `CASE WHEN ${col(c)} IS NOT NULL AND ${number(c)} IS NULL THEN ${literal(`${c} `)} || '"' || ${col(c)} || '" is not a number' END`
    );
  const amount = lines.amount !== undefined ? firstOf("total") : `sum(q * p) - coalesce(${firstOf("discount")}, 0)`;
  await db.run(`CREATE OR REPLACE TEMP VIEW raw_orders AS
    WITH l AS (
      SELECT _line, _row, ${col(lines.order)} AS k, ${col(lines.customer)} AS c, ${col(lines.date)} AS d, ${col(lines.product)} AS product,
             ${col(lines.currency)} AS currency, ${lines.quantity !== undefined ? number(lines.quantity) : "1::DECIMAL(18,2)"} AS q, ${number(lines.price)} AS p, ${number(lines.discount)} AS discount,
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
  const [counts] = await db.rows<{ lines: number; orders: number }>(
    `SELECT (SELECT count(*) FROM ${table})::BIGINT AS lines, count(*)::BIGINT AS orders FROM raw_orders WHERE _row % 2 = 0`
  );
  const columns = ["order_id", "customer_id", "ordered_at", "amount", "quantity", "product_id", "currency"]
    .filter((c) => c !== "product_id" || lines.product !== undefined)
    .filter((c) => c !== "currency" || lines.currency !== undefined);
  return {
    columns,
    problems: [],
    warnings: [
      `${counts!.lines.toLocaleString("en-US")} line items read as ${counts!.orders.toLocaleString("en-US")} orders (each order's rejects name its first line)`,
      ...joined.warnings
    ]
  };
}

/**
 * The lines with the columns of each `join` file added, in order (Olist: the orders file by
 * order_id, then the customers file by customer_id). A joined file's rows that no line
 * matches (an order without items) hold no amount: they are counted in a warning.
 */
async function joinFiles(
  db: Database,
  dataDir: string,
  fileName: string,
  lines: LineItems,
  index: number,
  table: string,
  names: string[]
): Promise<{ table: string; names: string[]; warnings: string[] } | { problems: Problem[] }> {
  let current = table,
    columns = names;
  const warnings: string[] = [];
  for (const [k, join] of lines.join.entries()) {
    const where = `sources.${index}.lines.join.${k}`;
    const found = readdirSync(dataDir).find((f) => f.toLowerCase() === join.file.toLowerCase());
    if (!found)
      return {
        problems: [
          {
            file: join.file,
            column: `${where}.file`,
            rule: "missing-file",
            message: `${fileName}'s lines join ${join.file}, which is not in the data folder`
          }
        ]
      };
    const header = readCsvHeader(pathJoin(dataDir, found));
    if (!header) return { problems: [emptyFile(found, 1)] };
    const joinTable = `lines_${index}_join_${k}`;
    const theirs = await loadRaw(
      db,
      { name: "orders", fileName: found, path: pathJoin(dataDir, found), dataDir, format: "csv" },
      joinTable,
      header
    );
    const on = join.on.toLowerCase();
    if (!columns.includes(on) || !theirs.includes(on)) {
      return {
        problems: [
          {
            file: found,
            column: `${where}.on`,
            rule: "config",
            message: `${join.on} must be a column of both ${found} and the lines (found: ${theirs.join(", ")})`
          }
        ]
      };
    }
    const added = theirs.filter((c) => !columns.includes(c));
    const next = `lines_${index}_joined_${k}`;
    await db.run(`CREATE OR REPLACE TEMP VIEW ${identifier(next)} AS
      SELECT m.*, ${added.map((c) => `j.${identifier(c)}`).join(", ") || "NULL AS _none"} FROM ${current} m
      LEFT JOIN (SELECT ${identifier(on)}, ${added.map((c) => `arg_min(${identifier(c)}, _line) AS ${identifier(c)}`).join(", ") || "NULL AS _none"}
                 FROM ${identifier(joinTable)} GROUP BY ${identifier(on)}) j ON m.${identifier(on)} = j.${identifier(on)}`);
    const [unmatched] = await db.rows<{ n: number }>(`
      SELECT count(*)::BIGINT AS n FROM ${identifier(joinTable)} j WHERE NOT EXISTS (SELECT 1 FROM ${current} m WHERE m.${identifier(on)} = j.${identifier(on)})`);
    if (unmatched!.n)
      warnings.push(
        `${unmatched!.n.toLocaleString("en-US")} row${unmatched!.n === 1 ? "" : "s"} of ${found} match${unmatched!.n === 1 ? "es" : ""} no line by ${join.on}: not read (no line, no amount)`
      );
    current = identifier(next);
    columns = [...columns, ...added];
  }
  return { table: current, names: columns, warnings };
}
