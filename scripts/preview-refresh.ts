/**
 * One refresh of `npm run dev`: ingests and precomputes the data folder, records the outcome in
 * the preview's state file (the warehouse to show and the problems), and writes the pages'
 * files where Framework keeps the site archive's members. scripts/dev.ts calls `refreshPreview`
 * in its own process while the library is as it was when first loaded there, and runs this
 * file in a fresh process once the library has been edited, so that edits take effect.
 * As a script (argument 1: the state file), exit code 0: the exports ingested; 1: they cannot
 * be, the last good warehouse is kept.
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { dataFolderFrom } from "../loaders/core/environment.js";
import { ensureWarehouse, formatProblem, IngestError, precomputeTables, type Problem } from "../loaders/index.js";
import {
  previewStatusOf,
  PREVIEW_STATE_ENV,
  readPreviewState,
  writePreviewState
} from "../loaders/site/preview-state.js";
import { writeSiteMembers } from "../loaders/site/site-archive.js";
import { invalidateLoaderCache } from "./loader-cache.js";

const root = fileURLToPath(new URL("../src", import.meta.url));
const log = (line: string) => console.log(`cva dev: ${line}`);

/** Refreshes the preview of the data folder (CVA_DATA, else the sample); true if the exports ingested. */
export async function refreshPreview(statePath: string): Promise<boolean> {
  const dataDir = dataFolderFrom();
  const stateEnv = { [PREVIEW_STATE_ENV]: statePath };
  const previous = readPreviewState(stateEnv);
  const checkedAt = new Date().toISOString();
  const started = performance.now();
  try {
    // The folder as it is now: only the preview's loaders read the pinned warehouse.
    const { path } = await ensureWarehouse({ dataDir, onStage: (stage) => log(`ingest: ${stage}`) });
    await precomputeTables({ dataDir });
    writePreviewState(statePath, { dataDir, warehouse: path, problems: [], checkedAt, goodAt: checkedAt });
    await invalidateLoaderCache(root, dataDir);
    await writeSiteMembers(
      { dataDir, previewStatus: previewStatusOf(dataDir, stateEnv) },
      join(root, ".observablehq", "cache", "data", "site")
    );
    log(`ingested and computed in ${((performance.now() - started) / 1000).toFixed(1)} s; pages update`);
    return true;
  } catch (error) {
    const problems: Problem[] =
      error instanceof IngestError
        ? [...error.problems]
        : [{ file: "(ingest)", rule: "ingest-failed", message: String((error as Error)?.message ?? error) }];
    const same = previous?.dataDir === dataDir;
    writePreviewState(statePath, {
      dataDir,
      warehouse: same ? previous.warehouse : null,
      problems,
      checkedAt,
      goodAt: same ? previous.goodAt : null
    });
    for (const problem of problems) console.error(`cva dev: ${formatProblem(problem)}`);
    log(
      `the exports cannot be ingested (${problems.length} problem${problems.length === 1 ? "" : "s"}); ${same && previous.warehouse ? "pages keep the last good reports" : "no earlier exports ingested cleanly"}`
    );
    return false;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [statePath] = process.argv.slice(2);
  if (!statePath) throw new Error("usage: preview-refresh.ts STATE_FILE");
  process.exitCode = (await refreshPreview(statePath)) ? 0 : 1;
}
