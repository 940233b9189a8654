/**
 * `npm run dev` (scripts/dev.ts) re-ingests the data folder whenever an export or the config
 * changes. When the new exports break the contract, the preview keeps showing the reports of
 * the last exports that ingested cleanly, with the problems above them. The dev process
 * records both in a small JSON file and names it in CVA_PREVIEW_STATE for the loaders it
 * starts: they then read the recorded warehouse instead of ingesting the broken folder.
 * Without CVA_PREVIEW_STATE (every build), none of this applies.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { previewStateFileFrom } from "../core/environment.js";
import type { Problem } from "../core/errors.js";

export { PREVIEW_STATE_ENV } from "../core/environment.js";

export interface PreviewState {
  /** The data folder previewed (absolute). */
  dataDir: string;
  /** The warehouse the reports are shown from: the last that ingested cleanly (null: none yet). */
  warehouse: string | null;
  /** What stops the current exports from ingesting; empty when they did. */
  problems: Problem[];
  /** When the exports were last checked, and when they last ingested cleanly (ISO 8601). */
  checkedAt: string;
  goodAt: string | null;
}

/** The state named by CVA_PREVIEW_STATE, if set and readable. */
export function readPreviewState(env: Record<string, string | undefined> = process.env): PreviewState | undefined {
  const path = previewStateFileFrom(env);
  if (!path || !existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf-8")) as PreviewState;
  } catch {
    // Read while being replaced cannot happen (the write is a rename), but a hand-edited file can.
    return undefined;
  }
}

/** Writes the state atomically, so a loader never reads half of it. */
export function writePreviewState(path: string, state: PreviewState): void {
  writeFileSync(`${path}.${process.pid}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${path}.${process.pid}.tmp`, path);
}

/** During a preview, the warehouse to read for `dataDir` (the last good one), if it still exists. */
export function pinnedWarehouse(
  dataDir: string,
  env: Record<string, string | undefined> = process.env
): string | undefined {
  const state = readPreviewState(env);
  if (!state?.warehouse || state.dataDir !== resolve(dataDir)) return undefined;
  return existsSync(state.warehouse) ? state.warehouse : undefined;
}

/** What a page shows of the preview's state: the problems, and when the reports were last good. */
export interface PreviewStatus {
  problems: Problem[];
  checkedAt: string | null;
  goodAt: string | null;
  /**
   * During a preview whose exports ingest, the footer's figures for these exports, by the key of
   * the element showing each (provenanceTexts): the config that rendered the footer is reloaded
   * only when the sidebar changes, so the open page puts these in place. Null in a build and
   * while the exports cannot be ingested.
   */
  provenance?: Record<string, string> | null;
}

/** The status for pages: always no problems outside a preview, so a build never carries any. */
export function previewStatusOf(dataDir: string, env: Record<string, string | undefined> = process.env): PreviewStatus {
  const state = readPreviewState(env);
  if (!state || state.dataDir !== resolve(dataDir)) return { problems: [], checkedAt: null, goodAt: null };
  return { problems: state.problems, checkedAt: state.checkedAt, goodAt: state.goodAt };
}
