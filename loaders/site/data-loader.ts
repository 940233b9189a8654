/**
 * What every Framework data loader in src/data/ shares: the same options, progress and a
 * one-line summary on stderr (Framework shows a loader's stderr in the terminal), and a
 * failure that names the output and its cause. Kept free of DuckDB, so that a loader reading
 * a precomputed table starts fast; the computations are imported only when needed.
 */
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Writable } from "node:stream";
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { dataFolderFrom, debugFrom } from "../core/environment.js";
import { CvaError, formatProblem, IngestError, noFilterColumn, UsageError } from "../core/errors.js";
import { cachedTableFile, readCachedTable } from "../warehouse/table-cache.js";
import { pinnedWarehouse } from "./preview-state.js";

export { UsageError } from "../core/errors.js";

export interface LoaderOptions {
  /** `--data DIR`, else `CVA_DATA`, else the bundled sample data. */
  dataDir: string;
  /** `--wave W`: only the rows of this survey wave. */
  wave?: string | undefined;
  /** `--segment S`: only the rows of this segment. */
  segment?: string | undefined;
  /** `--table NAME`: the route parameter of `[table].*.ts` loaders. */
  table?: string | undefined;
  /** During `npm run dev`, the last warehouse that ingested cleanly (see preview-state.ts). */
  pinned?: string | undefined;
}

const LOADER_OPTIONS_USAGE = "--data DIR (else $CVA_DATA, else the sample data), --wave WAVE, --segment SEGMENT";

/** A loader's options from its command line; an unknown option is an error naming the known ones. */
export function loaderOptions(
  argv: readonly string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env
): LoaderOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        data: { type: "string" },
        wave: { type: "string" },
        segment: { type: "string" },
        table: { type: "string" }
      }
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; the options are ${LOADER_OPTIONS_USAGE}`);
  }
  const dataDir = values.data ? resolve(values.data) : dataFolderFrom(env);
  return {
    dataDir,
    wave: values.wave,
    segment: values.segment,
    table: values.table,
    pinned: pinnedWarehouse(dataDir, env)
  };
}

/** The table a `[table].*.ts` loader was asked for (Framework passes it as `--table`). */
function tableOf(options: LoaderOptions): string {
  if (!options.table) throw new UsageError("no table named: give --table NAME (npx cva tables lists them)");
  return options.table;
}

/**
 * A table's rows for a JSON loader: the precomputed copy when current (without loading DuckDB),
 * else computed; filtered to `--wave` / `--segment`, which must be columns of the table.
 */
export async function tableRowsFor(
  options: LoaderOptions,
  report: LoaderReport
): Promise<{ rows: Record<string, unknown>[]; source: string }> {
  const name = tableOf(options);
  let rows = readCachedTable(options, name) as Record<string, unknown>[] | undefined;
  const source = rows ? "precomputed" : "computed";
  if (!rows) {
    report.progress(`computing from ${options.dataDir} (no precomputed copy)`);
    const { tableOfFolder } = await import("../publish/folder.js");
    rows = (await tableOfFolder(options.dataDir, name, {
      pinned: options.pinned,
      onStage: (stage) => report.progress(`ingest: ${stage}`)
    })) as Record<string, unknown>[];
  }
  const filters = (["wave", "segment"] as const).filter((column) => options[column] !== undefined);
  // An empty table's rows cannot say which columns it has: ask DuckDB (a rare path).
  const columns = rows.length
    ? Object.keys(rows[0]!)
    : filters.length
      ? await (
          await import("../publish/folder.js")
        ).tableColumnsOfFolder(options.dataDir, name, { pinned: options.pinned })
      : [];
  for (const column of filters) {
    if (!columns.includes(column)) throw noFilterColumn(name, column);
    rows = rows.filter((row) => row[column] === options[column]);
  }
  return { rows, source };
}

/** Writes a table as CSV or Parquet for a loader, filtered like `tableRowsFor`; returns its row count. */
export async function writeTableFor(
  options: LoaderOptions,
  format: "csv" | "parquet",
  stream: Writable
): Promise<number> {
  const cached =
    format === "parquet" &&
    options.wave === undefined &&
    options.segment === undefined &&
    cachedTableFile(options, tableOf(options), "parquet");
  if (cached) {
    // The precomputed file as it is: no DuckDB to start. Its row count is in the JSON beside it.
    await pipeline(createReadStream(cached), stream, { end: false });
    return readCachedTable(options, tableOf(options))?.length ?? 0;
  }
  const { writeTableOfFolder } = await import("../publish/folder.js");
  return writeTableOfFolder(
    options.dataDir,
    tableOf(options),
    format,
    { stream },
    { pinned: options.pinned, wave: options.wave, segment: options.segment }
  );
}

export interface LoaderReport {
  /** Progress while the work runs, e.g. "ingesting data/" (one line on stderr). */
  progress(stage: string): void;
}

export interface LoaderOutcome {
  rows: number;
  /** What `rows` counts, when not rows (an archive's files). */
  unit?: string;
  /** How the output was made, e.g. "precomputed" or "computed". */
  source?: string;
}

/**
 * Parses the loader's options, runs its `work`, then prints `<output>: N rows in S s (source)`
 * on stderr. On failure it prints `<output> failed: <cause>` (an ingest problem a line each,
 * with its file, line, column and rule) and sets the exit code, so that Framework reports the
 * loader as failed. `output` names what the loader makes, e.g. `kpis.json`.
 */
export async function runLoader(
  output: string | ((options: LoaderOptions) => string),
  work: (options: LoaderOptions, report: LoaderReport) => Promise<LoaderOutcome>
): Promise<boolean> {
  const started = performance.now();
  const say = (text: string) => process.stderr.write(`${text}\n`);
  let name = typeof output === "string" ? output : basename(process.argv[1] ?? "loader");
  try {
    const options = loaderOptions();
    if (typeof output !== "string") name = output(options);
    const { rows, unit = "row", source } = await work(options, { progress: (stage) => say(`${name}: ${stage}`) });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    say(`${name}: ${rows} ${unit}${rows === 1 ? "" : "s"} in ${seconds} s${source ? ` (${source})` : ""}`);
    return true;
  } catch (error) {
    if (error instanceof IngestError) {
      say(
        `${name} failed: the exports cannot be ingested (${error.problems.length} problem${error.problems.length === 1 ? "" : "s"}):`
      );
      for (const problem of error.problems) say(`  ${formatProblem(problem)}`);
    } else {
      say(`${name} failed: ${(error as Error)?.message ?? String(error)}`);
      if (!(error instanceof CvaError) && debugFrom()) say(String((error as Error)?.stack));
    }
    process.exitCode = 1;
    return false;
  }
}
