/**
 * Runs before `observable build` and `observable preview`: vendors the browser libraries from
 * node_modules (no CDN), ingests the data folder into its warehouse if it changed (stopping
 * with one line per problem if the exports break the contract), and drops cached loader
 * outputs when the data folder or the library changed.
 */
import { rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { dataFolderFrom } from "../loaders/core/environment.js";
import { CvaError, ensureWarehouse, formatProblem, IngestError, precomputeTables } from "../loaders/index.js";
import { invalidateLoaderCache } from "./loader-cache.js";
import { vendorNpm } from "./vendor-npm.js";

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(projectDir, "src");
const { paths, rebuilt } = await vendorNpm({ root, projectDir });
console.log(
  rebuilt
    ? `vendored ${paths.length} browser modules from node_modules`
    : `browser modules up to date (${paths.length})`
);

const dataDir = dataFolderFrom();
try {
  const { ingested } = await ensureWarehouse({ dataDir, onStage: (stage) => console.log(`ingest: ${stage}`) });
  console.log(ingested ? `ingested ${dataDir}` : `warehouse of ${dataDir} is up to date`);
  const started = performance.now();
  const computed = await precomputeTables({ dataDir });
  if (computed) console.log(`computed ${computed} tables in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  if (error instanceof CvaError && !(error instanceof IngestError)) {
    console.error(error.message);
    process.exit(error.exitCode);
  }
  if (!(error instanceof IngestError)) throw error;
  for (const problem of error.problems) console.error(formatProblem(problem));
  console.error(
    `the exports in ${dataDir} cannot be ingested (${error.problems.length} problem${error.problems.length === 1 ? "" : "s"}); run npx cva validate --data ${dataDir} after fixing them`
  );
  process.exit(1);
}
if (await invalidateLoaderCache(root, dataDir))
  console.log(`data folder or library changed: the reports will be recomputed`);
// A build never carries what `npm run dev` last showed of broken exports (their problems quote values).
rmSync(join(root, ".observablehq", "cache", "data", "preview-status.json"), { force: true });
