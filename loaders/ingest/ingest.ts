import type { Warning } from "./warnings.js";
import { configProblems, configWarnings } from "./config-checks.js";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CONFIG_FILE,
  DEFAULT_CURRENCY,
  isSurveyConfig,
  readConfig,
  type Config,
  type SurveyConfig
} from "../contract/config.js";
import {
  CONTRACT,
  CONTRACT_VERSION,
  FALSE_WORDS,
  SURVEY_FILES,
  TRUE_WORDS,
  type ColumnSpec,
  type ExportName,
  type FileSpec
} from "../contract/contract.js";
import type { Database } from "../core/db.js";
import { identifier, literal } from "../core/sql.js";
import { formatProblem, IngestError, type Problem } from "../core/errors.js";
import {
  amountCurrencySql,
  currencySql,
  RATE_TYPE,
  dateFormatsShown,
  dateSql,
  decimalSql,
  dateWindow,
  defaultDateRules,
  numberFormatShown,
  numberInSql,
  SLASH_DATE_PATTERN,
  wholeNumberSql,
  type DateRules,
  type ReadConventions
} from "./parse.js";
import { outcomeSql, outcomesHint, OUTCOME_FLAGS } from "./outcomes.js";
import { PROCESS_SECRET, pseudonymSql } from "./pseudonyms.js";
import { convertCurrencies } from "./currencies.js";
import { linkTickets } from "./ticket-links.js";
import { columnsHoldingContacts, isPersonalName } from "./personal-columns.js";
import { convertToUtf8, detectEncoding, ENCODING_NAMES, type Encoding } from "./encoding.js";
import {
  emptyFile,
  findSources,
  headerNameProblems,
  lineFeedsOf,
  loadRaw,
  loadSample,
  readCsvHeader,
  storingRejects,
  textCsv,
  trimmedColumns,
  type CsvHeader,
  type SourceFile
} from "./read-source.js";
import { loadConfiguredExport, type ConfiguredSource, type VendorTables } from "./sources.js";

/** Shown instead of the value in rejects of personal-data columns and lines. */
export const WITHHELD = "(withheld: personal data)";

export interface FileSummary {
  file: string;
  export: string;
  format: string;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** Survey answers read as missing because they were a "don't know" code. */
  dontKnow: number;
  /** Rows rejected per rule, most first: `orphan: 3; not-a-date: 1`. */
  rejectedByRule: string;
}

export interface IngestResult {
  files: FileSummary[];
  /** Files read with a treatment the analyst should know of (an encoding, unmapped answers). */
  warnings: Warning[];
  /** Files in the folder that are not part of the contract. */
  ignored: string[];
  config: Config | undefined;
  /** Exports read in one pass straight into their tables (loadDirect); the others were read the general way. */
  readDirectly: string[];
}

export interface IngestOptions {
  /** Called at the start of each stage, for progress reporting. */
  onStage?: (stage: string) => void;
  /**
   * Read clean CSV files in one pass (the default). False reads every file the general way:
   * the two give the same warehouse, which the tests check.
   */
  direct?: boolean;
  /** The secret of the pseudonyms of personal keys (ensureWarehouse keeps one per warehouse folder; default: one per process). */
  pseudonymSecret?: string;
}

/**
 * Validates the exports in `dataDir` and loads them into `db`: one typed table per export
 * (named after it), `customer_contacts` (the personal data, kept apart), `rejects` (file,
 * line, column, value, rule, message for every rule a row broke), `ingest_files` (rows read,
 * accepted and rejected per file; read = accepted + rejected), `ingest_meta`, and, with a
 * config, `brands` and `attributes`. Problems that stop ingest are collected across the
 * folder and thrown together as an IngestError.
 */
