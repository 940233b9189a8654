/**
 * A table's output: its rows as JSON-ready objects, or DuckDB's COPY of it to CSV, JSON or
 * Parquet, filtered to a wave or segment; CSV made safe to open in a spreadsheet.
 */
import { copyFileSync, createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Writable } from "node:stream";
import type { Database, Row } from "../core/db.js";
import { CvaError, noFilterColumn } from "../core/errors.js";
import { identifier, literal } from "../core/sql.js";
import { tableNamed } from "../metrics/registry.js";
import { emptyQuery, missingInputs, type TableDefinition } from "../metrics/table.js";
import { contextOf, type TableContext } from "../warehouse/context.js";

/** A failure inside a table's computation, named after the table (a user's mistake passes as it is). */
async function namedAfter<T>(name: string, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    if (error instanceof CvaError || !(error instanceof Error)) throw error;
    throw new Error(`table ${name}: ${error.message}`, { cause: error });
  }
}

/** A table's rows as JSON-ready objects (for small tables: the loaders' JSON outputs). */
export function tableRows<T = Row>(db: Database, name: string, context?: TableContext): Promise<T[]> {
  return namedAfter(name, () => computeRows<T>(db, name, context));
}

async function computeRows<T>(db: Database, name: string, context?: TableContext): Promise<T[]> {
  const table = tableNamed(name);
  const ctx = context ?? (await contextOf(db));
  if (missingInputs(table, ctx.schema).length) return [];
  switch (table.kind) {
    case "query":
      return db.rows<T>(table.query(ctx.schema));
    case "prepare": {
      const sql = await table.prepare(ctx);
      return sql ? db.rows<T>(sql) : [];
    }
    case "compute":
      return (await table.compute(ctx)) as T[];
  }
}

export type TableFormat = "csv" | "json" | "parquet";
export const TABLE_FORMATS: readonly TableFormat[] = ["csv", "json", "parquet"];

/** Keeps the rows of one wave and/or segment (`--wave`, `--segment` of every loader). */
export interface TableFilters {
  wave?: string | undefined;
  segment?: string | undefined;
}

const COPY_OPTIONS: Record<TableFormat, string> = {
  csv: "FORMAT csv, HEADER true",
  json: "FORMAT json, ARRAY true",
  parquet: "FORMAT parquet, COMPRESSION zstd"
};

/**
 * A table as a query DuckDB can copy: a query table's own SQL, a per-customer table's
 * prepared query, or a computed table's rows (small by construction) appended to a temporary
 * table. `rows` are the computed rows when there were any, so a caller needing both computes once.
 */
export function tableQuery(
  db: Database,
  name: string,
  context?: TableContext
): Promise<{ query: string; rows?: readonly object[] }> {
  return namedAfter(name, () => computeQuery(db, name, context));
}

async function computeQuery(
  db: Database,
  name: string,
  context?: TableContext
): Promise<{ query: string; rows?: readonly object[] }> {
  const table = tableNamed(name);
  const ctx = context ?? (await contextOf(db));
  if (missingInputs(table, ctx.schema).length) return { query: emptyQuery(table), rows: [] };
  switch (table.kind) {
    case "query":
      return { query: table.query(ctx.schema) };
    case "prepare":
      return { query: (await table.prepare(ctx)) ?? emptyQuery(table) };
    case "compute": {
      const rows = await table.compute(ctx);
      return { query: await materialize(db, table, rows), rows };
    }
  }
}

/**
 * Writes a table in `format` to the file `out`, or to `stream` when no file is named. DuckDB
 * writes it (COPY): a query table streams through without becoming JS objects.
 */
export async function writeTable(
  db: Database,
  name: string,
  format: TableFormat,
  target: { out: string } | { stream: Writable },
  filters: TableFilters = {}
): Promise<number> {
  const { query } = await tableQuery(db, name);
  return copyQuery(db, name, query, format, target, filters);
}

/**
 * Copies the rows of `query` (the table `name`), filtered, to `target` in `format`; CSV made
 * safe to open in a spreadsheet. A filter on a column the table lacks is an error, not a no-op.
 * Returns the number of rows written.
 */
export function copyQuery(
  db: Database,
  name: string,
  query: string,
  format: TableFormat,
  target: { out: string } | { stream: Writable },
  filters: TableFilters = {}
): Promise<number> {
  return namedAfter(name, () => copyRows(db, name, query, format, target, filters));
}

async function copyRows(
  db: Database,
  name: string,
  query: string,
  format: TableFormat,
  target: { out: string } | { stream: Writable },
  filters: TableFilters
): Promise<number> {
  const source = await filtered(db, name, query, filters);
  const scratch = mkdtempSync(join(tmpdir(), "cva-table-"));
  const file = join(scratch, `${name}.${format}`);
  try {
    const [copied] = await db.rows<{ Count: number }>(
      `COPY (${format === "csv" ? await spreadsheetSafe(db, source) : source}) TO ${literal(file)} (${COPY_OPTIONS[format]})`
    );
    if ("out" in target) copyFileSync(file, target.out);
    else await pipeline(createReadStream(file), target.stream, { end: false });
    return copied?.Count ?? 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function filtered(db: Database, name: string, query: string, filters: TableFilters): Promise<string> {
  const conditions = (["wave", "segment"] as const).filter((column) => filters[column] !== undefined);
  if (!conditions.length) return query;
  const columns = (await db.columns(query)).map((c) => c.name);
  for (const column of conditions) {
    if (!columns.includes(column)) throw noFilterColumn(name, column);
  }
  return `SELECT * FROM (${query}) WHERE ${conditions.map((column) => `${identifier(column)} = ${literal(filters[column]!)}`).join(" AND ")}`;
}

/**
 * The query with every text cell that a spreadsheet would run as a formula (starting with =,
 * +, -, @, tab or carriage return) prefixed with an apostrophe: exports carry what customers
 * typed, and a CSV is opened in Excel. Numbers are left alone, so negative amounts stay numbers.
 */
async function spreadsheetSafe(db: Database, query: string): Promise<string> {
  const columns = await db.columns(query);
  const cells = columns.map(({ name, type }) => {
    const c = identifier(name);
    return type === "VARCHAR"
      ? `CASE WHEN regexp_matches(${c}, '^[=+\\-@\\t\\r]') THEN concat(chr(39), ${c}) ELSE ${c} END AS ${c}`
      : c;
  });
  return `SELECT ${cells.join(", ")} FROM (${query})`;
}

/** Appends computed rows to a temporary table with the table's declared columns; returns a query of it. */
async function materialize(db: Database, table: TableDefinition, rows: readonly object[]): Promise<string> {
  const temp = `table_${table.name.replaceAll("-", "_")}`;
  const { columns } = table;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${identifier(temp)} (${columns.map(([c, t]) => `${identifier(c)} ${t}`).join(", ")})`
  );
  const appender = await db.connection.createAppender(temp, "main", "temp");
  for (const row of rows as Record<string, unknown>[]) {
    for (const [column, type] of columns) {
      const value = row[column];
      if (value === null || value === undefined) appender.appendNull();
      else if (type === "VARCHAR") appender.appendVarchar(String(value));
      else if (type === "DOUBLE") appender.appendDouble(Number(value));
      else if (type === "BIGINT") appender.appendBigInt(BigInt(value as number));
      else appender.appendBoolean(Boolean(value));
    }
    appender.endRow();
  }
  appender.closeSync();
  return `SELECT * FROM temp.${identifier(temp)}`;
}
