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
 * Loads a source file into `table` with every column as trimmed text under its lower-cased
 * name (empty: NULL), plus `_line`: the physical line the record starts on (the header is
 * line 1; for Parquet, the row number). Records the CSV parser cannot split into the header's
 * columns go to `structuralRejects` with their line. Returns the column names.
 *
 * One pass over the file: the record number gives the line directly unless a quoted field
 * spans lines or the parser skipped a broken line, which a cheap scan detects; only then are
 * lines recounted (see relineRecords).
 */
export async function loadRaw(db: Database, source: SourceFile, table: string, header: CsvHeader | undefined): Promise<string[]> {
  if (source.format === "parquet") {
    const from = `read_parquet(${literal(source.path)})`;
    const columns = await describe(db, `SELECT * FROM ${from}`);
    await db.run(`CREATE OR REPLACE TEMP TABLE ${identifier(table)} AS
      SELECT row_number() OVER () AS _line, ${trimmedAs(columns, (c) => `${identifier(c)}::VARCHAR`)} FROM ${from}`);
    return columns.map(lowerName);
  }
  const rejectsTable = `${table}_csv_errors`;
  // quote and escape are fixed (RFC 4180) so that an unbalanced quote cannot trick the sniffer
  // into reading the whole file unquoted.
  const from = `read_csv(${literal(source.path)}, header = true, all_varchar = true, delim = ${literal(header!.delimiter)}, quote = '"', escape = '"',
      store_rejects = true, rejects_table = ${literal(rejectsTable)}, rejects_scan = ${literal(`${table}_csv_scans`)})`;
  const columns = await describe(db, `SELECT * FROM ${from}`);
  // No row_number(): numbering records in a window serializes the parallel CSV reader. A
  // table keeps the reader's order, so its rowid is the record number, for free.
  const records = identifier(`${table}_records`);
  await db.run(`CREATE OR REPLACE TEMP TABLE ${records} AS SELECT ${trimmedAs(columns, identifier)} FROM ${from}`);
  const names = columns.map(lowerName);
  const newline = names.length ? names.map((c) => `contains(${identifier(c)}, chr(10))`).join(" OR ") : "false";
  const [shape] = await db.rows<{ broken: number; multiline: boolean }>(`
    SELECT (SELECT count(*) FROM ${identifier(rejectsTable)})::BIGINT AS broken,
           EXISTS (SELECT 1 FROM ${records} WHERE ${newline}) AS multiline`);
  await db.run(`CREATE OR REPLACE TEMP VIEW ${identifier(table)} AS SELECT rowid + 2 AS _line, * FROM ${records}`);
  if (shape!.broken || shape!.multiline) await relineRecords(db, table, names, rejectsTable);
  await db.run(`INSERT INTO structural_rejects
    SELECT ${literal(source.fileName)}, line, min(error_type), first(csv_line), first(error_message)
    FROM ${identifier(rejectsTable)} GROUP BY line`);
  return names;
}

/**
 * A record's line = 2 + records before it + line breaks inside their quoted fields
 * + unparseable records before it (each one line; DuckDB reports their physical lines).
 * Trimming removed spaces only, so the line breaks are all still there to count.
 */
async function relineRecords(db: Database, table: string, columns: string[], rejectsTable: string): Promise<void> {
  const text = columns.length ? `concat_ws('', ${columns.map(identifier).join(", ")})` : "''";
  const lined = identifier(`${table}_lined`);
  await db.run(`CREATE OR REPLACE TEMP TABLE ${lined} AS
    WITH spans AS (
      SELECT *, 2 + (_line - 2) + coalesce(sum(length(${text}) - length(replace(${text}, chr(10), '')))
        OVER (ORDER BY _line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS _base
      FROM ${identifier(table)}),
    broken AS (SELECT line, row_number() OVER (ORDER BY line) AS n FROM (SELECT DISTINCT line FROM ${identifier(rejectsTable)})),
    shifts AS (SELECT line - (n - 1) AS base, max(n) AS skipped FROM broken GROUP BY ALL)
    SELECT spans._base + coalesce(shifts.skipped, 0) AS _line, ${columns.map((c) => `spans.${identifier(c)}`).join(", ") || "NULL AS _none"}
    FROM spans ASOF LEFT JOIN shifts ON spans._base >= shifts.base
    ORDER BY _line`);
  await db.run(`CREATE OR REPLACE TEMP VIEW ${identifier(table)} AS SELECT * FROM ${lined}`);
}

async function describe(db: Database, query: string): Promise<string[]> {
  return (await db.rows<{ name: string }>(`SELECT column_name AS name FROM (DESCRIBE ${query})`)).map((r) => r.name);
}

const lowerName = (column: string) => column.trim().toLowerCase();

/** Each column trimmed (empty: NULL) under its lower-cased name. */
function trimmedAs(columns: string[], value: (column: string) => string): string {
  return columns.map((c) => `nullif(trim(${value(c)}), '') AS ${identifier(lowerName(c))}`).join(", ") || "NULL AS _none";
}