export async function ingestFolder(db: Database, dataDir: string, options: IngestOptions = {}): Promise<IngestResult> {
  const { onStage = () => {}, direct: readDirectly = true, pseudonymSecret = PROCESS_SECRET } = options;
  onStage("reading the configuration");
  const config = readConfig(dataDir);
  const folder: FolderRules = { config, secret: pseudonymSecret };
  const { sources, ignored, problems } = findSources(dataDir, config);
  problems.push(...missingFiles(sources, config));
  const scratch = mkdtempSync(join(tmpdir(), "cva-ingest-"));
  try {
    const warnings: Warning[] = [];
    await decodeSources(sources, scratch, warnings);
    const headers = new Map<SourceFile, CsvHeader | undefined>();
    for (const source of sources) {
      if (!isPlain(source)) continue;
      const header = source.format === "csv" ? readCsvHeader(source.path) : undefined;
      headers.set(source, header);
      problems.push(...(await headerProblems(db, source, header)));
    }
    if (problems.length) throw new IngestError(problems);

    await db.run(
      `CREATE TABLE rejects (file VARCHAR, line BIGINT, "column" VARCHAR, value VARCHAR, rule VARCHAR, message VARCHAR)`
    );
    await db.run(
      `CREATE TEMP TABLE structural_rejects (file VARCHAR, line BIGINT, error_type VARCHAR, csv_line VARCHAR, error_message VARCHAR)`
    );
    const files: FileSummary[] = [];
    const vendorTables: VendorTables = new Map();
    const directs: DirectRead[] = [];
    const columnsRead = new Map<ExportName, string[]>();
    for (const spec of CONTRACT) {
      const source = sources.find((s) => s.name === spec.name);
      if (!source) continue;
      onStage(`validating ${source.fileName}${source.entry ? ` (${spec.name})` : ""}`);
      let columns: string[];
      let direct: DirectRead | undefined;
      try {
        if (readDirectly && isPlain(source) && canLoadDirect(spec, source, headers.get(source))) {
          direct = await loadDirect(db, spec, source, headers.get(source)!, folder);
        }
        if (direct) {
          columns = direct.columns;
        } else if (isPlain(source)) {
          columns = await loadRaw(db, source, `raw_${spec.name}`, headers.get(source));
          if (await hasInvalidEncoding(db, source)) {
            // Bytes beyond the first 64 KB that are not UTF-8: read again as Windows-1252.
            await convertSource(source, "windows-1252", scratch, warnings);
            await db.run(`DELETE FROM structural_rejects WHERE file = ${literal(source.fileName)}`);
            columns = await loadRaw(db, source, `raw_${spec.name}`, headers.get(source));
          }
        } else {
          const view = await loadConfiguredExport(db, source as ConfiguredSource, config, vendorTables);
          problems.push(...view.problems);
          // A survey file's exports share its header: each warning is said once.
          for (const message of view.warnings)
            if (!warnings.some((w) => w.file === source.fileName && w.message === message))
              warnings.push({ file: source.fileName, message });
          if (view.problems.length) continue;
          columns = view.columns;
          const missing = missingColumns(source, spec, columns);
          problems.push(...missing);
          if (missing.length) continue;
        }
      } catch (error) {
        problems.push({ file: source.fileName, rule: "unreadable", message: `cannot be read: ${firstLine(error)}` });
        continue;
      }
      const conventions = direct ?? (await conventionsOf(db, spec, source, columns, folder));
      if ("rule" in conventions) {
        problems.push(conventions);
        continue;
      }
      columnsRead.set(
        spec.name,
        columns.map((c) => c.toLowerCase())
      );
      problems.push(...customerBaseProblems(spec, source, columns, config));
      problems.push(...(await duplicateKeys(db, spec, source)));
      const personal = await personalExtras(db, spec, columns);
      await recordRejects(db, spec, source, columns, sources, config, conventions, Boolean(direct));
      problems.push(...(await unmappedStages(db, spec, source)));
      files.push(
        direct
          ? await directSummary(db, spec, source, direct)
          : await acceptRows(db, spec, source, columns, config, conventions, sources, personal)
      );
      if (direct) directs.push({ ...direct, working: [...direct.working, ...personal.byName, ...personal.byValue] });
      warnings.push(
        ...(await unmappedAnswers(db, spec, source)),
        ...personalWarnings(source, personal),
        ...customerBaseWarnings(spec, source, columns, config)
      );
    }
    problems.push(...configProblems(config, columnsRead));
    warnings.push(...configWarnings(config, columnsRead));
    // A survey file's exports share its mapping: a problem with it is said once.
    if (problems.length)
      throw new IngestError(
        problems.filter((p, i) => problems.findIndex((q) => formatProblem(q) === formatProblem(p)) === i)
      );
    await finishDirectTables(db, directs, files);
    const currencyProblems = await convertCurrencies(db, config, sources);
    if (currencyProblems.length) throw new IngestError(currencyProblems);
    warnings.push(...(await linkTickets(db, sources)));

    onStage("recording the summary");
    await db.run(
      `CREATE TABLE ingest_files (file VARCHAR, export VARCHAR, format VARCHAR, rows_read BIGINT, rows_accepted BIGINT, rows_rejected BIGINT, dont_know BIGINT, rejected_by_rule VARCHAR)`
    );
    for (const f of files) {
      await db.run(`INSERT INTO ingest_files VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
        f.file,
        f.export,
        f.format,
        f.rowsRead,
        f.rowsAccepted,
        f.rowsRejected,
        f.dontKnow,
        f.rejectedByRule
      ]);
    }
    await db.run(`CREATE TABLE ingest_warnings (file VARCHAR, message VARCHAR)`);
    for (const w of warnings) await db.run(`INSERT INTO ingest_warnings VALUES ($1, $2)`, [w.file, w.message]);
    // Sizes and modification times, for the provenance line every page shows.
    await db.run(`CREATE TABLE ingest_sources (file VARCHAR, bytes BIGINT, modified_at TIMESTAMP)`);
    const configPath = join(dataDir, CONFIG_FILE);
    // Files joined to a line-item export are read too (lines.join): their sizes and times are part of what the figures come from.
    const joined = (config?.sources ?? [])
      .flatMap((e) => e.lines?.join.map((j) => j.file) ?? [])
      .map((file) => readdirSync(dataDir).find((f) => f.toLowerCase() === file.toLowerCase()))
      .filter((f): f is string => f !== undefined);
    const read = [...new Set([...sources.map((s) => s.fileName), ...joined])].map((fileName) => ({
      fileName,
      path: join(dataDir, fileName)
    }));
    for (const source of [...read, ...(existsSync(configPath) ? [{ fileName: CONFIG_FILE, path: configPath }] : [])]) {
      const stat = statSync(source.path);
      await db.run(`INSERT INTO ingest_sources VALUES ($1, $2, make_timestamp($3::BIGINT))`, [
        source.fileName,
        stat.size,
        Math.round(stat.mtimeMs * 1000)
      ]);
    }
    await db.run(
      `CREATE TABLE ingest_meta AS SELECT $1::INTEGER AS contract_version, $2::VARCHAR AS data_dir, $3::VARCHAR AS config, $4::VARCHAR AS ignored_files`,
      [CONTRACT_VERSION, dataDir, config ? JSON.stringify(config) : null, JSON.stringify(ignored)]
    );
    if (isSurveyConfig(config)) await recordConfig(db, config);
    return { files, ignored, config, warnings, readDirectly: directs.map((d) => d.export) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A file read as it is: named after its export, or mapped with no more than its conventions. */
function isPlain(source: SourceFile): boolean {
  const entry = source.entry;
  return !entry || (entry.format === "csv" && !entry.survey && !entry.lines && Object.keys(entry.rename).length === 0);
}

/** Files in UTF-16 or Windows-1252 are converted to UTF-8 copies in `scratch` first: DuckDB reads UTF-8. */
async function decodeSources(sources: SourceFile[], scratch: string, warnings: Warning[]): Promise<void> {
  const converted = new Map<string, string>();
  for (const source of sources) {
    if (source.format !== "csv") continue;
    const done = converted.get(source.fileName);
    if (done) {
      source.path = done;
      continue;
    }
    const stated = source.entry?.encoding;
    const detected = detectEncoding(source.path);
    const encoding: Encoding =
      stated === "utf-8" || stated === "windows-1252"
        ? stated
        : stated === "utf-16"
          ? detected === "utf-16be"
            ? "utf-16be"
            : "utf-16le"
          : detected;
    if (encoding !== "utf-8") await convertSource(source, encoding, scratch, warnings);
    converted.set(source.fileName, source.path);
  }
}

async function convertSource(
  source: SourceFile,
  encoding: Exclude<Encoding, "utf-8">,
  scratch: string,
  warnings: Warning[]
): Promise<void> {
  const target = join(scratch, `${warnings.length}-${source.fileName}`);
  await convertToUtf8(source.path, encoding, target);
  source.path = target;
  warnings.push({
    file: source.fileName,
    message:
      encoding === "windows-1252"
        ? 'the file is not UTF-8: read as Windows-1252 (Excel\'s "CSV" on Windows); check accented letters in the reports, or export as "CSV UTF-8"'
        : `read as ${ENCODING_NAMES[encoding]}`
  });
}

/** The contract's required columns a configured source's view lacks: the rename map must name them. */
function missingColumns(source: SourceFile, spec: FileSpec, columns: string[]): Problem[] {
  return spec.columns
    .filter((c) => c.inHeader && !columns.includes(c.name))
    .map((c) => ({
      file: source.fileName,
      line: 1,
      column: c.name,
      rule: "missing-column",
      message: `required column ${c.name} of ${spec.name} is missing: name the file's column for it in sources.${source.entry!.index}.rename (found: ${columns.join(", ")})`
    }));
}

