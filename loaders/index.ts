/** The CVA Reports library: what the Framework data loaders, the `cva` CLI and the tests call. */
import type { Writable } from "node:stream";
import { Database } from "./db.js";
import { literal } from "./sql.js";
import { configSchema, DEFAULT_CURRENCY, isSurveyConfig } from "./config.js";
import { CONTRACT } from "./contract.js";
import { contextOf } from "./context.js";
import { overviewFrom, type Overview } from "./overview.js";
import { cachedTableFile, readCachedTable } from "./cached-table.js";
import { copyQuery, EXPLORE_TABLES, tableNamed, tableQuery, tableRows, type TableFilters, type TableFormat } from "./tables.js";
import { openWarehouse, type WarehouseOptions } from "./warehouse.js";

export { configJsonSchema, configSchema, parseConfig, readConfig, type Config } from "./config.js";
export { CONTRACT, CONTRACT_VERSION, type ExportName, type FileSpec } from "./contract.js";
export { Database, type Row, type Scalar } from "./db.js";
export { dataFolderFrom, SAMPLE_DATA_DIR } from "./data-folder.js";
export { ingestFolder, type FileSummary, type IngestResult } from "./ingest/ingest.js";
export { formatProblem, IngestError, type Problem } from "./ingest/problems.js";
export { overviewFrom, type Overview, type QuarterRevenue, type WaveResponses } from "./overview.js";
export { contextOf, type TableContext } from "./context.js";
export { EXPLORE_TABLES, TABLE_FAMILIES, TABLE_FORMATS, TABLES, tableNamed, tableRows, writeTable, type TableFilters, type TableFormat } from "./tables.js";
export { DEFAULT_WAREHOUSE_DIR, ensureWarehouse, openWarehouse, type WarehouseOptions } from "./warehouse.js";
export { precomputeTables } from "./table-cache.js";

/** Runs `task` on the folder's up-to-date warehouse (ingesting first if needed), then closes it. */
export async function withWarehouse<T>(options: WarehouseOptions, task: (db: Database) => Promise<T>): Promise<T> {
  const db = await openWarehouse(options);
  try {
    return await task(db);
  } finally {
    db.close();
  }
}

/** The overview page's figures for a data folder. */
export function overviewOfFolder(dataDir: string, options: Omit<WarehouseOptions, "dataDir"> = {}): Promise<Overview> {
  return withWarehouse({ ...options, dataDir }, overviewFrom);
}

/**
 * What pages need of the config: brands, attributes, fair-value line, cell size. Without a
 * survey config, `survey` is false and the brands and attributes are empty, so that a survey
 * page in a CRM-only folder draws nothing rather than failing (it says which export it needs).
 */
export function surveyConfigOfFolder(dataDir: string, options: Omit<WarehouseOptions, "dataDir"> = {}) {
  return withWarehouse({ ...options, dataDir }, async (db) => {
    const { config } = await contextOf(db);
    const { minCellSize, fairValue, currency, scales } = config ?? configSchema.parse({});
    if (!isSurveyConfig(config)) return { survey: false, brand: "", competitors: [] as string[], attributes: [], minCellSize, fairValue, currency, scales };
    const { brand, competitors, attributes } = config;
    return { survey: true, brand, competitors, attributes, minCellSize, fairValue, currency, scales };
  });
}

/**
 * What every page needs, survey or not: the reports' currency, the answer scales, and the
 * inputs the folder holds (`orders`, `responses.overall_satisfaction`), so a page can say
 * which export would bring a report it cannot show.
 */
export function reportConfigOfFolder(dataDir: string, options: Omit<WarehouseOptions, "dataDir"> = {}) {
  return withWarehouse({ ...options, dataDir }, async (db) => {
    const { config } = await contextOf(db);
    const exports = CONTRACT.map((spec) => spec.name);
    const columns = await db.rows<{ t: string; c: string }>(`
      SELECT table_name AS t, column_name AS c FROM duckdb_columns() WHERE schema_name = 'main' AND table_name IN (${exports.map(literal).join(", ")}) ORDER BY ALL`);
    const inputs = [...new Set(columns.flatMap(({ t, c }) => [t, `${t}.${c}`]))];
    return { currency: config?.currency ?? DEFAULT_CURRENCY, scales: config?.scales ?? configSchema.parse({}).scales, inputs };
  });
}

/** The name of a table in the explore page's SQL: `rfm-segments` is `rfm_segments`. */
export function sqlTableName(name: string): string {
  return name.replaceAll("-", "_");
}

/** The tables on the explore page, by their SQL name, with what each holds. */
export function exploreTableList(): { table: string; description: string }[] {
  return EXPLORE_TABLES.map((t) => ({ table: sqlTableName(t.name), description: t.description }));
}

/** A table's rows for a data folder, as JSON-ready objects (from the precomputed cache when current). */
export async function tableOfFolder(dataDir: string, name: string, options: Omit<WarehouseOptions, "dataDir"> = {}) {
  tableNamed(name);
  return readCachedTable(dataDir, name, options.warehouseDir) ?? withWarehouse({ ...options, dataDir }, (db) => tableRows(db, name));
}

/**
 * Runs `task` on a table of a data folder as a query: over its precomputed Parquet, in an
 * in-memory DuckDB, when current; else computed on the folder's warehouse.
 */
async function withTableQuery<T>(dataDir: string, name: string, options: Omit<WarehouseOptions, "dataDir">, task: (db: Database, query: string) => Promise<T>): Promise<T> {
  tableNamed(name);
  const cached = cachedTableFile(dataDir, name, "parquet", options.warehouseDir);
  if (!cached) return withWarehouse({ ...options, dataDir }, async (db) => task(db, (await tableQuery(db, name)).query));
  const db = await Database.open();
  try {
    return await task(db, `SELECT * FROM read_parquet(${literal(cached)})`);
  } finally {
    db.close();
  }
}

/** A table's column names for a data folder. */
export async function tableColumnsOfFolder(dataDir: string, name: string, options: Omit<WarehouseOptions, "dataDir"> = {}): Promise<string[]> {
  return withTableQuery(dataDir, name, options, async (db, query) => (await db.columns(query)).map((c) => c.name));
}

/**
 * Writes a table of a data folder to a stream or file, as `cva table` does, filtered to a wave
 * and/or segment if asked; from the precomputed copy when current. Returns the rows written.
 */
export function writeTableOfFolder(dataDir: string, name: string, format: TableFormat, target: { out: string } | { stream: Writable }, options: Omit<WarehouseOptions, "dataDir"> & TableFilters = {}): Promise<number> {
  return withTableQuery(dataDir, name, options, (db, query) => copyQuery(db, name, query, format, target, options));
}
