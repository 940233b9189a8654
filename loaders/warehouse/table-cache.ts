/**
 * The computed tables kept beside a warehouse: written once per build, all or nothing, and
 * read back by the data loaders without loading DuckDB or the computations.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tableCacheDirOf, warehousePathFor, type WarehouseLocation } from "./keys.js";

/** The precomputed file of a table in `format`, if the cache is current. */
export function cachedTableFile(
  location: WarehouseLocation,
  name: string,
  format: "json" | "parquet" | "csv"
): string | undefined {
  const file = join(tableCacheDirOf(warehousePathFor(location)), `${name}.${format}`);
  return existsSync(file) ? file : undefined;
}

/**
 * A table's rows as precomputed for the folder's current warehouse and library code;
 * undefined when there is no such cache (then compute it).
 */
export function readCachedTable(location: WarehouseLocation, name: string): unknown[] | undefined {
  const file = cachedTableFile(location, name, "json");
  return file ? (JSON.parse(readFileSync(file, "utf-8")) as unknown[]) : undefined;
}

/**
 * Writes the table cache of the warehouse at `warehousePath`: `write` puts every table's files
 * into the folder it is given, which replaces the cache only once complete, so a reader never
 * sees half of one. Caches of other warehouses or older code are removed. Returns false (and
 * writes nothing) when the cache is already current.
 */
export async function writeTableCache(warehousePath: string, write: (dir: string) => Promise<void>): Promise<boolean> {
  const dir = tableCacheDirOf(warehousePath);
  if (existsSync(join(dir, "complete"))) return false;
  const scratch = `${dir}.${process.pid}.tmp`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    await write(scratch);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  writeFileSync(join(scratch, "complete"), "");
  rmSync(dir, { recursive: true, force: true });
  renameSync(scratch, dir);
  const folder = dirname(warehousePath);
  for (const entry of readdirSync(folder)) {
    if (entry.includes(".tables-") && join(folder, entry) !== dir && !entry.endsWith(".tmp"))
      rmSync(join(folder, entry), { recursive: true, force: true });
  }
  return true;
}
