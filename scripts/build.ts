/**
 * npm run build: prepares the site (browser modules, warehouse, tables, the pages' files), then
 * builds it with Framework into a new folder beside dist/, and puts it in dist/'s place only
 * once the build has succeeded. A failed ingest or build leaves the previous site exactly as it
 * was: a reader of dist/ sees the old site or the new one, never half of each.
 *
 * Both steps run in this one process (Framework's build is a function of its own package), so
 * the build starts Node, TypeScript and Framework once. When nothing the site is made from has
 * changed since the last build and dist/ is as that build left it, there is nothing to do.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { dataFolderFrom } from "../loaders/core/environment.js";
import { folderFingerprint } from "../loaders/core/fingerprint.js";
import { siteBuildKey } from "../loaders/warehouse/keys.js";
import { CvaError } from "../loaders/core/errors.js";
import { recordPublishedQuarters } from "../loaders/site/site-archive.js";
import { PUBLISHED_FILE } from "../loaders/site/published-quarters.js";
import { PreparationError, prepareSite } from "./prepare-site.js";

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const output = resolve(projectDir, process.env.CVA_OUT ?? "dist");
const next = `${output}.next`;
const previous = `${output}.previous`;
// In Framework's cache, so that clearing it (a cold build) forgets the last build too.
const stampPath = join(projectDir, "src", ".observablehq", "cache", "_cva.last-build.json");
const started = performance.now();
const elapsed = (since: number) => (performance.now() - since) / 1000;

interface BuildStamp {
  key: string;
  output: string;
  builtAt: string;
}

const fail = (message: string, status = 1): never => {
  rmSync(next, { recursive: true, force: true });
  console.error(
    `${message}; ${existsSync(output) ? `the previous site in ${output} is unchanged` : "no site was written"}`
  );
  process.exit(status);
};

const dataDir = dataFolderFrom();
const key = siteBuildKey(dataDir, projectDir, output);
const last = existsSync(stampPath) ? (JSON.parse(readFileSync(stampPath, "utf-8")) as BuildStamp) : undefined;
if (last?.key === key && existsSync(join(output, "index.html")) && last.output === folderFingerprint(output)) {
  console.log(
    `${output} is up to date: the exports, pages and code are as the build of ${last.builtAt} found them (${elapsed(started).toFixed(1)} s)`
  );
  process.exit(0);
}

rmSync(next, { recursive: true, force: true });
let times;
try {
  times = await prepareSite();
} catch (error) {
  if (!(error instanceof PreparationError)) throw error;
  for (const line of error.lines) console.error(line);
  fail("build stopped before Framework ran", error.exitCode);
}

const frameworkStarted = performance.now();
process.env.CVA_OUT = next;
process.env.OBSERVABLE_TELEMETRY_DISABLE = "true";
process.chdir(projectDir);
try {
  const { readConfig } = await import("@observablehq/framework/dist/config.js");
  const { build } = await import("@observablehq/framework/dist/build.js");
  await build({ config: await readConfig() });
} catch (error) {
  // Framework has printed what failed (a page, a loader's stderr); its own summary, then ours.
  console.error((error as Error)?.message ?? String(error));
  fail("Framework's build failed");
}
if (!existsSync(join(next, "index.html"))) fail("Framework's build wrote no index.html");
// Two renames: the old site moves aside whole, the new one takes its name.
rmSync(previous, { recursive: true, force: true });
if (existsSync(output)) renameSync(output, previous);
renameSync(next, output);
rmSync(previous, { recursive: true, force: true });
// What the site now shows of each newly complete quarter is what was published: kept beside
// the exports (published/quarters.json), so that later exports show a restated quarter beside it.
let recorded = 0;
try {
  recorded = await recordPublishedQuarters({ dataDir });
} catch (error) {
  if (!(error instanceof CvaError)) throw error;
  console.error(`${error.message}: the site was built, but its quarters were not recorded as published`);
}
if (recorded)
  console.log(`recorded ${recorded} figures of newly complete quarters in ${join(dataDir, PUBLISHED_FILE)}`);
mkdirSync(dirname(stampPath), { recursive: true });
// The snapshot is one of the site's inputs: the key after recording, so the next build has nothing to do.
const stamp: BuildStamp = {
  key: recorded ? siteBuildKey(dataDir, projectDir, output) : key,
  output: folderFingerprint(output),
  builtAt: new Date().toISOString()
};
writeFileSync(stampPath, JSON.stringify(stamp, null, 2));
const seconds = (n: number) => `${n.toFixed(1)} s`;
console.log(
  `built ${output} in ${seconds(elapsed(started))}: browser modules ${seconds(times!.vendoring)}, ingest ${seconds(times!.ingest)}, tables ${seconds(times!.tables)}, the pages' files ${seconds(times!.pageFiles)}, Framework ${seconds(elapsed(frameworkStarted))}`
);
