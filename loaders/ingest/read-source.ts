import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { CONFIG_FILE, type Config } from "../contract/config.js";
import { CONTRACT, SOURCE_FORMATS, type ExportName } from "../contract/contract.js";
import type { Database } from "../core/db.js";
import { identifier, literal } from "../core/sql.js";
import { DELIMITERS, splitCsvLine, type Layout } from "./layouts.js";
import type { Problem } from "../core/errors.js";
import type { SourceConfig } from "../contract/source-config.js";

export interface SourceFile {
  name: ExportName;
  /** The file's name as found in the folder, e.g. `Orders.CSV`. */
  fileName: string;
  /** Where it is read from: the file itself, or its UTF-8 copy when it was in another encoding. */
  path: string;
  /** The data folder it is in (the path may be a converted copy elsewhere). */
  dataDir: string;
  format: "csv" | "parquet";
  /** The file's entry in the config's `sources`, and its position there, when it has one. */
  entry?: SourceConfig & { index: number };
}

/** Exports a configured source provides: a wide survey gives responses, ratings and maybe importance. */
function exportsOf(entry: SourceConfig, fileName: string): ExportName[] {
  if (entry.survey) return ["responses", "ratings", ...(entry.survey.importance ? (["importance"] as const) : [])];
  if (entry.lines || entry.format === "shopify") return ["orders"];
  const named = exportNamed(fileName);
  return entry.export ? [entry.export] : named ? [named] : [];
}

function exportNamed(fileName: string): ExportName | undefined {
  const extension = extname(fileName).toLowerCase();
  return CONTRACT.find((s) => s.name === fileName.slice(0, fileName.length - extension.length).toLowerCase())?.name;
}

export interface FolderContents {
  sources: SourceFile[];
  /** Files that are not part of the contract: listed in the ingest summary, never read. */
  ignored: string[];
  problems: Problem[];
}

/**
 * Matches the folder's files to the contract's exports: by the config's `sources` entries,
 * else by name (names and extensions case-insensitive).
 */
export function findSources(dataDir: string, config: Config | undefined): FolderContents {
  const sources: SourceFile[] = [];
  const ignored: string[] = [];
  const problems: Problem[] = [];
  const entries = (config?.sources ?? []).map((entry, index) => ({ ...entry, index }));
  const files = readdirSync(dataDir)
    .sort()
    .filter((f) => !f.startsWith(".") && f !== CONFIG_FILE && statSync(join(dataDir, f)).isFile());
  const add = (source: SourceFile) => {
    const twin = sources.find((s) => s.name === source.name);
    if (twin)
      problems.push({
        file: source.fileName,
        rule: "ambiguous-file",
        message: `${twin.fileName} and ${source.fileName} both hold ${source.name}: keep one`
      });
    else sources.push(source);
  };
  for (const entry of entries) {
    const fileName = files.find((f) => f.toLowerCase() === entry.file.toLowerCase());
    if (!fileName) {
      problems.push({
        file: entry.file,
        column: `sources.${entry.index}.file`,
        rule: "missing-file",
        message: `${CONFIG_FILE} maps ${entry.file}, which is not in the data folder`
      });
      continue;
    }
    const exports = exportsOf(entry, fileName);
    if (!exports.length) {
      problems.push({
        file: CONFIG_FILE,
        column: `sources.${entry.index}.export`,
        rule: "config",
        message: `say which export ${fileName} holds (export), or map it as a survey (survey)`
      });
    }
    const format = SOURCE_FORMATS[extname(fileName).toLowerCase() as keyof typeof SOURCE_FORMATS] ?? "csv";
    for (const name of exports) add({ name, fileName, path: join(dataDir, fileName), dataDir, format, entry });
  }
  const joined = entries.flatMap((e) => e.lines?.join.map((j) => j.file.toLowerCase()) ?? []);
  for (const fileName of files) {
    if (entries.some((e) => e.file.toLowerCase() === fileName.toLowerCase()) || joined.includes(fileName.toLowerCase()))
      continue;
    const extension = extname(fileName).toLowerCase() as keyof typeof SOURCE_FORMATS;
    const name = exportNamed(fileName);
    if (!name || !(extension in SOURCE_FORMATS)) {
      ignored.push(fileName);
      continue;
    }
    add({ name, fileName, path: join(dataDir, fileName), dataDir, format: SOURCE_FORMATS[extension] });
  }
  return { sources, ignored, problems };
}

export const emptyFile = (file: string, line: number): Problem => ({
  file,
  line,
  rule: "empty-file",
  message: "the file is empty: expected a header line naming the columns"
});

/** Header columns without a name, or named twice (names compared lower-cased). */
export function headerNameProblems(file: string, names: string[], line = 1): Problem[] {
  return names.flatMap((column, i): Problem[] =>
    column === ""
      ? [{ file, line, rule: "header", message: `column ${i + 1} has no name` }]
      : names.indexOf(column) !== i
        ? [{ file, line, column, rule: "header", message: `column ${column} appears twice in the header` }]
        : []
  );
}

