/**
 * Everything the library reads from the process environment, read here and nowhere else, so
 * that what a run depends on can be seen in one place (and a test can pass its own).
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** This library's folder. */
export const LIBRARY_DIR = fileURLToPath(new URL("..", import.meta.url));

/** The bundled sample exports, next to this library. */
export const SAMPLE_DATA_DIR = fileURLToPath(new URL("../../data", import.meta.url));

/** The environment variable naming the dev preview's state file (set by `npm run dev` only). */
export const PREVIEW_STATE_ENV = "CVA_PREVIEW_STATE";

type Env = Record<string, string | undefined>;

/**
 * The data folder every report reads: `CVA_DATA` when set (relative to the working
 * directory), the bundled sample data otherwise.
 */
export function dataFolderFrom(env: Env = process.env): string {
  return env.CVA_DATA ? resolve(env.CVA_DATA) : SAMPLE_DATA_DIR;
}

/** Where warehouses are kept: `CVA_WAREHOUSE` when set, else `.cva/` in the project (git-ignored). */
export function warehouseDirFrom(env: Env = process.env): string {
  return env.CVA_WAREHOUSE ? resolve(env.CVA_WAREHOUSE) : fileURLToPath(new URL("../../.cva", import.meta.url));
}

/** DuckDB's memory cap: `CVA_MEMORY_LIMIT`, else 2.5GB (it spills to disk beyond). */
export function memoryLimitFrom(env: Env = process.env): string {
  return env.CVA_MEMORY_LIMIT ?? "2.5GB";
}

/** `CVA_DEBUG=1`: failures print their stack and the SQL that failed. */
export function debugFrom(env: Env = process.env): boolean {
  return Boolean(env.CVA_DEBUG);
}

/** The dev preview's state file, when the process runs under `npm run dev`. */
export function previewStateFileFrom(env: Env = process.env): string | undefined {
  return env[PREVIEW_STATE_ENV] || undefined;
}
