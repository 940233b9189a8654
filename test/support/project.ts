import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_DIR = fileURLToPath(new URL("../..", import.meta.url));
export const ARTIFACTS_DIR = join(PROJECT_DIR, "test", "artifacts");

/** What a fresh clone has: tracked sources, no caches, no dist (node_modules is linked in). */
const CLONE_ENTRIES = [
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "observablehq.config.ts",
  "src",
  "loaders",
  "cli",
  "bin",
  "scripts",
  "data"
];

/** A scratch copy of the project as a fresh clone would have it, minus Framework's caches. */
export function scratchClone(): string {
  const dir = mkdtempSync(join(tmpdir(), "cva-clone-"));
  for (const entry of CLONE_ENTRIES) {
    cpSync(join(PROJECT_DIR, entry), join(dir, entry), {
      recursive: true,
      filter: (source) => !source.includes(`${join("src", ".observablehq")}`)
    });
  }
  symlinkSync(join(PROJECT_DIR, "node_modules"), join(dir, "node_modules"));
  return dir;
}

export interface CommandResult {
  status: number | null;
  output: string;
}

/** Runs `npm run <script>` in `dir`; with `offline`, inside a new network namespace (needs root). */
export function npmRun(
  dir: string,
  script: string,
  { offline = false, env = {} as Record<string, string>, args = [] as string[] } = {}
): CommandResult {
  const npm = ["npm", "run", script, ...(args.length ? ["--", ...args] : [])];
  const command = offline ? ["unshare", "--net", ...npm] : npm;
  const result = spawnSync(command[0]!, command.slice(1), {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: "utf-8",
    maxBuffer: 64 << 20
  });
  return { status: result.status, output: `${result.error ?? ""}${result.stdout}${result.stderr}` };
}

export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf-8" });
}
