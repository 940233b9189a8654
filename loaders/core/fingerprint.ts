import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve, sep } from "node:path";

/**
 * A hash of folders' paths and of each file's name, size and modification time: it changes
 * when any file in them is added, removed, edited or touched. Cheap on exports of any size,
 * since no file is read.
 */
export function folderFingerprint(...dirs: string[]): string {
  return fingerprintOf(dirs, () => false);
}

/** The same, leaving out one subfolder of `dir` (what a reader of the folder never reads). */
export function folderFingerprintWithout(dir: string, subfolder: string): string {
  return fingerprintOf([dir], (name) => name === subfolder || name.startsWith(`${subfolder}${sep}`));
}

function fingerprintOf(dirs: readonly string[], skip: (name: string) => boolean): string {
  const hash = createHash("sha256");
  for (const dir of dirs) {
    hash.update(`\n#${resolve(dir)}`);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir, { recursive: true, encoding: "utf-8" }).sort()) {
      if (skip(name)) continue;
      const stat = statSync(join(dir, name));
      if (stat.isFile()) hash.update(`\n${name}\t${stat.size}\t${stat.mtimeMs}`);
    }
  }
  return hash.digest("hex");
}
