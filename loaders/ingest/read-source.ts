import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { CONFIG_FILE } from "../config.js";
import { CONTRACT, SOURCE_FORMATS, type ExportName } from "../contract.js";
import type { Database } from "../db.js";
import { identifier, literal } from "../sql.js";
import type { Problem } from "./problems.js";

export interface SourceFile {
  name: ExportName;
  /** The file's name as found in the folder, e.g. `Orders.CSV`. */
  fileName: string;
  path: string;
  format: "csv" | "parquet";
}

export interface FolderContents {
  sources: SourceFile[];
  /** Files that are not part of the contract: listed in the ingest summary, never read. */
  ignored: string[];
  problems: Problem[];
}

/** Matches the folder's files to the contract's exports (names and extensions case-insensitive). */
export function findSources(dataDir: string): FolderContents {
  const sources: SourceFile[] = [];
  const ignored: string[] = [];
  const problems: Problem[] = [];
  for (const fileName of readdirSync(dataDir).sort()) {
    if (fileName.startsWith(".") || fileName === CONFIG_FILE || !statSync(join(dataDir, fileName)).isFile()) continue;
    const extension = extname(fileName).toLowerCase() as keyof typeof SOURCE_FORMATS;
    const base = fileName.slice(0, fileName.length - extension.length).toLowerCase();
    const spec = CONTRACT.find((s) => s.name === base);
    if (!spec || !(extension in SOURCE_FORMATS)) {
      ignored.push(fileName);
      continue;
    }
    const twin = sources.find((s) => s.name === spec.name);
    if (twin) {
      problems.push({ file: fileName, rule: "ambiguous-file", message: `${twin.fileName} and ${fileName} both hold ${spec.name}: keep one` });
      continue;
    }
    sources.push({ name: spec.name, fileName, path: join(dataDir, fileName), format: SOURCE_FORMATS[extension] });
  }
  return { sources, ignored, problems };
}

export interface CsvHeader {
  columns: string[];
  delimiter: string;
}

const DELIMITERS = [",", ";", "\t"];

/**
 * Reads a CSV file's header line (after any UTF-8 byte order mark) and picks the delimiter it
 * uses most among comma, semicolon and tab. Sniffing the header rather than the data keeps
 * decimal commas in the rows (`10,5`) from being mistaken for delimiters.
 */
export function readCsvHeader(path: string): CsvHeader | undefined {
  const fd = openSync(path, "r");
  const buffer = Buffer.alloc(65_536);
  const size = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  const text = buffer.subarray(0, size).toString("utf-8").replace(/^\uFEFF/, "");
  const line = text.split(/\r?\n/, 1)[0]!;
  if (line.trim() === "") return undefined;
  const delimiter = DELIMITERS.reduce((best, d) => (line.split(d).length > line.split(best).length ? d : best), ",");
  return { columns: splitCsvLine(line, delimiter).map((c) => c.trim()), delimiter };
}

function splitCsvLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; ++i) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), ++i;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) fields.push(field), (field = "");
    else field += ch;
  }
  fields.push(field);
  return fields;
}

/**
 * Loads a source file into `table` with every column as text under its lower-cased name,
 * plus `_line`: the physical line the record starts on (the header is line 1; for Parquet,
 * the row number). Records the CSV parser cannot split into the header's columns go to
 * `structuralRejects` with their line. Returns the column names.
 */
export async function loadRaw(db: Database, source: SourceFile, table: string, header: CsvHeader | undefined): Promise<string[]> {
  const raw = identifier(`${table}_records`);
  if (source.format === "parquet") {
    await db.run(`CREATE OR REPLACE TEMP TABLE ${raw} AS SELECT row_number() OVER () AS _line, COLUMNS(*)::VARCHAR FROM read_parquet(${literal(source.path)})`);
    return renameLowerCase(db, raw, table, "_line");
  }
  const rejectsTable = `${table}_csv_errors`;
  // quote and escape are fixed (RFC 4180) so that an unbalanced quote cannot trick the sniffer
  // into reading the whole file unquoted.
  await db.run(`CREATE OR REPLACE TEMP TABLE ${raw} AS
    SELECT row_number() OVER () AS _record, * FROM read_csv(${literal(source.path)},
      header = true, all_varchar = true, delim = ${literal(header!.delimiter)}, quote = '"', escape = '"',
      store_rejects = true, rejects_table = ${literal(rejectsTable)}, rejects_scan = ${literal(`${table}_csv_scans`)})`);
  const columns = (await db.rows<{ name: string }>(`SELECT column_name AS name FROM (DESCRIBE ${raw}) WHERE column_name <> '_record'`)).map((r) => r.name);
  const text = columns.length ? `concat_ws('', ${columns.map(identifier).join(", ")})` : "''";
  // A record's line = 2 + records before it + line breaks inside their quoted fields
  // + unparseable records before it (each one line; DuckDB reports their physical lines).
  await db.run(`CREATE OR REPLACE TEMP TABLE ${identifier(`${table}_lines`)} AS
    WITH spans AS (
      SELECT _record, 2 + (_record - 1) + coalesce(sum(length(${text}) - length(replace(${text}, chr(10), '')))
        OVER (ORDER BY _record ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS base
      FROM ${raw}),
    broken AS (SELECT line, row_number() OVER (ORDER BY line) AS n FROM (SELECT DISTINCT line FROM ${identifier(rejectsTable)})),
    shifts AS (SELECT line - (n - 1) AS base, max(n) AS skipped FROM broken GROUP BY ALL)
    SELECT spans._record, spans.base + coalesce(shifts.skipped, 0) AS _line
    FROM spans ASOF LEFT JOIN shifts ON spans.base >= shifts.base`);
  await db.run(`CREATE OR REPLACE TEMP TABLE ${identifier(`${table}_raw_lined`)} AS
    SELECT l._line, r.* EXCLUDE (_record) FROM ${raw} r JOIN ${identifier(`${table}_lines`)} l USING (_record)`);
  await db.run(`INSERT INTO structural_rejects
    SELECT ${literal(source.fileName)}, line, min(error_type), first(csv_line), first(error_message)
    FROM ${identifier(rejectsTable)} GROUP BY line`);
  return renameLowerCase(db, identifier(`${table}_raw_lined`), table, "_line");
}

/** Creates `table` from `from` with every column renamed to its trimmed, lower-cased name. */
async function renameLowerCase(db: Database, from: string, table: string, keep: string): Promise<string[]> {
  const columns = (await db.rows<{ name: string }>(`SELECT column_name AS name FROM (DESCRIBE ${from}) WHERE column_name <> ${literal(keep)}`)).map((r) => r.name);
  const renamed = columns.map((c) => c.trim().toLowerCase());
  const select = columns.map((c, i) => `nullif(trim(${identifier(c)}), '') AS ${identifier(renamed[i]!)}`);
  await db.run(`CREATE OR REPLACE TEMP TABLE ${identifier(table)} AS SELECT ${[identifier(keep), ...select].join(", ")} FROM ${from}`);
  return renamed;
}