/** How many rows of a sample decide how a file writes dates with slashes. */
const DATE_SAMPLE = 10_000;

/**
 * The file's number and date conventions: from its `sources` entry, else from a sample of its
 * values: decimal commas when amounts end in a comma and one or two digits (`12,5`, `1.234,50`)
 * and none in a point and one or two digits; for dates with slashes, the order its dates show
 * (a part above 12 is the day). Dates that never tell (every part 12 or below) are an error:
 * guessing would swap days and months silently.
 */
async function conventionsOf(
  db: Database,
  spec: FileSpec,
  source: SourceFile,
  columns: string[],
  { config, secret }: FolderRules,
  relation = `raw_${spec.name}`
): Promise<ReadConventions | Problem> {
  const fileWide = {
    keySecret: secret,
    decimal: source.entry?.decimal ?? (await decimalSeparatorOf(db, spec, columns, relation)),
    dateRules: dateRulesOf(config),
    outcomeFlags:
      spec.columns.some((c) => c.type === "outcome") &&
      Object.values(OUTCOME_FLAGS).every((flag) => columns.includes(flag))
  };
  if (source.entry?.dates) return { ...fileWide, slashDates: source.entry.dates };
  const dates = spec.columns
    .filter((c) => (c.type === "date" || c.type === "timestamp") && columns.includes(c.name))
    .map((c) => identifier(c.name));
  if (!dates.length) return fileWide;
  const raw = identifier(relation);
  const [found] = await db.rows<{
    slashed: number;
    day_first: number;
    month_first: number;
    example: string | null;
    line: number | null;
    column: string | null;
  }>(`
    WITH sample AS (
      SELECT _line, source_column, value FROM (SELECT _line, ${dates.join(", ")} FROM ${raw} LIMIT ${DATE_SAMPLE * 10}) UNPIVOT (value FOR source_column IN (${dates.join(", ")}))
      WHERE regexp_matches(value, '${SLASH_DATE_PATTERN}') LIMIT ${DATE_SAMPLE}),
    parts AS (SELECT *, CAST(split_part(value, '/', 1) AS INTEGER) AS first, CAST(split_part(value, '/', 2) AS INTEGER) AS second FROM sample)
    SELECT count(*)::BIGINT AS slashed, count(*) FILTER (WHERE first > 12)::BIGINT AS day_first, count(*) FILTER (WHERE second > 12)::BIGINT AS month_first,
           first(value ORDER BY _line) AS example, min(_line) AS line, first(source_column ORDER BY _line) AS "column" FROM parts`);
  if (!found || !found.slashed) return fileWide;
  if (found.day_first && !found.month_first) return { ...fileWide, slashDates: "DD/MM/YYYY" };
  if (found.month_first && !found.day_first) return { ...fileWide, slashDates: "MM/DD/YYYY" };
  const where = source.entry
    ? `sources.${source.entry.index}.dates`
    : `a sources entry for ${source.fileName} with "dates"`;
  return {
    file: source.fileName,
    line: found.line ?? undefined,
    column: found.column ?? undefined,
    rule: "ambiguous-dates",
    message: found.day_first
      ? `dates with slashes are written both day first and month first (e.g. ${found.example}): set ${where} to MM/DD/YYYY or DD/MM/YYYY and re-export consistently`
      : `dates such as ${found.example} could be month/day or day/month: set ${where} in cva.config.json to "MM/DD/YYYY" or "DD/MM/YYYY"`
  };
}

/** The folder's date rules: the config's, else the defaults. */
function dateRulesOf(config: Config | undefined): DateRules {
  if (!config) return defaultDateRules();
  const { pivot, timeZone, earliest, yearsAhead } = config.dates;
  return { pivot, timeZone, ...dateWindow(earliest, yearsAhead) };
}

async function decimalSeparatorOf(
  db: Database,
  spec: FileSpec,
  columns: string[],
  relation: string
): Promise<"." | ","> {
  const numbers = spec.columns
    .filter((c) => c.type === "decimal" && columns.includes(c.name))
    .map((c) => identifier(c.name));
  if (!numbers.length) return ".";
  const [found] = await db.rows<{ comma: number; point: number }>(`
    WITH sample AS (SELECT value FROM (SELECT ${numbers.join(", ")} FROM ${identifier(relation)} LIMIT ${DATE_SAMPLE * 10}) UNPIVOT (value FOR source_column IN (${numbers.join(", ")})))
    SELECT count(*) FILTER (WHERE regexp_matches(value, ',\\d{1,2}(\\s*\\D*)$'))::BIGINT AS comma,
           count(*) FILTER (WHERE regexp_matches(value, '\\.\\d{1,2}(\\s*\\D*)$'))::BIGINT AS point FROM sample`);
  return found && found.comma > 0 && found.point === 0 ? "," : ".";
}

/** Survey answers no choice mapping turned into a score, by text and count: one warning per text. */
async function unmappedAnswers(db: Database, spec: FileSpec, source: SourceFile): Promise<Warning[]> {
  if (!source.entry?.survey || !spec.columns.some((c) => c.type === "score")) return [];
  const rows = await db.rows<{ column: string; value: string; n: number }>(`
    SELECT "column", value, count(*)::BIGINT AS n FROM ${identifier(`rejected_${spec.name}`)}
    WHERE rule = 'not-a-score' GROUP BY ALL ORDER BY n DESC, value LIMIT 20`);
  return rows.map((r) => ({
    file: source.fileName,
    message: `${r.n} answer${r.n === 1 ? "" : "s"} "${r.value}" (${r.column}) not mapped to a score: add it to sources.${source.entry!.index}.survey.choices`
  }));
}

/** Lifecycle and type columns of CRM exports: they tell customers from prospects, leads and partners. */
const RECORD_KINDS = /^(lifecycle ?stage|type|account ?type|customer ?type|status|record ?type)$/;

/**
 * The config's customerBase must name a column of the customers export. A CRM's customers
 * export without it takes every record as a customer: said in a warning (customerBaseWarnings).
 */
function customerBaseProblems(
  spec: FileSpec,
  source: SourceFile,
  columns: string[],
  config: Config | undefined
): Problem[] {
  const base = config?.customerBase;
  if (spec.name !== "customers" || !base || columns.includes(base.column.toLowerCase())) return [];
  return [
    {
      file: source.fileName,
      column: "customerBase.column",
      rule: "config",
      message: `${base.column} is not a column of ${source.fileName} (found: ${columns.join(", ")})`
    }
  ];
}

