/**
 * Keeps Framework's cached data-loader outputs honest. Framework reuses a loader's cached
 * output while it is newer than the loader's source file, whatever happened to the exports the
 * loader reads. Our loaders all read the data folder, so when the folder (which folder, or any
 * file's name, size or modification time in it) changes, their cached outputs are deleted and
 * Framework runs them again.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

/** A hash of the data folder's path and of each file's name, size and modification time. */
export function dataFolderFingerprint(dataDir: string): string {
  const hash = createHash("sha256").update(resolve(dataDir));
  if (existsSync(dataDir)) {
    for (const name of readdirSync(dataDir, { recursive: true, encoding: "utf-8" }).sort()) {
      const stat = statSync(join(dataDir, name));
      if (stat.isFile()) hash.update(`\n${name}\t${stat.size}\t${stat.mtimeMs}`);
    }
  }
  return hash.digest("hex");
}

/**
 * Deletes the cached outputs of the loaders in `<root>/data/` when the data folder changed
 * since the last call. Returns whether it did.
 */
export async function invalidateLoaderCache(root: string, dataDir: string): Promise<boolean> {
  const cacheDir = join(root, ".observablehq", "cache");
  const stampPath = join(cacheDir, "_cva.data-folder.json");
  const fingerprint = dataFolderFingerprint(dataDir);
  const previous = existsSync(stampPath) ? (JSON.parse(await readFile(stampPath, "utf-8")) as { fingerprint: string }).fingerprint : undefined;
  if (previous === fingerprint) return false;
  await rm(join(cacheDir, "data"), { recursive: true, force: true });
  await mkdir(cacheDir, { recursive: true });
  await writeFile(stampPath, JSON.stringify({ dataDir: resolve(dataDir), fingerprint }, null, 2));
  return true;
}
