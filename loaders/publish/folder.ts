/**
 * A data folder's tables, as the CLI and the data loaders ask for them: from the precomputed
 * cache when it is current, else computed on the folder's warehouse (ingesting it if needed).
 */
import type { Writable } from "node:stream";
import { Database } from "../core/db.js";
import { literal } from "../core/sql.js";
import { tableNamed } from "../metrics/registry.js";
import { cachedTableFile, readCachedTable } from "../warehouse/table-cache.js";
import { openWarehouse, type WarehouseOptions } from "../warehouse/warehouse.js";
import { copyQuery, tableQuery, tableRows, type TableFilters, type TableFormat } from "./table-output.js";

/** How to reach a folder's warehouse (everything of `WarehouseOptions` but the folder). */
export type FolderOptions = Omit<WarehouseOptions, "dataDir">;

/** Runs `task` on the folder's up-to-date warehouse (ingesting first if needed), then closes it. */
export async function withWarehouse<T>(options: WarehouseOptions, task: (db: Database) => Promise<T>): Promise<T> {
  const db = await openWarehouse(options);
  try {
    return await task(db);
  } finally {
    db.close();
  }
}

/** A table's rows for a data folder, as JSON-ready objects (from the precomputed cache when current). */
export async function tableOfFolder(dataDir: string, name: string, options: FolderOptions = {}) {
  tableNamed(name);
  return (
    readCachedTable({ ...options, dataDir }, name) ??
    withWarehouse({ ...options, dataDir }, (db) => tableRows(db, name))
  );
}

/**
 * Runs `task` on a table of a data folder as a query: over its precomputed Parquet, in an
 * in-memory DuckDB, when current; else computed on the folder's warehouse.
 */
async function withTableQuery<T>(
  dataDir: string,
  name: string,
  options: FolderOptions,
  task: (db: Database, query: string) => Promise<T>
): Promise<T> {
  tableNamed(name);
  const cached = cachedTableFile({ ...options, dataDir }, name, "parquet");
  if (!cached)
    return withWarehouse({ ...options, dataDir }, async (db) => task(db, (await tableQuery(db, name)).query));
  const db = await Database.open();
  try {
    return await task(db, `SELECT * FROM read_parquet(${literal(cached)})`);
  } finally {
    db.close();
  }
}

/** A table's column names for a data folder. */
export async function tableColumnsOfFolder(
  dataDir: string,
  name: string,
  options: FolderOptions = {}
): Promise<string[]> {
  return withTableQuery(dataDir, name, options, async (db, query) => (await db.columns(query)).map((c) => c.name));
}

/**
 * Writes a table of a data folder to a stream or file, as `cva table` does, filtered to a wave
 * and/or segment if asked; from the precomputed copy when current. Returns the rows written.
 */
export function writeTableOfFolder(
  dataDir: string,
  name: string,
  format: TableFormat,
  target: { out: string } | { stream: Writable },
  options: FolderOptions & TableFilters = {}
): Promise<number> {
  return withTableQuery(dataDir, name, options, (db, query) => copyQuery(db, name, query, format, target, options));
}