function customerBaseWarnings(
  spec: FileSpec,
  source: SourceFile,
  columns: string[],
  config: Config | undefined
): Warning[] {
  // A contract customers file is customers by definition; a tool's export may hold prospects. HubSpot's lifecycle stage is read by default.
  if (
    spec.name !== "customers" ||
    !source.entry ||
    config?.customerBase ||
    (source.entry.format === "hubspot" && columns.includes("lifecycle stage"))
  )
    return [];
  const kind = columns.find((c) => RECORD_KINDS.test(c));
  return [
    {
      file: source.fileName,
      message: kind
        ? `every row is taken as a customer, though column ${kind} may mark prospects, leads or partners: set customerBase { "column": ..., "values": [...] } in cva.config.json to keep them out`
        : "every row is taken as a customer: the export has no lifecycle or type column to tell prospects apart (customerBase in cva.config.json)"
    }
  ];
}

/**
 * Deal stages that are neither won, lost nor open by the defaults or the config: one problem
 * for the file, listing each with its count, since every row of a stage is wrong the same way.
 */
async function unmappedStages(db: Database, spec: FileSpec, source: SourceFile): Promise<Problem[]> {
  const outcome = spec.columns.find((c) => c.type === "outcome");
  if (!outcome) return [];
  const stages = await db.rows<{ value: string; n: number; line: number }>(`
    SELECT value, count(*)::BIGINT AS n, min(_line) AS line FROM ${identifier(`rejected_${spec.name}`)} WHERE rule = 'not-an-outcome' GROUP BY value ORDER BY n DESC, value`);
  if (!stages.length) return [];
  const listed = stages.map((s) => `"${s.value}" (${s.n} deal${s.n === 1 ? "" : "s"})`).join(", ");
  return [
    {
      file: source.fileName,
      line: Math.min(...stages.map((s) => s.line)),
      column: outcome.name,
      rule: "unmapped-stage",
      message: `${stages.length === 1 ? "a stage" : `${stages.length} stages`} not known as won, lost or open: ${listed}; ${outcomesHint(stages.map((s) => s.value))}`
    }
  ];
}

function missingFiles(sources: SourceFile[], config: Config | undefined): Problem[] {
  const has = (name: string) => sources.some((s) => s.name === name);
  const problems: Problem[] = [];
  const missing = (name: string, why: string) =>
    problems.push({
      file: `${name}.csv`,
      rule: "missing-file",
      message: `${why}: add ${name}.csv (or ${name}.parquet) to the data folder`
    });
  // A survey alone, or CRM exports without orders, make reports of their own: only an empty folder is an error.
  if (!sources.length) {
    problems.push({
      file: "(data folder)",
      rule: "missing-file",
      message: "the folder holds no export: add orders.csv, customers.csv or a survey's files (docs/data-contract.md)"
    });
  }
  const survey = SURVEY_FILES.filter(has);
  if (survey.length) {
    for (const name of SURVEY_FILES)
      if (!has(name)) missing(name, `${survey[0]} is present, so the survey needs ${name} too`);
    if (!config)
      problems.push({
        file: CONFIG_FILE,
        rule: "missing-file",
        message: "the survey exports need a cva.config.json naming our brand, the competitors and the attributes"
      });
    else if (!isSurveyConfig(config))
      problems.push({
        file: CONFIG_FILE,
        rule: "config",
        message: "the survey exports need brand, competitors and attributes in cva.config.json"
      });
  }
  return problems;
}

async function headerProblems(db: Database, source: SourceFile, header: CsvHeader | undefined): Promise<Problem[]> {
  let columns: string[];
  if (source.format === "csv") {
    if (!header) return [emptyFile(source.fileName, 1)];
    columns = header.columns.map((c) => c.toLowerCase());
  } else {
    try {
      columns = (await db.columns(`SELECT * FROM read_parquet(${literal(source.path)})`)).map((c) =>
        c.name.trim().toLowerCase()
      );
    } catch (error) {
      return [{ file: source.fileName, rule: "unreadable", message: `cannot be read as Parquet: ${firstLine(error)}` }];
    }
  }
  const problems = headerNameProblems(source.fileName, columns);
  const spec = CONTRACT.find((s) => s.name === source.name)!;
  for (const column of spec.columns) {
    if (column.inHeader && !columns.includes(column.name)) {
      problems.push({
        file: source.fileName,
        line: 1,
        column: column.name,
        rule: "missing-column",
        message: `required column ${column.name} is missing (found: ${columns.join(", ")})`
      });
    }
  }
  return problems;
}

/**
 * DuckDB's reader found bytes that are not UTF-8. That is a property of the whole file (an
 * export setting), not of the lines with accented letters: rejecting those would drop every
 * customer named José, so the file is read again as Windows-1252 instead.
 */
async function hasInvalidEncoding(db: Database, source: SourceFile): Promise<boolean> {
  const [found] = await db.rows<{ any: boolean }>(`
    SELECT EXISTS (SELECT 1 FROM structural_rejects WHERE file = ${literal(source.fileName)} AND error_type = 'INVALID ENCODING') AS any`);
  return found!.any;
}

const MAX_DUPLICATES_REPORTED = 20;

async function duplicateKeys(db: Database, spec: FileSpec, source: SourceFile): Promise<Problem[]> {
  if (!spec.key.length) return [];
  const keys = spec.key.map(identifier);
  const raw = identifier(`raw_${spec.name}`);
  const complete = keys.map((k) => `${k} IS NOT NULL`).join(" AND ");
  // Counting hashes first: grouping by one number is far cheaper than by several texts, and
  // listing every key's lines would build a list per row. Equal keys hash alike, so no
  // repeated hash means no duplicate; a repeated one (a duplicate, or rarely a collision) is
  // then checked exactly.
  const [{ any }] = (await db.rows<{ any: boolean }>(`
    SELECT EXISTS (SELECT 1 FROM ${raw} WHERE ${complete} GROUP BY hash(${keys.join(", ")}) HAVING count(*) > 1) AS any`)) as [
    { any: boolean }
  ];
  if (!any) return [];
  const groups = await db.rows<{ key: string; lines: string; total: number }>(`
    SELECT concat_ws(', ', ${keys.join(", ")}) AS key, list(_line ORDER BY _line)::VARCHAR AS lines, count(*) OVER () AS total
    FROM ${raw} WHERE ${complete}
    GROUP BY ALL HAVING count(*) > 1 ORDER BY min(_line) LIMIT ${MAX_DUPLICATES_REPORTED}`);
  const column = spec.key.join(", ");
  const problems: Problem[] = groups.map((group) => {
    const lines = group.lines.slice(1, -1).split(", ").map(Number);
    return {
      file: source.fileName,
      line: lines[1],
      column,
      rule: "duplicate-key",
      message: `duplicate ${column} ${group.key} (first on line ${lines[0]}${lines.length > 2 ? `, ${lines.length} times in all` : ""})`
    };
  });
  const total = groups[0]?.total ?? 0;
  if (total > MAX_DUPLICATES_REPORTED) {
    problems.push({
      file: source.fileName,
      column,
      rule: "duplicate-key",
      message: `${total - MAX_DUPLICATES_REPORTED} more duplicate ${column} values not listed`
    });
  }
  return problems;
}

