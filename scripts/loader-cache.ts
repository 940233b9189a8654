/**
 * Keeps Framework's cached data-loader outputs honest. Framework reuses a loader's cached
 * output while it is newer than the loader's own source file, whatever happened to the exports
 * it reads or the library code it calls. Our loaders all read the data folder through the
 * library in loaders/, so when either changes (which folder, any export's name, size or
 * modification time, or the library's code), their cached outputs are deleted and Framework
 * runs them again.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { LIBRARY_DIR } from "../loaders/core/environment.js";
import { loaderCacheKey } from "../loaders/warehouse/keys.js";

/**
 * Deletes the cached outputs of the loaders in `<root>/data/` when the data folder or the
 * library changed since the last call. Returns whether it did.
 */
export async function invalidateLoaderCache(root: string, dataDir: string, libraryDir = LIBRARY_DIR): Promise<boolean> {
  const cacheDir = join(root, ".observablehq", "cache");
  const stampPath = join(cacheDir, "_cva.data-folder.json");
  const fingerprint = loaderCacheKey(dataDir, libraryDir);
  const previous = existsSync(stampPath)
    ? (JSON.parse(await readFile(stampPath, "utf-8")) as { fingerprint: string }).fingerprint
    : undefined;
  if (previous === fingerprint) return false;
  await rm(join(cacheDir, "data"), { recursive: true, force: true });
  await mkdir(cacheDir, { recursive: true });
  await writeFile(stampPath, JSON.stringify({ dataDir: resolve(dataDir), fingerprint }, null, 2));
  return true;
}
