/**
 * `npm run dev [-- --port N]`: Framework's preview on 127.0.0.1 that follows the data.
 *
 * Framework's preview re-runs a data loader when the loader's own file changes, not when the
 * files it reads do. This process watches the data folder (exports and cva.config.json) and the
 * library (loaders/); on a change it ingests the folder again and recomputes the tables, then
 * "touches" the loaders (Framework's own signal to re-run them), and the config when the
 * sidebar it lists changed (a new quarter's review page), so open pages update without a
 * restart; the footer's provenance follows in place (src/components/preview-status.js).
 *
 * A refresh (scripts/preview-refresh.ts) runs in this process while the library is unchanged,
 * and in a fresh process once it has been edited, so an edit to the library is computed with
 * the edited code, never with what this process loaded before.
 *
 * When the new exports break the contract, nothing is touched but the site's archive: every page
 * shows the problems (file, line, column, rule) above the reports of the last exports that
 * ingested cleanly, which the loaders keep reading (loaders/preview-state.ts).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, utimesSync, watch, type FSWatcher } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { dataFolderFrom, LIBRARY_DIR } from "../loaders/core/environment.js";
import { PREVIEW_STATE_ENV, readPreviewState, writePreviewState } from "../loaders/site/preview-state.js";
import { analysisPages, provenanceTexts, reviewQuarters } from "../loaders/site/site-config.js";
import { DEFAULT_WAREHOUSE_DIR, libraryCodeKey } from "../loaders/warehouse/keys.js";
import { vendorNpm } from "./vendor-npm.js";

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(projectDir, "src");
const dataDir = dataFolderFrom();
const statePath = join(DEFAULT_WAREHOUSE_DIR, "preview-state.json");

const log = (line: string) => console.log(`cva dev: ${line}`);

const { paths } = await vendorNpm({ root, projectDir });
log(`${paths.length} browser modules vendored from node_modules`);
mkdirSync(DEFAULT_WAREHOUSE_DIR, { recursive: true });

/** The refresh as loaded into this process, with the library's code key at the time. */
let loaded: { key: string; refreshPreview: (statePath: string) => Promise<boolean> } | undefined;

/**
 * Ingests and computes the folder as it is now and records the outcome for the preview; true
 * if it ingested. In this process while the library is as it was when first loaded here (no
 * process to start), else in a fresh one, so that the library's current code does the work.
 */
async function refresh(reason: string): Promise<boolean> {
  log(`${reason}: checking ${relative(process.cwd(), dataDir) || "."}`);
  const key = libraryCodeKey();
  loaded ??= { key, ...(await import("./preview-refresh.js")) };
  if (loaded.key === key) {
    try {
      return await loaded.refreshPreview(statePath);
    } catch (error) {
      return refreshFailed(String((error as Error)?.message ?? error));
    }
  }
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(projectDir, "scripts", "preview-refresh.ts"), statePath],
    { cwd: projectDir, stdio: "inherit" }
  );
  const code = await new Promise<number | null>((done) => child.on("close", done));
  if (code === 0 || code === 1) return code === 0;
  return refreshFailed(`exit code ${code}`);
}

/** A crash of the refresh itself (not a data problem): said on every page too. */
function refreshFailed(cause: string): false {
  const previous = readPreviewState({ [PREVIEW_STATE_ENV]: statePath });
  writePreviewState(statePath, {
    dataDir,
    warehouse: previous?.warehouse ?? null,
    checkedAt: new Date().toISOString(),
    goodAt: previous?.goodAt ?? null,
    problems: [
      {
        file: "(npm run dev)",
        rule: "refresh-failed",
        message: `ingesting the exports stopped unexpectedly (${cause}); see the terminal`
      }
    ]
  });
  return false;
}

/**
 * Framework re-runs a loader whose file is newer than its cached output, and reloads pages
 * when its config is touched; a page reads a file again when its loader's time changed.
 */
function touch(files: string[], time = new Date()): void {
  for (const file of files) if (existsSync(file)) utimesSync(file, time, time);
}

const loaderFiles = () =>
  readdirSync(join(root, "data"), { recursive: true, encoding: "utf-8" })
    .filter((file) => /\.(ts|js)$/.test(file))
    .map((file) => join(root, "data", file));
// The site's archive carries the preview's status beside the reports of the pinned warehouse.
const siteLoader = join(root, "data", "site.zip.ts");
const configFile = join(projectDir, "observablehq.config.ts");

let running = false;
let pending: string | null = null;
/** One refresh at a time; changes during one are gathered into the next. */
async function schedule(reason: string): Promise<void> {
  if (running) {
    pending = reason;
    return;
  }
  running = true;
  try {
    const checked = new Date();
    const ok = await refresh(reason);
    if (ok) {
      touch(loaderFiles().filter((file) => file !== siteLoader));
      // A touched config reloads every open page (2 s on the sample): only for a new sidebar
      // (a quarter's review page, an analyst's page). The footer follows the exports without it.
      const now = sidebarOf();
      if (now !== sidebar) touch([configFile]);
      sidebar = now;
      // The refresh wrote the archive's members after `checked`: set to that time, the loader
      // is newer than what the pages read before and older than what they read now, so Framework
      // serves the new members without running it.
      touch([siteLoader], checked);
    } else touch([siteLoader]);
  } finally {
    running = false;
  }
  if (pending) {
    const next = pending;
    pending = null;
    await schedule(next);
  }
}

await refresh("starting");
touch(loaderFiles());
/**
 * What the config lists from the data and src/ (the sidebar's quarters and analysts' pages),
 * with what of the footer the open page cannot update in place (its rows of files, whether a
 * config hash is shown): when this changes, the config is touched and open pages reload.
 */
const sidebarOf = () => {
  const { files, texts } = provenanceTexts({ dataDir });
  return JSON.stringify({
    quarters: reviewQuarters({ dataDir }),
    analyses: analysisPages(),
    files,
    configHash: Boolean(texts.config)
  });
};
let sidebar = sidebarOf();

// Editors save in bursts (a temporary file, a rename, a write), milliseconds apart: wait for
// the burst to end. A change during a refresh is gathered into the next one.
let timer: NodeJS.Timeout | undefined;
const changed = (what: string) => {
  clearTimeout(timer);
  timer = setTimeout(() => void schedule(`${what} changed`), 150);
};
const watchers: FSWatcher[] = [
  watch(dataDir, (_event, file) => file && !file.startsWith(".") && changed(`${file}`)),
  watch(LIBRARY_DIR, { recursive: true }, (_event, file) => file && /\.ts$/.test(file) && changed(`loaders/${file}`))
];

const args = process.argv.slice(2);
const preview = spawn(
  join(projectDir, "node_modules", ".bin", "observable"),
  ["preview", "--host", "127.0.0.1", ...args],
  {
    cwd: projectDir,
    stdio: "inherit",
    env: { ...process.env, [PREVIEW_STATE_ENV]: statePath, OBSERVABLE_TELEMETRY_DISABLE: "true" }
  }
);
const stop = () => preview.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
preview.on("exit", (code) => {
  for (const watcher of watchers) watcher.close();
  clearTimeout(timer);
  process.exit(code ?? 0);
});
