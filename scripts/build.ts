/**
 * npm run build: prepares the site (browser modules, warehouse, tables), then builds it with
 * Framework into a new folder beside dist/, and puts it in dist/'s place only once the build
 * has succeeded. A failed ingest or build leaves the previous site exactly as it was: a
 * reader of dist/ sees the old site or the new one, never half of each.
 */
import { spawnSync } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const output = resolve(projectDir, process.env.CVA_OUT ?? "dist");
const next = `${output}.next`;
const previous = `${output}.previous`;

const run = (command: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(command, args, { cwd: projectDir, stdio: "inherit", env: { ...process.env, ...env } }).status ?? 1;

const fail = (message: string, status = 1): never => {
  rmSync(next, { recursive: true, force: true });
  console.error(
    `${message}; ${existsSync(output) ? `the previous site in ${output} is unchanged` : "no site was written"}`
  );
  process.exit(status);
};

rmSync(next, { recursive: true, force: true });
const tsx = join(projectDir, "node_modules", ".bin", "tsx");
const observable = join(projectDir, "node_modules", ".bin", "observable");
let status = run(tsx, [join(projectDir, "scripts", "prepare-site.ts")]);
if (status !== 0) fail("build stopped before Framework ran", status);
status = run(observable, ["build"], { CVA_OUT: next, OBSERVABLE_TELEMETRY_DISABLE: "true" });
if (status !== 0) fail("Framework's build failed", status);
if (!existsSync(join(next, "index.html"))) fail("Framework's build wrote no index.html");
// Two renames: the old site moves aside whole, the new one takes its name.
rmSync(previous, { recursive: true, force: true });
if (existsSync(output)) renameSync(output, previous);
renameSync(next, output);
rmSync(previous, { recursive: true, force: true });
console.log(`built ${output}`);
