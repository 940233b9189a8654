/**
 * Where the public datasets the tests reproduce published figures from are read. The
 * permissively licensed ones are committed (test/fixtures/public/); the others are read from
 * `CVA_DATASETS`, else `../shared/datasets` beside the project. Without them a test is skipped
 * with a printed reason, except under `CI=true`, where every test must run.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { PROJECT_DIR } from "./project.js";

export const PUBLIC_DATASETS = join(PROJECT_DIR, "test", "fixtures", "public");

const SHARED_DATASETS = process.env.CVA_DATASETS
  ? resolve(process.env.CVA_DATASETS)
  : join(PROJECT_DIR, "..", "shared", "datasets");

/** A committed dataset: `publicDataset("cdnow", "CDNOW_sample.txt")`. */
export function publicDataset(...parts: string[]): string {
  return join(PUBLIC_DATASETS, ...parts);
}

/**
 * A dataset without a stated licence, not committed: its path, or undefined (and a printed
 * reason) when it is not there, so that the caller skips its tests. Under `CI=true` a missing
 * dataset is an error.
 */
export function sharedDataset(...parts: string[]): string | undefined {
  const path = join(SHARED_DATASETS, ...parts);
  if (existsSync(path)) return path;
  const why = `${parts.join("/")} is not in ${SHARED_DATASETS} (no stated licence, so not committed: put ../shared/datasets beside the project, or set CVA_DATASETS)`;
  if (process.env.CI === "true") throw new Error(`${why}; under CI=true its tests must run`);
  console.warn(`skipped: the tests on ${why}`);
  return undefined;
}
