/**
 * One refresh of `npm run dev` (scripts/dev.ts runs it in a fresh process each time, so that
 * edits to the library take effect): ingests and precomputes the data folder, and records the
 * outcome in the preview's state file (argument 1): the warehouse to show and the problems.
 * Exit code 0: the exports ingested; 1: they cannot be, the last good warehouse is kept.
 */
import { fileURLToPath } from "node:url";
import { dataFolderFrom } from "../loaders/core/environment.js";
import { ensureWarehouse, formatProblem, IngestError, precomputeTables, type Problem } from "../loaders/index.js";
import { PREVIEW_STATE_ENV, readPreviewState, writePreviewState } from "../loaders/site/preview-state.js";
import { invalidateLoaderCache } from "./loader-cache.js";

const [statePath] = process.argv.slice(2);
if (!statePath) throw new Error("usage: preview-refresh.ts STATE_FILE");
// This process ingests the folder as it is now; only the preview reads the pinned warehouse.
delete process.env[PREVIEW_STATE_ENV];
const dataDir = dataFolderFrom();
const log = (line: string) => console.log(`cva dev: ${line}`);
const previous = readPreviewState({ [PREVIEW_STATE_ENV]: statePath });
const checkedAt = new Date().toISOString();
const started = performance.now();
try {
  const { path } = await ensureWarehouse({ dataDir, onStage: (stage) => log(`ingest: ${stage}`) });
  await precomputeTables({ dataDir });
  writePreviewState(statePath, { dataDir, warehouse: path, problems: [], checkedAt, goodAt: checkedAt });
  await invalidateLoaderCache(fileURLToPath(new URL("../src", import.meta.url)), dataDir);
  log(`ingested and computed in ${((performance.now() - started) / 1000).toFixed(1)} s; pages update`);
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
  process.exitCode = 1;
}
