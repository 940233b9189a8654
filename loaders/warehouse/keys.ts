/**
 * Every cache key of the project, in one place: the warehouse (what ingest made of the
 * exports), the computed tables beside it, and Framework's cached loader outputs. Each key
 * covers the inputs and all of the code that made the cached thing, so that no edit can reuse
 * a stale result. Kept free of DuckDB and of the computations, so that a loader reading a
 * precomputed table starts fast.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { PUBLISHED_DIR } from "../contract/config.js";
import { LIBRARY_DIR, warehouseDirFrom } from "../core/environment.js";
import { folderFingerprint, folderFingerprintWithout } from "../core/fingerprint.js";
import { moduleClosure } from "../core/import-graph.js";

/** Where warehouses are kept (see `warehouseDirFrom`). */
export const DEFAULT_WAREHOUSE_DIR = warehouseDirFrom();

/** A hash of files' paths (relative to `root`) and contents. */
function contentHash(files: readonly string[], root: string): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(`\n#${relative(root, file)}\n`).update(readFileSync(file));
  return hash.digest("hex");
}

/** The code that ingest runs: every module `ingest.ts` reaches through its imports, by content. */
export function ingestCodeKey(libraryDir = LIBRARY_DIR): string {
  return contentHash(moduleClosure(join(libraryDir, "ingest", "ingest.ts")), libraryDir);
}

/** All of the library's code, by content: the tables' key, since any module may shape a table. */
export function libraryCodeKey(libraryDir = LIBRARY_DIR): string {
  const files = readdirSync(libraryDir, { recursive: true, encoding: "utf-8" })
    .filter((name) => name.endsWith(".ts"))
    .sort()
    .map((name) => join(libraryDir, name));
  return contentHash(files, libraryDir);
}

/**
 * The key of a folder's warehouse: its path and files (names, sizes, modification times),
 * the config among them, and the ingest code itself, so that a change to either rebuilds it.
 * The published snapshot (published/) is left out: ingest never reads it, and recording a
 * quarter must not ingest the exports again.
 */
export function warehouseKey(dataDir: string, libraryDir = LIBRARY_DIR): string {
  return createHash("sha256")
    .update(folderFingerprintWithout(resolve(dataDir), PUBLISHED_DIR))
    .update(ingestCodeKey(libraryDir))
    .digest("hex")
    .slice(0, 16);
}

/** The warehouse of a folder's exports as they are now (whether or not they ingest). */
export function warehousePathOf(dataDir: string, warehouseDir = DEFAULT_WAREHOUSE_DIR): string {
  return join(warehouseDir, `warehouse-${warehouseKey(dataDir)}.duckdb`);
}

/** Which warehouse to read: a data folder's current one, or one pinned by the caller. */
export interface WarehouseLocation {
  dataDir: string;
  /** Where warehouses are kept (default `DEFAULT_WAREHOUSE_DIR`). */
  warehouseDir?: string | undefined;
  /**
   * A warehouse to read instead of the folder's current one: during `npm run dev`, the last
   * that ingested cleanly, so that broken exports leave the last good reports showing.
   */
  pinned?: string | undefined;
}

export function warehousePathFor({ dataDir, warehouseDir, pinned }: WarehouseLocation): string {
  return pinned ?? warehousePathOf(dataDir, warehouseDir);
}

/**
 * Where a warehouse's computed tables are kept: beside it, keyed by the warehouse (the inputs)
 * and the library's code, so a change to either computes them again.
 */
export function tableCacheDirOf(warehousePath: string): string {
  const code = createHash("sha256").update(libraryCodeKey()).digest("hex").slice(0, 12);
  return `${warehousePath.slice(0, -".duckdb".length)}.tables-${code}`;
}

/** The key of Framework's cached loader outputs: the data folder's files and the library's code. */
export function loaderCacheKey(dataDir: string, libraryDir = LIBRARY_DIR): string {
  return createHash("sha256").update(folderFingerprint(dataDir)).update(libraryCodeKey(libraryDir)).digest("hex");
}

/** The files under `dir` (recursively) that `keep` accepts, sorted, as paths. */
function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => keep(relative(dir, file)))
    .sort();
}

/**
 * The key of a built site: the exports (as `folderFingerprint` sees them), the library's code,
 * and, by content, the pages and components (`src/`, Framework's cache aside), the build's
 * own scripts, Framework's config and the lockfile (the vendored browser modules), and where
 * the site is written. A build whose key and output are as the last build left them has
 * nothing to do.
 */
export function siteBuildKey(dataDir: string, projectDir: string, output: string, libraryDir = LIBRARY_DIR): string {
  const files = [
    ...filesUnder(join(projectDir, "src"), (name) => !name.startsWith(".observablehq")),
    ...filesUnder(join(projectDir, "scripts"), () => true),
    join(projectDir, "observablehq.config.ts"),
    join(projectDir, "package-lock.json")
  ];
  return createHash("sha256")
    .update(folderFingerprint(resolve(dataDir)))
    .update(libraryCodeKey(libraryDir))
    .update(contentHash(files, projectDir))
    .update(resolve(output))
    .digest("hex");
}