/** The SQL condition under which a value is a "don't know" code, for score columns. */
function dontKnowCondition(value: string, config: Config | undefined): string {
  const codes = config?.dontKnowCodes ?? ["Don't know", "N/A"];
  const text = codes.filter((c) => typeof c === "string").map((c) => literal((c as string).toLowerCase()));
  const numbers = codes.filter((c): c is number => typeof c === "number");
  const parts = [
    text.length ? `lower(${value}) IN (${text.join(", ")})` : "",
    numbers.length ? numberInSql(value, numbers) : ""
  ].filter(Boolean);
  // coalesce: lower(NULL) IN (...) is NULL, which would make the whole test NULL.
  return parts.length ? `coalesce(${parts.join(" OR ")}, false)` : "false";
}

interface Violation {
  column: string;
  rule: string;
  /** SQL condition, true when the row breaks the rule. */
  when: string;
  /** SQL expression for the message. */
  message: string;
}

/**
 * How a column's text is read, as SQL over the text `v`: its value (NULL when it does not
 * parse) and, for scores, whether it is a "don't know" code. The rules and the typed value
 * both use them; loadDirect computes them once per row (`staged`) and refers to the results.
 */
function readingsOf(
  column: ColumnSpec,
  config: Config | undefined,
  conventions: ReadConventions,
  prefix: string
): { parsed?: string; dontKnow?: string } {
  const v = `${prefix}${identifier(column.name)}`;
  switch (column.type) {
    case "text":
      return column.pseudonymized ? { parsed: pseudonymSql(v, conventions.keySecret ?? PROCESS_SECRET) } : {};
    case "outcome":
      return { parsed: outcomeSql(v, config, conventions.outcomeFlags ? prefix : undefined) };
    case "date":
      return { parsed: dateSql(v, "DATE", conventions) };
    case "timestamp":
      return { parsed: dateSql(v, "TIMESTAMP", conventions) };
    case "decimal":
      return { parsed: decimalSql(v, conventions) };
    case "rate":
      return { parsed: decimalSql(v, conventions, RATE_TYPE) };
    case "currency":
      return { parsed: currencySql(v) };
    case "integer":
      return { parsed: wholeNumberSql(v) };
    case "score":
      return { parsed: wholeNumberSql(v), dontKnow: dontKnowCondition(v, config) };
    default:
      return {};
  }
}

/** The names under which loadDirect keeps a column's readings. */
const stagedParsed = (column: string) => identifier(`${column}__parsed`);
const stagedDontKnow = (column: string) => identifier(`${column}__dont_know`);

/** A column's readings over `prefix` + its name: computed, or the staged results. */
function readingsFor(
  column: ColumnSpec,
  config: Config | undefined,
  conventions: ReadConventions,
  prefix: string,
  staged: boolean
): { parsed?: string; dontKnow?: string } {
  const readings = readingsOf(column, config, conventions, prefix);
  if (!staged) return readings;
  return {
    ...(readings.parsed ? { parsed: `${prefix}${stagedParsed(column.name)}` } : {}),
    ...(readings.dontKnow ? { dontKnow: `${prefix}${stagedDontKnow(column.name)}` } : {})
  };
}

/** The rules one column can break, over the raw table aliased `r`. */
function columnViolations(
  column: ColumnSpec,
  config: Config | undefined,
  conventions: ReadConventions,
  staged = false
): Violation[] {
  const v = `r.${identifier(column.name)}`;
  const { parsed = "NULL", dontKnow = "false" } = readingsFor(column, config, conventions, "r.", staged);
  const shown = `'"' || ${v} || '"'`;
  const violations: Violation[] = [];
  if (column.required)
    violations.push({
      column: column.name,
      rule: "missing-value",
      when: `${v} IS NULL`,
      message: literal(`${column.name} is required`)
    });
  const parseCheck = (rule: string, expected: string) =>
    violations.push({
      column: column.name,
      rule,
      when: `${v} IS NOT NULL AND (${parsed}) IS NULL`,
      message: `${shown} || ${literal(` is not ${expected}`)}`
    });
  switch (column.type) {
    case "date":
    case "timestamp": {
      parseCheck(
        "not-a-date",
        `a date (expected ${dateFormatsShown(conventions)}${column.type === "timestamp" ? ", with or without a time" : ""})`
      );
      const { earliest, latest } = conventions.dateRules ?? defaultDateRules();
      violations.push({
        column: column.name,
        rule: "implausible-date",
        when: `(${parsed})::DATE NOT BETWEEN DATE '${earliest}' AND DATE '${latest}'`,
        message: `${shown} || ${literal(` is outside the plausible dates ${earliest} to ${latest} (dates.earliest and dates.yearsAhead in cva.config.json)`)}`
      });
      break;
    }
    case "decimal":
      parseCheck("not-a-number", `a number (expected ${numberFormatShown(conventions)})`);
      break;
    case "rate":
      parseCheck("not-a-number", `a number (expected ${numberFormatShown(conventions)})`);
      violations.push({
        column: column.name,
        rule: "not-a-rate",
        when: `${parsed} <= 0`,
        message: `${shown} || ' is not a positive exchange rate'`
      });
      break;
    case "currency":
      parseCheck("not-a-currency", "a three-letter ISO 4217 currency code (USD, EUR, MXN)");
      break;
    case "integer":
      parseCheck("not-a-whole-number", "a whole number");
      break;
    case "boolean":
      violations.push({
        column: column.name,
        rule: "not-a-boolean",
        when: `${v} IS NOT NULL AND lower(${v}) NOT IN (${[...TRUE_WORDS, ...FALSE_WORDS].map(literal).join(", ")})`,
        message: `${shown} || ' is not true or false'`
      });
      break;
    case "outcome":
      parseCheck("not-an-outcome", "a stage known as won, lost or open");
      break;
    case "score": {
      const scale = config?.scales[column.scale!] ?? { min: 0, max: 10 };
      violations.push({
        column: column.name,
        rule: "not-a-score",
        when: `${v} IS NOT NULL AND NOT ${dontKnow} AND ${parsed} IS NULL`,
        message: `${shown} || ${literal(` is not a whole number on the ${scale.min}-${scale.max} scale, nor a "don't know" code`)}`
      });
      violations.push({
        column: column.name,
        rule: "out-of-range",
        when: `${v} IS NOT NULL AND NOT ${dontKnow} AND ${parsed} NOT BETWEEN ${scale.min} AND ${scale.max}`,
        message: `${shown} || ${literal(` is outside the ${scale.min}-${scale.max} scale`)}`
      });
      break;
    }
    case "brand": {
      const brands = isSurveyConfig(config) ? [config.brand, ...config.competitors] : [];
      violations.push({
        column: column.name,
        rule: "unknown-brand",
        when: `${v} IS NOT NULL AND ${v} NOT IN (${brands.map(literal).join(", ") || "NULL"})`,
        message: `'brand ' || ${shown} || ' is not in cva.config.json (brand or competitors)'`
      });
      break;
    }
    case "attribute": {
      const ids = config?.attributes?.map((a) => literal(a.id)) ?? [];
      violations.push({
        column: column.name,
        rule: "unknown-attribute",
        when: `${v} IS NOT NULL AND ${v} NOT IN (${ids.join(", ") || "NULL"})`,
        message: `'attribute ' || ${shown} || ' is not in cva.config.json attributes'`
      });
      break;
    }
    case "text":
      break;
  }
  return violations;
}

