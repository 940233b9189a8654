import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * A hash of folders' paths and of each file's name, size and modification time: it changes
 * when any file in them is added, removed, edited or touched. Cheap on exports of any size,
 * since no file is read.
 */
export function folderFingerprint(...dirs: string[]): string {
  const hash = createHash("sha256");
  for (const dir of dirs) {
    hash.update(`\n#${resolve(dir)}`);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir, { recursive: true, encoding: "utf-8" }).sort()) {
      const stat = statSync(join(dir, name));
      if (stat.isFile()) hash.update(`\n${name}\t${stat.size}\t${stat.mtimeMs}`);
    }
  }
  return hash.digest("hex");
}
