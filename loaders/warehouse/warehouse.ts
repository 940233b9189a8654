import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { UsageError } from "../core/errors.js";
import { basename, join, resolve } from "node:path";
import { Database } from "../core/db.js";
import { ingestFolder, type IngestOptions } from "../ingest/ingest.js";
import { pseudonymSecretOf } from "../ingest/pseudonyms.js";
import { DEFAULT_WAREHOUSE_DIR, warehousePathOf, type WarehouseLocation } from "./keys.js";

export { DEFAULT_WAREHOUSE_DIR, warehouseKey } from "./keys.js";

export interface WarehouseOptions extends IngestOptions, WarehouseLocation {}

export interface Warehouse {
  path: string;
  /** True when this call ingested the folder; false when an up-to-date warehouse existed. */
  ingested: boolean;
}

/**
 * Ingests `dataDir` into a DuckDB file once per key. The new warehouse is written under a
 * temporary name and renamed into place only when complete, so a reader never sees half of
 * one and a failed ingest leaves nothing behind; older warehouses are then removed.
 */
export async function ensureWarehouse(options: WarehouseOptions): Promise<Warehouse> {
  const { dataDir, warehouseDir = DEFAULT_WAREHOUSE_DIR, pinned } = options;
  if (pinned) return { path: pinned, ingested: false };
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new UsageError(
      `no data folder at ${resolve(dataDir)}: give --data DIR (or CVA_DATA) naming the folder of exports`
    );
  }
  const path = warehousePathOf(dataDir, warehouseDir);
  const name = basename(path);
  if (existsSync(path)) return { path, ingested: false };
  mkdirSync(warehouseDir, { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  const db = await Database.open(temporary);
  try {
    await ingestFolder(db, resolve(dataDir), { ...options, pseudonymSecret: pseudonymSecretOf(warehouseDir) });
  } catch (error) {
    db.close();
    rmSync(temporary, { force: true });
    rmSync(`${temporary}.wal`, { force: true });
    throw error;
  }
  await db.run("CHECKPOINT");
  db.close();
  renameSync(temporary, path);
  for (const old of readdirSync(warehouseDir)) {
    if (old.startsWith("warehouse-") && old.endsWith(".duckdb") && old !== name)
      rmSync(join(warehouseDir, old), { force: true });
  }
  return { path, ingested: true };
}

/** The folder's up-to-date warehouse (ingesting it first if needed), opened read-only. */
export async function openWarehouse(options: WarehouseOptions): Promise<Database> {
  const { path } = await ensureWarehouse(options);
  return Database.open(path, { readOnly: true });
}
