/**
 * How a table is declared: once, with its columns, by the family that computes it. A table is
 * one of three kinds, told apart by `kind`: one SQL query over the warehouse (`query`), rows
 * computed in JavaScript from small aggregates (`compute`, whose rows the columns type), or a
 * row per customer from temporary tables it prepares (`prepare`, never precomputed for pages).
 */
import { identifier } from "../core/sql.js";
import type { TableContext, WarehouseSchema } from "../warehouse/context.js";

export type ColumnType = "VARCHAR" | "DOUBLE" | "BIGINT" | "BOOLEAN";
/** A column: its name and type, and `NULL` when a row may lack its value. */
export type Column = readonly [string, ColumnType] | readonly [string, ColumnType, typeof NULL];
export type Columns = readonly Column[];

type ValueOf<T extends ColumnType> = T extends "VARCHAR" ? string : T extends "BOOLEAN" ? boolean : number;

type CellOf<K extends Column> = K extends readonly [string, infer T extends ColumnType, typeof NULL]
  ? ValueOf<T> | null
  : ValueOf<K[1]>;

/** A row of a table with `columns`: every column present, of its type (or null where marked `NULL`). */
export type RowOf<C extends Columns> = { [K in C[number] as K[0]]: CellOf<K> };

interface TableBase<C extends Columns> {
  name: string;
  /** One line, shown by `cva tables`. */
  description: string;
  columns: C;
  /**
   * The exports (`orders`) and columns (`responses.overall_satisfaction`) the table is made
   * from: without one of them it is empty, and `missingInputs` says which is missing.
   */
  needs?: readonly string[];
  /**
   * Rows that are not aggregates (a customer, a rejected input row, a comment): left out of the
   * tables published for ad-hoc SQL on the explore page.
   */
  rowLevel?: boolean;
  /** A row per customer: too large to precompute for the site, which reads summaries. */
  large?: boolean;
}

export interface QueryTable<C extends Columns = Columns> extends TableBase<C> {
  kind: "query";
  query(schema: WarehouseSchema): string;
}

export interface ComputedTable<C extends Columns = Columns> extends TableBase<C> {
  kind: "compute";
  compute(context: TableContext): Promise<readonly RowOf<C>[]>;
}

export interface PreparedTable<C extends Columns = Columns> extends TableBase<C> {
  kind: "prepare";
  /** Prepares temporary tables, then returns the query DuckDB runs (null: nothing to compute). */
  prepare(context: TableContext): Promise<string | null>;
}

export type TableDefinition = QueryTable | ComputedTable | PreparedTable;

type Spec<T> = Omit<T, "kind">;

/** Declares a table; the computation's rows are checked against the columns by the compiler. */
export function defineTable<const C extends Columns>(
  spec: Spec<QueryTable<C>> | Spec<ComputedTable<C>> | Spec<PreparedTable<C>>
): TableDefinition {
  const kind = "query" in spec ? "query" : "compute" in spec ? "compute" : "prepare";
  return { ...spec, kind } as unknown as TableDefinition;
}

/** The table's inputs that the warehouse lacks (see `needs`). */
export function missingInputs(table: TableDefinition, schema: WarehouseSchema): string[] {
  return (table.needs ?? []).filter((need) => {
    const [name, column] = need.split(".");
    return !schema.has(name!, column);
  });
}

/** A table with nothing to compute: no row, the declared columns. */
export function emptyQuery(table: TableDefinition): string {
  return `SELECT ${table.columns.map(([c, t]) => `NULL::${t} AS ${identifier(c)}`).join(", ")} WHERE false`;
}

/** Column type shorthands for the families' declarations; `NULL` marks a column that may be null. */
export const NULL = "null";
export const V = "VARCHAR",
  D = "DOUBLE",
  I = "BIGINT",
  B = "BOOLEAN";
