import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CONTRACT_VERSION } from "./contract.js";
import { Database } from "./db.js";
import { LIBRARY_DIR } from "./data-folder.js";
import { folderFingerprint } from "./fingerprint.js";
import { ingestFolder, type IngestOptions } from "./ingest/ingest.js";

/** Where warehouses are kept: `CVA_WAREHOUSE` when set, else `.cva/` in the project (git-ignored). */
export const DEFAULT_WAREHOUSE_DIR = process.env.CVA_WAREHOUSE ? resolve(process.env.CVA_WAREHOUSE) : fileURLToPath(new URL("../.cva", import.meta.url));

export interface WarehouseOptions extends IngestOptions {
  dataDir: string;
  warehouseDir?: string;
}

export interface Warehouse {
  path: string;
  /** True when this call ingested the folder; false when an up-to-date warehouse existed. */
  ingested: boolean;
}

/**
 * The key of a folder's warehouse: its path and files (names, sizes, modification times),
 * the config among them, and the ingest code itself, so that a change to either rebuilds it.
 */
export function warehouseKey(dataDir: string): string {
  return createHash("sha256")
    .update(`contract v${CONTRACT_VERSION}\n`)
    .update(folderFingerprint(resolve(dataDir)))
    .update(folderFingerprint(join(LIBRARY_DIR, "ingest")))
    .digest("hex")
    .slice(0, 16);
}

/**
 * Ingests `dataDir` into a DuckDB file once per key. The new warehouse is written under a
 * temporary name and renamed into place only when complete, so a reader never sees half of
 * one and a failed ingest leaves nothing behind; older warehouses are then removed.
 */
export async function ensureWarehouse(options: WarehouseOptions): Promise<Warehouse> {
  const { dataDir, warehouseDir = DEFAULT_WAREHOUSE_DIR } = options;
  const name = `warehouse-${warehouseKey(dataDir)}.duckdb`;
  const path = join(warehouseDir, name);
  if (existsSync(path)) return { path, ingested: false };
  mkdirSync(warehouseDir, { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  const db = await Database.open(temporary);
  try {
    await ingestFolder(db, resolve(dataDir), options);
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
    if (old.startsWith("warehouse-") && old.endsWith(".duckdb") && old !== name) rmSync(join(warehouseDir, old), { force: true });
  }
  return { path, ingested: true };
}

/** The folder's up-to-date warehouse (ingesting it first if needed), opened read-only. */
export async function openWarehouse(options: WarehouseOptions): Promise<Database> {
  const { path } = await ensureWarehouse(options);
  return Database.open(path, { readOnly: true });
}
