/** The direct read: a clean plain CSV read once, straight into its typed table, its rules computed in the same pass. */
import type { ExportFile } from "./context.js";
import type { FileSpec } from "../contract/contract.js";
import type { Database } from "../core/db.js";
import { identifier } from "../core/sql.js";
import type { ReadConventions } from "./parse.js";
import { isPersonalName } from "./personal-columns.js";
import {
  type CsvHeader,
  type SourceFile,
  lineFeedsOf,
  loadSample,
  storingRejects,
  textCsv,
  trimmedColumns
} from "./read-source.js";
import type { FileSummary } from "./summary.js";
import { DATE_SAMPLE, conventionsOf } from "./conventions.js";
import { brokenList, readingsOf, rowRules, stagedDontKnow, stagedParsed } from "./rules.js";
import { extraColumns } from "./personal-extras.js";
import { typedExpression } from "./accept.js";

/** A file read directly: its conventions, and its columns. */
export type DirectRead = ReadConventions & {
  export: string;
  columns: string[];
  /** Columns the table holds until finishDirectTables: `_broken`, and `_dont_know` with scores. */
  working: string[];
};

const DIRECT_BUFFER_BYTES = 64 * 1024 * 1024;

/** How many records of a file are read first, to sniff its conventions before it is read directly. */
const SNIFF_ROWS = DATE_SAMPLE * 10;

/**
 * Whether a file may be read directly into its export's table: a plain CSV without personal
 * data (those columns go to customer_contacts, or nowhere) and without columns that look personal.
 */
export function canLoadDirect(spec: FileSpec, source: SourceFile, header: CsvHeader | undefined): boolean {
  if (source.format !== "csv" || !header || spec.columns.some((c) => c.pii)) return false;
  return !extraColumns(
    spec,
    header.columns.map((c) => c.toLowerCase())
  ).some(isPersonalName);
}

/**
 * The fast way in for a large clean file: one read of the CSV, straight into the export's
 * table (typed), each row's broken rules computed in the same pass as a list (`_broken`),
 * instead of a text copy of the file, a scan for the rules and a second write. The table keeps
 * every row, in file order, until finishDirectTables deletes the rejected ones, so its rowid
 * is the record's number and `raw_<export>` (rowid + 2 as the line) serves the key and
 * reference checks like loadRaw's table.
 *
 * Line numbers are rowid + 2 only when every record is one line and the reader split every
 * line: the file's line feeds are counted to make sure. Any other file (a quoted line break,
 * a blank line, a line the reader could not split, another encoding), and a file whose sample
 * leaves its date order open, returns undefined and is read the general way, which numbers
 * lines exactly (loadRaw) and reports the problem with its line.
 */