export interface CsvHeader {
  columns: string[];
  delimiter: string;
}

/**
 * Reads a CSV file's header line (after any UTF-8 byte order mark) and picks the delimiter it
 * uses most among comma, semicolon and tab. Sniffing the header rather than the data keeps
 * decimal commas in the rows (`10,5`) from being mistaken for delimiters.
 */
export function readCsvHeader(path: string, skip = 0): CsvHeader | undefined {
  const fd = openSync(path, "r");
  const buffer = Buffer.alloc(65_536);
  const size = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  const text = buffer
    .subarray(0, size)
    .toString("utf-8")
    .replace(/^\uFEFF/, "");
  const line = text.split(/\r?\n/, skip + 1)[skip] ?? "";
  if (line.trim() === "") return undefined;
  const delimiter = DELIMITERS.reduce((best, d) => (line.split(d).length > line.split(best).length ? d : best), ",");
  return { columns: splitCsvLine(line, delimiter).map((c) => c.trim()), delimiter };
}

/**
 * Loads a source file into `table` with every column as trimmed text under its lower-cased
 * name (empty: NULL), plus `_line`: the physical line the record starts on (the header is
 * line 1; for Parquet, the row number), and `_row`: the record's number, from 0. Records the CSV parser cannot split into the header's
 * columns go to `structuralRejects` with their line. Returns the column names.
 *
 * One pass over the file: the record number gives the line directly unless a quoted field
 * spans lines or the parser skipped a broken line, which a cheap scan detects; only then are
 * lines recounted (see relineRecords).
 */
export async function loadRaw(
  db: Database,
  source: SourceFile,
  table: string,
  header: CsvHeader | undefined,
  layout?: Layout
): Promise<string[]> {
  if (source.format === "parquet") {
    const from = `read_parquet(${literal(source.path)})`;
    const columns = await describe(db, `SELECT * FROM ${from}`);
    await db.run(`CREATE OR REPLACE TEMP TABLE ${identifier(table)} AS
      SELECT row_number() OVER () AS _line, row_number() OVER () - 1 AS _row, ${trimmedAs(columns, (c) => `${identifier(c)}::VARCHAR`)} FROM ${from}`);
    return columns.map(lowerName);
  }
  const rejectsTable = `${table}_csv_errors`;
  // A tool's layout is read without a header: its header records are records like the others,
  // named afterwards (see layouts.ts).
  const shape = layout ? `header = false, skip = ${layout.skip}, null_padding = ${layout.skip > 0}` : "header = true";
  const from = textCsv(source.path, header!, storingRejects(table), shape);
  const columns = await describe(db, `SELECT * FROM ${from}`);
  // No row_number(): numbering records in a window serializes the parallel CSV reader. A
  // table keeps the reader's order, so its rowid is the record number, for free.
  const records = identifier(`${table}_records`);
  await db.run(`CREATE OR REPLACE TEMP TABLE ${records} AS SELECT ${trimmedAs(columns, identifier)} FROM ${from}`);
  const names = columns.map(lowerName);
  const newline = names.length ? names.map((c) => `contains(${identifier(c)}, chr(10))`).join(" OR ") : "false";
  const [found] = await db.rows<{ broken: number; multiline: boolean }>(`
    SELECT (SELECT count(*) FROM ${identifier(rejectsTable)})::BIGINT AS broken,
           EXISTS (SELECT 1 FROM ${records} WHERE ${newline}) AS multiline`);
  const firstLine = layout ? 1 + layout.skip : 2;
  await db.run(
    `CREATE OR REPLACE TEMP VIEW ${identifier(table)} AS SELECT rowid + ${firstLine} AS _line, rowid AS _row, * FROM ${records}`
  );
  // The reader skips blank lines. Tools' exports have them (a report's footer); those files
  // are small, so their blank lines are found here, to keep later lines' numbers true.
  const blank = layout ? blankLinesOf(source.path).filter((line) => line > layout.skip) : [];
  const skipped = identifier(`${table}_skipped`);
  await db.run(`CREATE OR REPLACE TEMP TABLE ${skipped} AS SELECT DISTINCT line FROM ${identifier(rejectsTable)}`);
  for (const line of blank) await db.run(`INSERT INTO ${skipped} VALUES (${line})`);
  if (found!.broken || found!.multiline || blank.length) await relineRecords(db, table, names, skipped);
  await db.run(`INSERT INTO structural_rejects
    SELECT ${literal(source.fileName)}, line, min(error_type), first(csv_line), first(error_message)
    FROM ${identifier(rejectsTable)} GROUP BY line`);
  return names;
}

/**
 * A record's line = its first line were every record one line (see loadRaw) + line breaks inside their quoted fields
 * + lines before it that gave no record (`skipped`: unparseable records, each one line, as
 * DuckDB reports their physical lines; blank lines).
 * Trimming removed spaces only, so the line breaks are all still there to count.
 */
