import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tableCacheDirOf, warehousePathOf } from "./warehouse-key.js";

/**
 * A table's rows as precomputed for the folder's current warehouse and library code, without
 * loading DuckDB or the computations; undefined when there is no such cache (then compute it).
 */
export function readCachedTable(dataDir: string, name: string, warehouseDir?: string): unknown[] | undefined {
  const file = cachedTableFile(dataDir, name, "json", warehouseDir);
  return file ? (JSON.parse(readFileSync(file, "utf-8")) as unknown[]) : undefined;
}

/** The precomputed file of a table in `format` (json or parquet), if the cache is current. */
export function cachedTableFile(dataDir: string, name: string, format: "json" | "parquet", warehouseDir?: string): string | undefined {
  const file = join(tableCacheDirOf(warehousePathOf(dataDir, warehouseDir)), `${name}.${format}`);
  return existsSync(file) ? file : undefined;
}
