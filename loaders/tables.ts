import { copyFileSync, createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Writable } from "node:stream";
import type { Database, Row } from "./db.js";
import { literal } from "./sql.js";

/** What a warehouse holds, so a table can adapt to optional exports and columns. */
export interface WarehouseSchema {
  has(table: string, column?: string): boolean;
}

export interface TableDefinition {
  name: string;
  /** One line, shown by `cva tables`. */
  description: string;
  /** The SQL that computes the table from the warehouse. */
  query(schema: WarehouseSchema): string;
}

const quarterOf = (column: string) => `strftime(${column}, '%Y') || '-Q' || quarter(${column})`;

/**
 * Every table the reports and the CLI can compute. A table is one SQL query over the
 * warehouse, so `cva table` and the site's data loaders run the same SQL and cannot disagree.
 */
export const TABLES: readonly TableDefinition[] = [
  {
    name: "ingest-summary",
    description: "Per export file: rows read, accepted and rejected (read = accepted + rejected), don't-know answers, rejects by rule; and files ignored.",
    query: () => `
      SELECT file, export, format, 'ingested' AS status, rows_read, rows_accepted, rows_rejected, dont_know,
             coalesce((SELECT string_agg(rule || ': ' || n, '; ' ORDER BY n DESC, rule)
                       FROM (SELECT rule, count(DISTINCT line) AS n FROM rejects r WHERE r.file = f.file GROUP BY rule)), '') AS rejected_by_rule
      FROM ingest_files f
      UNION ALL
      SELECT unnest(from_json(ignored_files, '["VARCHAR"]')), NULL, NULL, 'ignored: not part of the data contract', NULL, NULL, NULL, NULL, ''
      FROM ingest_meta
      ORDER BY status, file`
  },
  {
    name: "rejects",
    description: "Every rule an input row broke: file, line, column, value (personal data withheld), rule, message.",
    query: () => `SELECT file, line, "column", value, rule, message FROM rejects ORDER BY file, line, "column", rule`
  },
  {
    name: "rejects-by-rule",
    description: "Rejected rows per file and rule, with the first line and an example message.",
    query: () => `
      SELECT file, rule, count(DISTINCT line) AS rows, min(line) AS first_line, arg_min(message, line) AS example
      FROM rejects GROUP BY ALL ORDER BY file, rows DESC, rule`
  },
  {
    name: "revenue-by-quarter",
    description: "Per calendar quarter: net revenue (refunds deducted), cost and gross margin of orders with a cost, orders, customers buying.",
    query: (schema) => {
      const cost = schema.has("orders", "cost");
      return `
        SELECT ${quarterOf("ordered_at")} AS quarter,
               round(sum(amount)::DOUBLE, 2) AS revenue,
               ${cost ? "round(sum(cost)::DOUBLE, 2)" : "NULL::DOUBLE"} AS cost,
               ${cost ? "round((sum(amount) FILTER (WHERE cost IS NOT NULL) - sum(cost))::DOUBLE, 2)" : "NULL::DOUBLE"} AS gross_margin,
               count(*) FILTER (WHERE amount >= 0) AS orders,
               count(DISTINCT customer_id) FILTER (WHERE amount >= 0) AS customers
        FROM orders GROUP BY ALL ORDER BY quarter`;
    }
  },
  {
    name: "responses-by-wave",
    description: "Per survey wave: respondents, and those linked to a CRM customer by customer_id.",
    query: (schema) =>
      schema.has("responses")
        ? `SELECT wave, count(*) AS respondents, count(customer_id) AS linked FROM responses GROUP BY ALL ORDER BY wave`
        : `SELECT NULL::VARCHAR AS wave, NULL::BIGINT AS respondents, NULL::BIGINT AS linked WHERE false`
  }
];

export function tableNamed(name: string): TableDefinition {
  const table = TABLES.find((t) => t.name === name);
  if (!table) throw new Error(`unknown table ${name}: the tables are ${TABLES.map((t) => t.name).join(", ")}`);
  return table;
}

export async function schemaOf(db: Database): Promise<WarehouseSchema> {
  const columns = await db.rows<{ t: string; c: string }>(`SELECT table_name AS t, column_name AS c FROM duckdb_columns()`);
  const names = new Set(columns.flatMap(({ t, c }) => [t, `${t}.${c}`]));
  return { has: (table, column) => names.has(column ? `${table}.${column}` : table) };
}

/** The SQL of a table over this warehouse. */
export async function tableQuery(db: Database, name: string): Promise<string> {
  return tableNamed(name).query(await schemaOf(db));
}

/** A table's rows as JSON-ready objects (for small tables: the loaders' JSON outputs). */
export async function tableRows<T extends Row = Row>(db: Database, name: string): Promise<T[]> {
  return db.rows<T>(await tableQuery(db, name));
}

export type TableFormat = "csv" | "json" | "parquet";
export const TABLE_FORMATS: readonly TableFormat[] = ["csv", "json", "parquet"];

const COPY_OPTIONS: Record<TableFormat, string> = {
  csv: "FORMAT csv, HEADER true",
  json: "FORMAT json, ARRAY true",
  parquet: "FORMAT parquet, COMPRESSION zstd"
};

/**
 * Writes a table in `format` to the file `out`, or to `stream` when no file is named. DuckDB
 * writes it (COPY), so a table of any size streams through without becoming JS objects.
 */
export async function writeTable(db: Database, name: string, format: TableFormat, target: { out: string } | { stream: Writable }): Promise<void> {
  const sql = await tableQuery(db, name);
  const scratch = mkdtempSync(join(tmpdir(), "cva-table-"));
  const file = join(scratch, `${name}.${format}`);
  try {
    await db.run(`COPY (${sql}) TO ${literal(file)} (${COPY_OPTIONS[format]})`);
    if ("out" in target) copyFileSync(file, target.out);
    else await pipeline(createReadStream(file), target.stream, { end: false });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
