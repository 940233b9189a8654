import { debugFrom, memoryLimitFrom } from "./environment.js";
import {
  DuckDBConnection,
  DuckDBInstance,
  DuckDBTypeId,
  type DuckDBResultReader,
  type DuckDBValue
} from "@duckdb/node-api";

/** A JSON-ready value: what our tables hold once read out of DuckDB. */
export type Scalar = string | number | boolean | null;
export type Row = Record<string, Scalar>;

/**
 * A thin wrapper around one DuckDB connection: open, run, read rows as plain JSON-ready
 * objects, close. Everything heavy happens in SQL; rows only come out of DuckDB once they are
 * aggregates small enough to hand to a page.
 */
export class Database {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection
  ) {}

  /**
   * Opens a database file, or an in-memory database when `path` is omitted. DuckDB's memory
   * is capped (CVA_MEMORY_LIMIT, default 2.5GB; it spills to disk beyond), so that a build on a
   * shared machine stays within a predictable footprint whatever the size of the exports.
   */
  static async open(path = ":memory:", { readOnly = false } = {}): Promise<Database> {
    const options: Record<string, string> = { memory_limit: memoryLimitFrom() };
    if (readOnly) options.access_mode = "READ_ONLY";
    const instance = await DuckDBInstance.create(path, options);
    return new Database(instance, await instance.connect());
  }

  /** Runs statements that return nothing of interest (DDL, COPY, INSERT). */
  async run(sql: string, params?: DuckDBValue[]): Promise<void> {
    await withSql(sql, () => this.connection.run(sql, params));
  }

  /** Runs a query and returns its rows (see `plainRows` for the value conversions). */
  async rows<T = Row>(sql: string, params?: DuckDBValue[]): Promise<T[]> {
    return plainRows(await withSql(sql, () => this.connection.runAndReadAll(sql, params))) as unknown as T[];
  }

  /**
   * A query's columns as Float64Arrays (each column cast to DOUBLE, NULL read as NaN), read a
   * chunk at a time: for a row per customer, where a million rows as objects would be hundreds
   * of megabytes of JavaScript heap and a million doubles are 8 MB.
   */
  async doubleColumns(sql: string): Promise<Float64Array[]> {
    return withSql(sql, async () => {
      const result = await this.connection.stream(sql);
      let columns = Array.from({ length: result.columnCount }, () => new Float64Array(1 << 16));
      let rows = 0;
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        if (rows + chunk.rowCount > columns[0]!.length) {
          const capacity = Math.max(2 * columns[0]!.length, rows + chunk.rowCount);
          columns = columns.map((column) => {
            const grown = new Float64Array(capacity);
            grown.set(column.subarray(0, rows));
            return grown;
          });
        }
        chunk.getColumns().forEach((values, c) => {
          const column = columns[c]!;
          for (let i = 0; i < values.length; i++) column[rows + i] = doubleOf(values[i]!);
        });
        rows += chunk.rowCount;
      }
      return columns.map((column) => column.slice(0, rows));
    });
  }

  /** The columns a query returns (DuckDB's DESCRIBE), in order. */
  async columns(query: string): Promise<{ name: string; type: string }[]> {
    return this.rows<{ name: string; type: string }>(
      `SELECT column_name AS name, column_type AS type FROM (DESCRIBE ${query})`
    );
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** A value of a numeric column as a double; NULL as NaN. */
function doubleOf(value: DuckDBValue): number {
  if (value === null) return NaN;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  throw new Error(`doubleColumns reads numeric columns only, not ${typeof value} values: cast the column to DOUBLE`);
}

/** With `CVA_DEBUG=1`, a failed statement's error carries its SQL: the first thing to look at. */
async function withSql<T>(sql: string, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    if (debugFrom() && error instanceof Error) error.message += `\nSQL: ${sql.trim()}`;
    throw error;
  }
}

/**
 * Rows with JSON-ready values: integers and decimals become numbers (an integer beyond 2^53
 * is an error rather than a silent rounding), dates become `YYYY-MM-DD`, timestamps ISO 8601.
 */
export function plainRows(result: DuckDBResultReader): Row[] {
  const names = result.columnNames();
  const types = result.columnTypes().map((t) => t.typeId);
  return result.getRowObjectsJS().map((row) => {
    const out: Row = {};
    names.forEach((name, i) => {
      out[name] = plainValue(row[name], types[i]!, name);
    });
    return out;
  });
}

function plainValue(value: unknown, type: DuckDBTypeId, column: string): Scalar {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new Error(`column ${column}: integer ${value} is too large to pass as a number`);
    }
    return Number(value);
  }
  if (value instanceof Date) return type === DuckDBTypeId.DATE ? value.toISOString().slice(0, 10) : value.toISOString();
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  throw new Error(`column ${column}: values of type ${DuckDBTypeId[type]} are not supported in tables`);
}
