import { configSchema, isSurveyConfig, type Config, type SurveyConfig } from "../contract/config.js";
import type { Database } from "../core/db.js";

/** What a warehouse holds, so a table can adapt to optional exports and columns. */
export interface WarehouseSchema {
  has(table: string, column?: string): boolean;
}

/** Everything a table computation needs: the warehouse, what it holds, and its config. */
export interface TableContext {
  db: Database;
  schema: WarehouseSchema;
  /** The config the warehouse was ingested with; undefined for a CRM-only folder. */
  config: Config | undefined;
  /** Results shared between tables computed in one session (profiles feed several tables). */
  memo: Map<string, Promise<unknown>>;
}

export async function contextOf(db: Database): Promise<TableContext> {
  const columns = await db.rows<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM duckdb_columns()`
  );
  const names = new Set(columns.flatMap(({ t, c }) => [t, `${t}.${c}`]));
  const schema: WarehouseSchema = { has: (table, column) => names.has(column ? `${table}.${column}` : table) };
  const [meta] = schema.has("ingest_meta")
    ? await db.rows<{ config: string | null }>(`SELECT config FROM ingest_meta`)
    : [];
  const config = meta?.config ? configSchema.parse(JSON.parse(meta.config)) : undefined;
  return { db, schema, config, memo: new Map() };
}

/** Computes `key` once per context. */
export function memoized<T>(context: TableContext, key: string, compute: () => Promise<T>): Promise<T> {
  let result = context.memo.get(key) as Promise<T> | undefined;
  if (!result) context.memo.set(key, (result = compute()));
  return result;
}

/** The context has survey data to analyse: ratings, responses and a config with the survey settings. */
export function hasSurvey(context: TableContext): context is TableContext & { config: SurveyConfig } {
  return isSurveyConfig(context.config) && context.schema.has("ratings") && context.schema.has("responses");
}
