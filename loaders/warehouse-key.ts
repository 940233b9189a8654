import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CONTRACT_VERSION } from "./contract.js";
import { LIBRARY_DIR } from "./data-folder.js";
import { folderFingerprint } from "./fingerprint.js";
import { pinnedWarehouse } from "./preview-state.js";

// Kept free of DuckDB and of the computations, so that reading a precomputed table is cheap.

/** Where warehouses are kept: `CVA_WAREHOUSE` when set, else `.cva/` in the project (git-ignored). */
export const DEFAULT_WAREHOUSE_DIR = process.env.CVA_WAREHOUSE ? resolve(process.env.CVA_WAREHOUSE) : fileURLToPath(new URL("../.cva", import.meta.url));

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
 * The warehouse of a folder's current exports; during `npm run dev`, the last one that ingested
 * cleanly (see preview-state.ts), so that broken exports leave the last good reports showing.
 */
export function warehousePathOf(dataDir: string, warehouseDir = DEFAULT_WAREHOUSE_DIR): string {
  return pinnedWarehouse(dataDir) ?? currentWarehousePathOf(dataDir, warehouseDir);
}

/** The warehouse of the folder's exports as they are now (whether or not they ingest). */
export function currentWarehousePathOf(dataDir: string, warehouseDir = DEFAULT_WAREHOUSE_DIR): string {
  return join(warehouseDir, `warehouse-${warehouseKey(dataDir)}.duckdb`);
}

/**
 * Where a warehouse's computed tables are kept: beside it, keyed by the warehouse (the inputs)
 * and the library's code, so a change to either computes them again.
 */
export function tableCacheDirOf(warehousePath: string): string {
  const code = createHash("sha256").update(folderFingerprint(LIBRARY_DIR)).digest("hex").slice(0, 12);
  return `${warehousePath.slice(0, -".duckdb".length)}.tables-${code}`;
}