interface RowRules {
  /** Rules on the row's own values. */
  local: Violation[];
  /** Rules on its references to other files, over the `joins`. */
  references: Violation[];
  joins: string[];
}

/**
 * The rules a row of the export can break, over the row aliased `r`. References are left
 * joins against the keys of the referenced file (every key in it, rejected rows included: an
 * order is not wrong because its customer's row broke an unrelated rule, which is in rejects
 * already).
 */
function rowRules(
  spec: FileSpec,
  columns: string[],
  sources: SourceFile[],
  config: Config | undefined,
  conventions: ReadConventions,
  staged = false
): RowRules {
  const present = spec.columns.filter((c) => columns.includes(c.name));
  const local = present.flatMap((c) => columnViolations(c, config, conventions, staged));
  const base = config?.customerBase;
  if (spec.name === "customers" && base && columns.includes(base.column.toLowerCase())) {
    const v = `r.${identifier(base.column.toLowerCase())}`;
    local.push({
      column: base.column.toLowerCase(),
      rule: "not-a-customer",
      when: `${v} IS NULL OR lower(${v}) NOT IN (${base.values.map((value) => literal(value.trim().toLowerCase())).join(", ")})`,
      message: `coalesce('"' || ${v} || '"', 'blank') || ${literal(` is not one of the customerBase values (${base.values.join(", ")}): not a customer`)}`
    });
  }
  // Without a currency column, an amount that names another currency than the reports' would be summed as if it were theirs.
  if (!columns.includes("currency")) {
    const currency = config?.currency ?? DEFAULT_CURRENCY;
    for (const column of present.filter((c) => c.type === "decimal")) {
      const v = `r.${identifier(column.name)}`;
      local.push({
        column: column.name,
        rule: "other-currency",
        when: `NOT regexp_full_match(${v}, '-?[\\d.]+') AND ${amountCurrencySql(v)} <> ${literal(currency)}`,
        message: `'"' || ${v} || '" is in ' || ${amountCurrencySql(v)} || ${literal(`, the reports are in ${currency}: map the file's currency column as currency and give currency_rates.csv (docs/data-contract.md)`)}`
      });
    }
  }
  for (const [first, second] of spec.ordered ?? []) {
    if (!columns.includes(first) || !columns.includes(second)) continue;
    const cast = (c: string) =>
      staged ? `r.${stagedParsed(c)}::TIMESTAMP` : dateSql(`r.${identifier(c)}`, "TIMESTAMP", conventions);
    local.push({
      column: second,
      rule: "out-of-order",
      when: `${cast(second)} < ${cast(first)}`,
      message: literal(`${second} is before ${first}`)
    });
  }
  const references: Violation[] = [];
  const joins: string[] = [];
  spec.references.forEach((reference, i) => {
    const target = sources.find((s) => s.name === reference.file);
    if (!target || !reference.columns.every((c) => columns.includes(c))) return;
    const alias = `ref_${i}`;
    // A reference to the target's key needs no DISTINCT: a duplicate key stops ingest anyway.
    const targetKey = CONTRACT.find((spec) => spec.name === reference.file)!.key;
    const unique = targetKey.length === reference.target.length && targetKey.every((c, k) => reference.target[k] === c);
    // Keys compare as the typed tables will hold them: a file read directly holds pseudonyms already.
    const keys = reference.target.map((c, k) => `${shownKey(spec, c, identifier(c), conventions)} AS k${k}`).join(", ");
    joins.push(`LEFT JOIN (SELECT ${unique ? "" : "DISTINCT "}${keys} FROM ${identifier(`raw_${reference.file}`)}) ${alias}
      ON ${reference.columns.map((c, k) => `${alias}.k${k} = ${shownKey(spec, c, `r.${identifier(c)}`, conventions)}`).join(" AND ")}`);
    references.push({
      column: reference.columns.join(", "),
      rule: "orphan",
      when: `${reference.columns.map((c) => `r.${identifier(c)} IS NOT NULL`).join(" AND ")} AND ${alias}.k0 IS NULL`,
      message: `${literal(`${reference.columns.join(", ")} `)} || concat_ws(', ', ${reference.columns.map((c) => shownKey(spec, c, `r.${identifier(c)}`, conventions)).join(", ")}) || ${literal(` is not in ${target.fileName}`)}`
    });
  });
  return { local, references, joins };
}

/**
 * The rules a row broke as a list of {column, value, rule, message} (empty when none), and the
 * condition under which it broke any: over the row aliased `r`.
 */
function brokenList(
  spec: FileSpec,
  violations: Violation[],
  conventions: ReadConventions,
  fromColumn: (column: string) => string = literal
): { list: string; condition: string } {
  const piiColumns = new Set(spec.columns.filter((c) => c.pii).map((c) => c.name));
  const broken = violations.map((violation) => {
    const parts = violation.column.split(", ").map((c) => shownKey(spec, c, `r.${identifier(c)}`, conventions));
    const value = piiColumns.has(violation.column)
      ? literal(WITHHELD)
      : parts.length > 1
        ? `concat_ws(', ', ${parts.join(", ")})`
        : parts[0]!;
    return `CASE WHEN ${violation.when} THEN {'column': ${fromColumn(violation.column)}, 'value': (${value})::VARCHAR, 'rule': ${literal(violation.rule)}, 'message': (${violation.message})::VARCHAR} END`;
  });
  return {
    list: broken.length ? `list_filter([${broken.join(",\n        ")}], x -> x IS NOT NULL)` : `[]::${REJECT_LIST}`,
    condition: violations.map((v) => `coalesce(${v.when}, false)`).join(" OR ") || "false"
  };
}