async function relineRecords(db: Database, table: string, columns: string[], skipped: string): Promise<void> {
  const text = columns.length ? `concat_ws('', ${columns.map(identifier).join(", ")})` : "''";
  const lined = identifier(`${table}_lined`);
  await db.run(`CREATE OR REPLACE TEMP TABLE ${lined} AS
    WITH spans AS (
      SELECT *, _line + coalesce(sum(length(${text}) - length(replace(${text}, chr(10), '')))
        OVER (ORDER BY _line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS _base
      FROM ${identifier(table)}),
    broken AS (SELECT line, row_number() OVER (ORDER BY line) AS n FROM ${skipped}),
    shifts AS (SELECT line - (n - 1) AS base, max(n) AS skipped FROM broken GROUP BY ALL)
    SELECT spans._base + coalesce(shifts.skipped, 0) AS _line, spans._row, ${columns.map((c) => `spans.${identifier(c)}`).join(", ") || "NULL AS _none"}
    FROM spans ASOF LEFT JOIN shifts ON spans._base >= shifts.base
    ORDER BY _line`);
  await db.run(`CREATE OR REPLACE TEMP VIEW ${identifier(table)} AS SELECT * FROM ${lined}`);
}

/** Physical numbers of the lines that are empty, outside quoted fields. */
function blankLinesOf(path: string): number[] {
  const text = readFileSync(path, "utf-8");
  const blank: number[] = [];
  let line = 1,
    quoted = false,
    empty = true;
  for (let i = 0; i < text.length; ++i) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    if (ch === "\n" && !quoted) {
      if (empty) blank.push(line);
      empty = true;
    } else if (ch === "\n") {
      empty = false;
    } else if (ch !== "\r" && ch !== "\uFEFF") {
      empty = false;
    }
    if (ch === "\n") line += 1;
  }
  return blank;
}

/**
 * The first `rows` records of a CSV file as text (trimmed; empty: NULL) in `table`, numbered
 * as loadRaw numbers a file whose records are one line each: enough to sniff its conventions
 * before reading it in full. Returns the column names.
 */
export async function loadSample(
  db: Database,
  source: SourceFile,
  table: string,
  header: CsvHeader,
  rows: number
): Promise<string[]> {
  const from = textCsv(source.path, header, storingRejects(table));
  const { names, select } = await trimmedColumns(db, from);
  const records = identifier(`${table}_records`);
  await db.run(`CREATE OR REPLACE TEMP TABLE ${records} AS SELECT ${select} FROM ${from} LIMIT ${rows}`);
  await db.run(
    `CREATE OR REPLACE TEMP VIEW ${identifier(table)} AS SELECT rowid + 2 AS _line, rowid AS _row, * FROM ${records}`
  );
  return names;
}

/**
 * A CSV file read as text, in its header's delimiter (`shape`: with a header, by default).
 * Quote and escape are fixed (RFC 4180) so that an unbalanced quote cannot trick the sniffer
 * into reading the whole file unquoted.
 */
export function textCsv(path: string, header: CsvHeader, options = "", shape = "header = true"): string {
  return `read_csv(${literal(path)}, ${shape}, all_varchar = true, delim = ${literal(header.delimiter)}, quote = '"', escape = '"'${options ? `, ${options}` : ""})`;
}

/** read_csv options that keep the lines it cannot read in `<prefix>_csv_errors` instead of failing. */
export function storingRejects(prefix: string): string {
  return `store_rejects = true, rejects_table = ${literal(`${prefix}_csv_errors`)}, rejects_scan = ${literal(`${prefix}_csv_scans`)}`;
}

/** The columns of a text read as their trimmed values (empty: NULL) under lower-cased names. */
export async function trimmedColumns(db: Database, from: string): Promise<{ names: string[]; select: string }> {
  const columns = await describe(db, `SELECT * FROM ${from}`);
  return { names: columns.map(lowerName), select: trimmedAs(columns, identifier) };
}

/** How many line feeds a file holds, and whether it ends with one: its physical lines, cheaply. */
export function lineFeedsOf(path: string): { count: number; final: boolean } {
  const fd = openSync(path, "r");
  const buffer = Buffer.allocUnsafe(1 << 22);
  let count = 0,
    last = -1,
    size: number;
  try {
    while ((size = readSync(fd, buffer, 0, buffer.length, null)) > 0) {
      const chunk = buffer.subarray(0, size);
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count += 1;
      last = chunk[size - 1]!;
    }
  } finally {
    closeSync(fd);
  }
  return { count, final: last === 10 };
}

async function describe(db: Database, query: string): Promise<string[]> {
  return (await db.columns(query)).map((c) => c.name);
}

const lowerName = (column: string) => column.trim().toLowerCase();

/** Each column trimmed (empty: NULL) under its lower-cased name. */
function trimmedAs(columns: string[], value: (column: string) => string): string {
  return (
    columns.map((c) => `nullif(trim(${value(c)}), '') AS ${identifier(lowerName(c))}`).join(", ") || "NULL AS _none"
  );
}