export async function loadDirect(file: ExportFile, header: CsvHeader): Promise<DirectRead | undefined> {
  const { db, spec, source, folder } = file;
  const { config } = folder;
  const sample = `sample_${spec.name}`;
  const columns = await loadSample(db, source, sample, header, SNIFF_ROWS);
  const conventions = await conventionsOf({ ...file, columns }, sample);
  await db.run(`DROP VIEW ${identifier(sample)}`);
  await db.run(`DROP TABLE ${identifier(`${sample}_records`)}`);
  if ("rule" in conventions) return undefined;
  const table = identifier(spec.name);
  const rejectsPrefix = `direct_${spec.name}`;
  // Reader buffers of 64 MB (DuckDB's default is 32 MB) hand the insert batches of whole row
  // groups, which it writes as it goes; smaller batches leave row groups that the checkpoint
  // rewrites (4-8 s for a file of ten million orders, none with 64 MB).
  const from = textCsv(source.path, header, `buffer_size = ${DIRECT_BUFFER_BYTES}, ${storingRejects(rejectsPrefix)}`);
  const { select: trimmed } = await trimmedColumns(db, from);
  const known = spec.columns.filter((c) => columns.includes(c.name));
  const extras = extraColumns(spec, columns);
  const own = brokenList(spec, rowRules({ ...file, columns, sources: [] }, conventions, true).local, conventions);
  // Each column read once per row (staged), for both its rules and its typed value.
  const staging = known.flatMap((c) => {
    const { parsed, dontKnow } = readingsOf(c, config, conventions, "");
    return [
      ...(parsed ? [`${parsed} AS ${stagedParsed(c.name)}`] : []),
      ...(dontKnow ? [`${dontKnow} AS ${stagedDontKnow(c.name)}`] : [])
    ];
  });
  const scores = known.filter((c) => c.type === "score");
  const dontKnow = scores.length
    ? [`(${scores.map((c) => `${stagedDontKnow(c.name)}::INTEGER`).join(" + ")}) AS _dont_know`]
    : [];
  // The reader's order is kept (DuckDB's default), so that rowid is the record's number.
  await db.run(`CREATE OR REPLACE TABLE ${table} AS
    SELECT ${[
      ...known.map((c) => `${typedExpression(c, config, conventions, true)} AS ${identifier(c.name)}`),
      ...extras.map(identifier),
      `CASE WHEN ${own.condition} THEN ${own.list} END AS _broken`,
      ...dontKnow
    ].join(", ")}
    FROM (SELECT *${staging.length ? `, ${staging.join(", ")}` : ""} FROM (SELECT ${trimmed} FROM ${from})) r`);
  const [read] = await db.rows<{ records: number; unreadable: number }>(`
    SELECT (SELECT count(*) FROM ${table})::BIGINT AS records, (SELECT count(*) FROM ${identifier(`${rejectsPrefix}_csv_errors`)})::BIGINT AS unreadable`);
  const lines = lineFeedsOf(source.path);
  if (read!.unreadable > 0 || lines.count !== read!.records + (lines.final ? 1 : 0)) {
    await db.run(`DROP TABLE ${table}`);
    return undefined;
  }
  await db.run(
    `CREATE OR REPLACE TEMP VIEW ${identifier(`raw_${spec.name}`)} AS SELECT rowid + 2 AS _line, rowid AS _row, * FROM ${table}`
  );
  return {
    ...conventions,
    export: spec.name,
    columns,
    working: ["_broken", ...(dontKnow.length ? ["_dont_know"] : [])]
  };
}

/** Rows read, accepted and rejected of a file read directly: its table still holds every row. */
export async function directSummary(file: ExportFile, direct: DirectRead): Promise<FileSummary> {
  const { db, spec, source } = file;
  const raw = identifier(`raw_${spec.name}`);
  const rejected = identifier(`rejected_${spec.name}`);
  const hasScores = direct.working.includes("_dont_know");
  const [counts] = await db.rows<{ read: number; rejected: number; dont_know: number; by_rule: string }>(`
    SELECT (SELECT coalesce(string_agg(rule || ': ' || n, '; ' ORDER BY n DESC, rule), '')
            FROM (SELECT rule, count(DISTINCT _row) AS n FROM ${rejected} GROUP BY rule)) AS by_rule,
           (SELECT count(*) FROM ${raw})::BIGINT AS read,
           (SELECT count(DISTINCT _row) FROM ${rejected})::BIGINT AS rejected,
           ${hasScores ? `(SELECT coalesce(sum(_dont_know), 0) FROM ${raw} r ANTI JOIN (SELECT DISTINCT _row FROM ${rejected}) x ON r._row = x._row)` : "0"}::BIGINT AS dont_know`);
  return {
    file: source.fileName,
    export: spec.name,
    format: source.format,
    rowsRead: counts!.read,
    rowsAccepted: counts!.read - counts!.rejected,
    rowsRejected: counts!.rejected,
    dontKnow: counts!.dont_know,
    rejectedByRule: counts!.by_rule
  };
}

/**
 * Tables read directly keep every row until every file's references were checked against
 * them (rejected rows' keys included, as in loadRaw's tables): then their rejected rows and
 * working columns go.
 */
export async function finishDirectTables(db: Database, directs: DirectRead[], files: FileSummary[]): Promise<void> {
  for (const { export: name, working } of directs) {
    const table = identifier(name);
    await db.run(`DROP VIEW ${identifier(`raw_${name}`)}`);
    if (files.find((f) => f.export === name)!.rowsRejected > 0)
      await db.run(`DELETE FROM ${table} WHERE rowid IN (SELECT _row FROM ${identifier(`rejected_${name}`)})`);
    for (const column of working) await db.run(`ALTER TABLE ${table} DROP COLUMN ${identifier(column)}`);
  }
}