/** A key column's value as ingest may show or compare it: pseudonymized when the contract says it may be personal. */
function shownKey(spec: FileSpec, column: string, value: string, conventions: ReadConventions): string {
  return spec.columns.find((c) => c.name === column)?.pseudonymized
    ? pseudonymSql(value, conventions.keySecret ?? PROCESS_SECRET)
    : value;
}

/** What every file of one ingest shares: the config, and the pseudonyms' secret. */
interface FolderRules {
  config: Config | undefined;
  secret: string;
}

/** The type of a row's list of broken rules. */
const REJECT_LIST = `STRUCT("column" VARCHAR, value VARCHAR, rule VARCHAR, message VARCHAR)[]`;

/**
 * Every rule of the contract checked in one scan of the file's raw table: each row that
 * breaks any rule becomes one reject row per rule broken. A file read directly (loadDirect)
 * had its rows' own rules checked as it was read; its references are checked here.
 */
async function recordRejects(
  db: Database,
  spec: FileSpec,
  source: SourceFile,
  columns: string[],
  sources: SourceFile[],
  config: Config | undefined,
  conventions: ReadConventions,
  direct: boolean
): Promise<void> {
  const raw = identifier(`raw_${spec.name}`);
  const rules = rowRules(spec, columns, sources, config, conventions);
  // The rows' numbers too (rejected_<export>), so that accepting the rest is an anti join on
  // them: a line of a wide survey holds many ratings, and one bad rating rejects only itself.
  const rejected = identifier(`rejected_${spec.name}`);
  if (direct) {
    const references = brokenList(spec, rules.references, conventions);
    await db.run(`CREATE OR REPLACE TEMP TABLE ${rejected} AS
      SELECT _row, _line, v.column AS "column", v.value AS value, v.rule AS rule, v.message AS message
      FROM (SELECT r._row, r._line, unnest(r._broken) AS v FROM ${raw} r WHERE r._broken IS NOT NULL
        ${rules.references.length ? `UNION ALL SELECT r._row, r._line, unnest(${references.list}) AS v FROM ${raw} r ${rules.joins.join(" ")} WHERE ${references.condition}` : ""})`);
  } else {
    // Views of configured sources may say a row is not data (a report total, an unfinished
    // response), and which column of the file a rating came from.
    const rawColumns = new Set((await db.columns(`SELECT * FROM ${raw}`)).map((c) => c.name));
    const fromColumn = (column: string) =>
      rawColumns.has("_source_column") && (column === "score" || column === "weight")
        ? `${literal(column)} || ' (' || r._source_column || ')'`
        : literal(column);
    let { list, condition } = brokenList(spec, [...rules.local, ...rules.references], conventions, fromColumn);
    if (rawColumns.has("_reject_rule")) {
      list = `CASE WHEN r._reject_rule IS NOT NULL THEN [{'column': NULL::VARCHAR, 'value': NULL::VARCHAR, 'rule': r._reject_rule, 'message': r._reject_message}] ELSE ${list} END`;
      condition = `r._reject_rule IS NOT NULL OR ${condition}`;
    }
    await db.run(`CREATE OR REPLACE TEMP TABLE ${rejected} AS
      SELECT _row, _line, v.column AS "column", v.value AS value, v.rule AS rule, v.message AS message
      FROM (SELECT r._row, r._line, unnest(${list}) AS v FROM ${raw} r ${rules.joins.join(" ")} WHERE ${condition})`);
  }
  await db.run(
    `INSERT INTO rejects SELECT ${literal(source.fileName)}, _line, "column", value, rule, message FROM ${rejected}`
  );
  if (!isFirstExportOf(source, sources)) return;
  const structuralValue = spec.columns.some((c) => c.pii) ? literal(WITHHELD) : "left(csv_line, 200)";
  await db.run(`INSERT INTO rejects SELECT file, line, NULL, ${structuralValue}, ${STRUCTURAL_RULE},
      CASE WHEN error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS')
        THEN 'expected ' || regexp_extract(error_message, 'Expected Number of Columns: (\\d+)', 1) || ' fields, found ' || regexp_extract(error_message, 'Found: (\\d+)', 1)
        ELSE error_message END
    FROM structural_rejects WHERE file = ${literal(source.fileName)}`);
}

/** Columns beyond the contract's, kept as text dimensions of the export's table. */
function extraColumns(spec: FileSpec, columns: string[]): string[] {
  if (spec.extras === false) return [];
  return columns.filter((c) => !spec.columns.some((s) => s.name === c) && !c.startsWith("_"));
}

/**
 * Extra columns that hold personal data (a CRM's "First Name", "BillingStreet", "Mobile Phone",
 * a survey tool's IP address and location, an unmapped column of e-mail addresses) are not
 * kept at all: the contract's own personal columns go to customer_contacts, these nowhere.
 */
async function personalExtras(
  db: Database,
  spec: FileSpec,
  columns: string[]
): Promise<{ byName: string[]; byValue: string[] }> {
  const extras = extraColumns(spec, columns);
  const byName = extras.filter(isPersonalName);
  return {
    byName,
    byValue: await columnsHoldingContacts(
      db,
      `raw_${spec.name}`,
      extras.filter((c) => !byName.includes(c))
    )
  };
}

function personalWarnings(source: SourceFile, { byName, byValue }: { byName: string[]; byValue: string[] }): Warning[] {
  const keep = "map one to name, email or phone under rename to keep it as the customer's contact";
  return [
    ...(byName.length
      ? [
          {
            file: source.fileName,
            message: `columns ${byName.join(", ")} look like personal data and were not kept (${keep})`
          }
        ]
      : []),
    ...(byValue.length
      ? [
          {
            file: source.fileName,
            message: `columns ${byValue.join(", ")} hold e-mail addresses or phone numbers and were not kept (${keep})`
          }
        ]
      : [])
  ];
}

/** The rule of a line DuckDB's CSV reader could not read, from its error type. */
const STRUCTURAL_RULE = `CASE WHEN error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS') THEN 'field-count' ELSE lower(replace(error_type, ' ', '-')) END`;

/** Lines the CSV reader could not split belong to the file: counted once, with its first export. */
function isFirstExportOf(source: SourceFile, sources: SourceFile[]): boolean {
  return sources.find((s) => s.fileName === source.fileName) === source;
}

