import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_DIR } from "./support/project.js";

interface LockEntry {
  version?: string;
  optionalDependencies?: Record<string, string>;
}

describe("package-lock.json", () => {
  // npm install silently leaves out an optional dependency it cannot resolve (a platform
  // binary missing from the registry mirror), and npm ci then refuses the lockfile on a fresh
  // machine. Every optional dependency must have its own entry, whatever the platform.
  it("records every optional dependency of every package, so that npm ci accepts it", () => {
    const { packages } = JSON.parse(readFileSync(join(PROJECT_DIR, "package-lock.json"), "utf-8")) as {
      packages: Record<string, LockEntry>;
    };
    const resolvable = (from: string, name: string): boolean => {
      for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf("/node_modules/")))) {
        if (packages[`${dir ? `${dir}/` : ""}node_modules/${name}`]?.version) return true;
        if (dir === "") return false;
      }
    };
    const missing = Object.entries(packages).flatMap(([path, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((name) => !resolvable(path, name))
        .map((name) => `${path || "(root)"} -> ${name}`)
    );
    expect(missing).toEqual([]);
  });
});
