/**
 * What runs before Framework builds or previews the site: vendors the browser libraries from
 * node_modules (no CDN), ingests the data folder into its warehouse if it changed (stopping
 * with one line per problem if the exports break the contract), computes the tables, drops
 * cached loader outputs when the data folder or the library changed, and writes the files the
 * pages read. `npm run build` calls `prepareSite` in its own process; run as a script, this
 * file does the same on its own.
 */
import { rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { dataFolderFrom } from "../loaders/core/environment.js";
import { CvaError, ensureWarehouse, formatProblem, IngestError, precomputeTables } from "../loaders/index.js";
import { writeSiteMembers } from "../loaders/site/site-archive.js";
import { invalidateLoaderCache } from "./loader-cache.js";
import { vendorNpm } from "./vendor-npm.js";

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(projectDir, "src");

/** Seconds each step of the preparation took, for the build's summary and `npm run bench`. */
export interface PreparationTimes {
  vendoring: number;
  ingest: number;
  tables: number;
  pageFiles: number;
}

/** A stop the user can act on: its lines are printed as they are, without a stack trace. */
export class PreparationError extends Error {
  constructor(
    readonly lines: string[],
    readonly exitCode: number
  ) {
    super(lines.join("\n"));
  }
}

export async function prepareSite(log: (line: string) => void = console.log): Promise<PreparationTimes> {
  let started = performance.now();
  const lap = () => {
    const seconds = (performance.now() - started) / 1000;
    started = performance.now();
    return seconds;
  };
  const { paths, rebuilt } = await vendorNpm({ root, projectDir });
  log(
    rebuilt
      ? `vendored ${paths.length} browser modules from node_modules`
      : `browser modules up to date (${paths.length})`
  );
  const vendoring = lap();
  const dataDir = dataFolderFrom();
  let ingest: number;
  try {
    const { ingested } = await ensureWarehouse({ dataDir, onStage: (stage) => log(`ingest: ${stage}`) });
    log(ingested ? `ingested ${dataDir}` : `warehouse of ${dataDir} is up to date`);
    ingest = lap();
    const computed = await precomputeTables({ dataDir });
    if (computed) log(`computed ${computed} tables in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    if (error instanceof CvaError && !(error instanceof IngestError))
      throw new PreparationError([error.message], error.exitCode);
    if (!(error instanceof IngestError)) throw error;
    throw new PreparationError(
      [
        ...error.problems.map(formatProblem),
        `the exports in ${dataDir} cannot be ingested (${error.problems.length} problem${error.problems.length === 1 ? "" : "s"}); run npx cva validate --data ${dataDir} after fixing them`
      ],
      1
    );
  }
  const tables = lap();
  if (await invalidateLoaderCache(root, dataDir)) log(`data folder or library changed: the reports will be recomputed`);
  // A build never carries what `npm run dev` last showed of broken exports (their problems quote
  // values): the archive is written again, with the build's empty status.
  for (const cached of ["site.zip", "site/preview-status.json"])
    rmSync(join(root, ".observablehq", "cache", "data", cached), { force: true });
  // The pages' files, written where Framework keeps the archive's members: found newer than the
  // loader (src/data/site.zip.ts), they are used as they are, with no loader process to start.
  const files = await writeSiteMembers({ dataDir }, join(root, ".observablehq", "cache", "data", "site"));
  log(`wrote the ${files} files the pages read`);
  return { vendoring, ingest, tables, pageFiles: lap() };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await prepareSite();
  } catch (error) {
    if (!(error instanceof PreparationError)) throw error;
    for (const line of error.lines) console.error(line);
    process.exitCode = error.exitCode;
  }
}