function typedExpression(
  column: ColumnSpec,
  config: Config | undefined,
  conventions: ReadConventions,
  staged = false
): string {
  const v = identifier(column.name);
  const { parsed, dontKnow } = readingsFor(column, config, conventions, "", staged);
  switch (column.type) {
    case "boolean":
      return `CASE WHEN lower(${v}) IN (${TRUE_WORDS.map(literal).join(", ")}) THEN true WHEN ${v} IS NOT NULL THEN false END`;
    case "score":
      return `CASE WHEN ${dontKnow} THEN NULL ELSE ${parsed} END`;
    default:
      return parsed ?? v;
  }
}

async function acceptRows(
  db: Database,
  spec: FileSpec,
  source: SourceFile,
  columns: string[],
  config: Config | undefined,
  conventions: ReadConventions,
  sources: SourceFile[],
  personal: { byName: string[]; byValue: string[] }
): Promise<FileSummary> {
  const raw = identifier(`raw_${spec.name}`);
  const rejected = identifier(`rejected_${spec.name}`);
  const known = spec.columns.filter((c) => columns.includes(c.name));
  const extras = extraColumns(spec, columns).filter(
    (c) => !personal.byName.includes(c) && !personal.byValue.includes(c)
  );
  const select = (cs: ColumnSpec[]) =>
    cs.map((c) => `${typedExpression(c, config, conventions)} AS ${identifier(c.name)}`);
  const [{ any }] = (await db.rows<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${rejected}) AS any`)) as [
    { any: boolean }
  ];
  // The anti join streams the raw rows in file order, so the typed table keeps it unsorted.
  const accepted = any ? `${raw} r ANTI JOIN (SELECT DISTINCT _row FROM ${rejected}) x ON r._row = x._row` : `${raw} r`;
  // The typed table's row order carries no meaning (each row keeps its _line): DuckDB may
  // write it in parallel, in any order, which is faster and lighter on memory.
  await db.run(`SET preserve_insertion_order = false`);
  await db.run(`CREATE TABLE ${identifier(spec.name)} AS
    SELECT ${[...select(known.filter((c) => !c.pii)), ...extras.map(identifier)].join(", ")} FROM ${accepted}`);
  await db.run(`RESET preserve_insertion_order`);
  const pii = known.filter((c) => c.pii);
  if (pii.length) {
    await db.run(
      `CREATE TABLE customer_contacts AS SELECT ${select(known.filter((c) => c.name === "customer_id")).join(", ")}, ${select(pii).join(", ")} FROM ${accepted}`
    );
  }
  const scores = known.filter((c) => c.type === "score");
  const dontKnow = scores.length
    ? scores.map((c) => `count(*) FILTER (WHERE ${dontKnowCondition(identifier(c.name), config)})`).join(" + ")
    : "count(*) FILTER (WHERE false)";
  const structural = isFirstExportOf(source, sources)
    ? `(SELECT count(DISTINCT line) FROM structural_rejects WHERE file = ${literal(source.fileName)})`
    : "0";
  // Per export, not per file: a survey file's responses, ratings and importance each count their own.
  const structuralByRule = isFirstExportOf(source, sources)
    ? `UNION ALL SELECT ${STRUCTURAL_RULE} AS rule, count(DISTINCT line) AS n FROM structural_rejects WHERE file = ${literal(source.fileName)} GROUP BY 1`
    : "";
  const [counts] = await db.rows<{
    parsed: number;
    broken: number;
    rejected: number;
    accepted: number;
    dont_know: number;
    by_rule: string;
  }>(`
    SELECT (SELECT coalesce(string_agg(rule || ': ' || n, '; ' ORDER BY n DESC, rule), '')
            FROM (SELECT rule, count(DISTINCT _row) AS n FROM ${rejected} GROUP BY rule ${structuralByRule})) AS by_rule,
           (SELECT count(*) FROM ${raw})::BIGINT AS parsed,
           ${structural}::BIGINT AS broken,
           (SELECT count(DISTINCT _row) FROM ${rejected})::BIGINT AS rejected,
           (SELECT count(*) FROM ${identifier(spec.name)})::BIGINT AS accepted,
           (SELECT ${dontKnow} FROM ${accepted})::BIGINT AS dont_know`);
  return {
    file: source.fileName,
    export: spec.name,
    format: source.entry && source.entry.format !== "csv" ? source.entry.format : source.format,
    rowsRead: counts!.parsed + counts!.broken,
    rowsAccepted: counts!.accepted,
    rowsRejected: counts!.rejected + counts!.broken,
    dontKnow: counts!.dont_know,
    rejectedByRule: counts!.by_rule
  };
}

/** A file read directly: its conventions, and its columns. */
type DirectRead = ReadConventions & {
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
function canLoadDirect(spec: FileSpec, source: SourceFile, header: CsvHeader | undefined): boolean {
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
async function loadDirect(
  db: Database,
  spec: FileSpec,
  source: SourceFile,
  header: CsvHeader,
  folder: FolderRules
): Promise<DirectRead | undefined> {
  const { config } = folder;
  const sample = `sample_${spec.name}`;
  const columns = await loadSample(db, source, sample, header, SNIFF_ROWS);
  const conventions = await conventionsOf(db, spec, source, columns, folder, sample);
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
  const own = brokenList(spec, rowRules(spec, columns, [], config, conventions, true).local, conventions);
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
async function directSummary(
  db: Database,
  spec: FileSpec,
  source: SourceFile,
  direct: DirectRead
): Promise<FileSummary> {
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
async function finishDirectTables(db: Database, directs: DirectRead[], files: FileSummary[]): Promise<void> {
  for (const { export: name, working } of directs) {
    const table = identifier(name);
    await db.run(`DROP VIEW ${identifier(`raw_${name}`)}`);
    if (files.find((f) => f.export === name)!.rowsRejected > 0)
      await db.run(`DELETE FROM ${table} WHERE rowid IN (SELECT _row FROM ${identifier(`rejected_${name}`)})`);
    for (const column of working) await db.run(`ALTER TABLE ${table} DROP COLUMN ${identifier(column)}`);
  }
}

async function recordConfig(db: Database, config: SurveyConfig): Promise<void> {
  await db.run(`CREATE TABLE brands (brand VARCHAR, is_ours BOOLEAN, position INTEGER)`);
  for (const [i, brand] of [config.brand, ...config.competitors].entries()) {
    await db.run(`INSERT INTO brands VALUES ($1, $2, $3)`, [brand, i === 0, i]);
  }
  await db.run(
    `CREATE TABLE attributes (id VARCHAR, label VARCHAR, "group" VARCHAR, owner VARCHAR, factor VARCHAR, position INTEGER)`
  );
  for (const [i, a] of config.attributes.entries()) {
    await db.run(`INSERT INTO attributes VALUES ($1, $2, $3, $4, $5, $6)`, [
      a.id,
      a.label,
      a.group,
      a.owner,
      a.factor ?? null,
      i
    ]);
  }
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0]!;
}
