/**
 * Files mapped by the config's `sources`: a tool's layout read into a table of text columns
 * (`vendor_<n>`), then, per export the file provides, a view in the contract's shape
 * (`raw_<export>`) that validation reads like any export file. Every row keeps the physical
 * line of the file it came from, so a reject names the analyst's own file and line.
 */
import type { Config } from "../contract/config.js";
import { CONTRACT, type ExportName } from "../contract/contract.js";
import type { Database } from "../core/db.js";
import { identifier, literal } from "../core/sql.js";
import { headerOf, layoutOf, summaryRowSql } from "./layouts.js";
import { lineItemsOf, lineItemsView } from "./line-items.js";
import type { Problem } from "../core/errors.js";
import { emptyFile, headerNameProblems, loadRaw, readCsvHeader, type SourceFile } from "./read-source.js";
import type { SourceConfig, SurveySourceConfig } from "../contract/source-config.js";

export type ConfiguredSource = SourceFile & { entry: SourceConfig & { index: number } };

import type { ExportView } from "./export-view.js";

/** The vendor tables loaded in one ingest: a survey file is read once for its three exports. */
export type VendorTables = Map<number, Promise<VendorTable | Problem[]>>;

interface VendorTable {
  table: string;
  /** The file's column names, lower-cased; a name repeated in the header is `name (2)` the second time. */
  names: string[];
  /** Names the header repeats. */
  repeated: Set<string>;
}

/**
 * Makes `raw_<export>` for one export of a configured source: `_line`, `_row`, the contract's
 * columns, and when the tool's rows need it `_reject_rule` and `_reject_message` (a row that
 * is not data, such as a report total) and `_source_column` (the file's column a rating
 * came from, for messages).
 */
export async function loadConfiguredExport(
  db: Database,
  source: ConfiguredSource,
  config: Config | undefined,
  vendorTables: VendorTables
): Promise<ExportView> {
  const { entry } = source;
  let loading = vendorTables.get(entry.index);
  if (!loading) vendorTables.set(entry.index, (loading = loadVendorTable(db, source)));
  const loaded = await loading;
  // A survey file's exports share the problem; ingest reports it once.
  if (!("table" in loaded)) return { columns: [], problems: loaded, warnings: [] };
  const { table, names, repeated } = loaded;
  const view = identifier(`raw_${source.name}`);
  const problem = (message: string, path: string): Problem => ({
    file: source.fileName,
    column: path,
    rule: "config",
    message
  });
  const has = (column: string) => names.includes(column.toLowerCase());
  const col = (column: string) => identifier(column.toLowerCase());
  const readsRepeated = (read: string[]) => {
    const twice = [...new Set(read.map((c) => c.toLowerCase()))].filter((c) => repeated.has(c));
    return twice.map((c) => ({
      ...problem(
        `column ${c} appears twice in the header, and the mapping reads it: rename one in the export`,
        `sources.${entry.index}`
      ),
      rule: "header",
      line: 1
    }));
  };
  const unread = (read: string[]) =>
    [...repeated]
      .filter((c) => !read.includes(c))
      .map((c) => `column ${c} appears twice in the header; the mapping does not read it, so neither copy was kept`);
  if (entry.survey) {
    const view = await surveyView(
      db,
      source,
      entry.survey,
      table,
      names.filter((n) => !isRepeat(n, repeated)),
      config,
      problem
    );
    const problems = [...view.problems, ...readsRepeated(view.read)];
    return { columns: view.columns, problems, warnings: problems.length ? [] : unread(view.read) };
  }

  const lines = lineItemsOf(entry);
  if (lines) {
    const read = Object.entries(lines)
      .filter(([field]) => field !== "join")
      .map(([, c]) => c)
      .filter((c): c is string => typeof c === "string")
      .map((c) => c.toLowerCase());
    const twice = readsRepeated(read);
    if (twice.length) return { columns: [], problems: twice, warnings: [] };
    const view = await lineItemsView(
      db,
      source.dataDir,
      source.fileName,
      lines,
      entry,
      table,
      names.filter((n) => !isRepeat(n, repeated))
    );
    return { ...view, warnings: [...view.warnings, ...unread(read)] };
  }

  const rename = {
    ...presetRenames(entry.format, source.name),
    ...Object.fromEntries(Object.entries(entry.rename).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]))
  };
  const problems = Object.keys(entry.rename)
    .filter((k) => !has(k))
    .map((k) =>
      problem(
        `the rename maps ${k}, which is not a column of ${source.fileName} (found: ${names.join(", ")})`,
        `sources.${entry.index}.rename`
      )
    );
  const spec = CONTRACT.find((s) => s.name === source.name)!;
  // A repeated column is read when it is renamed or is a contract column; otherwise neither copy is kept.
  const read = [...repeated].filter((c) => c in rename || spec.columns.some((sc) => sc.name === c));
  problems.push(...readsRepeated(read));
  const kept = names.filter((n) => !repeated.has(n) || read.includes(n)).filter((n) => !isRepeat(n, repeated));
  const targets = kept.map((n) => rename[n] ?? n);
  const selected = kept
    .map((n, i) => `${col(n)} AS ${identifier(targets[i]!)}`)
    .filter((_, i) => targets.indexOf(targets[i]!) === i);
  const rules = [
    summaryRowSql(entry.format, col(names[0]!), names.slice(1).map(col)),
    config?.customerBase ? undefined : hubspotRule(entry.format, source.name, names)
  ].filter(Boolean);
  const rule = rules.length ? `coalesce(${rules.join(", ")})` : "NULL::VARCHAR";
  await db.run(
    `CREATE OR REPLACE TEMP VIEW ${view} AS SELECT _line, _row, ${selected.join(", ")}, ${rejectColumns(rule)} FROM ${table}`
  );
  return { columns: [...new Set(targets)], problems, warnings: unread(read) };
}

/** A repeated name's later copy (`name (2)`). */
function isRepeat(name: string, repeated: Set<string>): boolean {
  const match = /^(.*) \((\d+)\)$/.exec(name);
  return match !== null && repeated.has(match[1]!);
}

/** The rows a tool adds that are not data: the rule (NULL for data rows), and its message. */
function rejectColumns(rule: string): string {
  return `${rule} AS _reject_rule, CASE ${rule}
    WHEN 'report-total' THEN 'a report total row, not data'
    WHEN 'report-footer' THEN 'the report''s footer, not data'
    WHEN 'not-a-customer' THEN 'lifecycle stage is not customer or evangelist: not a customer yet'
    WHEN 'unfinished' THEN 'unfinished response (Finished = false): excluded (includeUnfinished keeps it)' END AS _reject_message`;
}

async function loadVendorTable(db: Database, source: ConfiguredSource): Promise<VendorTable | Problem[]> {
  const { entry } = source;
  const table = `vendor_${entry.index}`;
  // Shopify writes one plain header line, and its exports can be large: read like any CSV.
  const layout = entry.format === "csv" || entry.format === "shopify" ? undefined : layoutOf(source.path, entry.format);
  const header = source.format === "csv" ? readCsvHeader(source.path, layout?.skip ?? 0) : undefined;
  if (source.format === "csv" && !header) return [emptyFile(source.fileName, 1 + (layout?.skip ?? 0))];
  const columns = await loadRaw(db, source, table, header, layout);
  let headerRecords = 0;
  let given = header?.columns.map((c) => c.trim().toLowerCase()) ?? columns;
  if (layout) {
    // The tool's header records name the columns; data starts after them.
    const records = await db.rows<Record<string, string | null>>(
      `SELECT ${columns.map(identifier).join(", ")} FROM ${identifier(table)} WHERE _row < 3 ORDER BY _row`
    );
    const found = headerOf(
      entry.format,
      records.map((r) => columns.map((c) => r[c] ?? null))
    );
    given = found.names.map((n, i) => (n === "" ? `column ${i + 1}` : n.toLowerCase()));
    headerRecords = found.headerRecords;
  }
  // Tools repeat names ("Associated Company" in HubSpot's all-properties export, a legacy
  // Qualtrics tag): the later copies are told apart, and only a repeat the mapping reads stops ingest.
  const problems = headerNameProblems(source.fileName, given).filter((p) => !/appears twice/.test(p.message));
  if (problems.length) return problems;
  const repeated = new Set(given.filter((n, i) => given.indexOf(n) !== i));
  const names = given.map((n, i) =>
    given.indexOf(n) === i ? n : `${n} (${given.slice(0, i + 1).filter((m) => m === n).length})`
  );
  const named = identifier(`${table}_named`);
  await db.run(`CREATE OR REPLACE TEMP VIEW ${named} AS
    SELECT _line, _row, ${columns.map((c, i) => `${identifier(c)} AS ${identifier(names[i]!)}`).join(", ")} FROM ${identifier(table)} WHERE _row >= ${headerRecords}`);
  return { table: named, names, repeated };
}

/** HubSpot's column names for the exports its CRM exports hold. */
function presetRenames(format: SourceConfig["format"], name: ExportName): Record<string, string> {
  if (format !== "hubspot") return {};
  const byExport: Partial<Record<ExportName, Record<string, string>>> = {
    customers: {
      "record id": "customer_id",
      "company name": "name",
      email: "email",
      "phone number": "phone",
      "create date": "acquired_at"
    },
    opportunities: {
      "record id": "opportunity_id",
      "close date": "closed_at",
      "deal stage": "outcome",
      amount: "amount"
    },
    tickets: {
      "ticket id": "ticket_id",
      "record id": "ticket_id",
      "create date": "opened_at",
      "close date": "resolved_at"
    }
  };
  return byExport[name] ?? {};
}

/** HubSpot keeps leads beside customers: only lifecycle stages customer and evangelist are customers. */
function hubspotRule(format: SourceConfig["format"], name: ExportName, names: string[]): string | undefined {
  if (format !== "hubspot" || name !== "customers" || !names.includes("lifecycle stage")) return undefined;
  return `CASE WHEN lower(${identifier("lifecycle stage")}) NOT IN ('customer', 'evangelist') THEN 'not-a-customer' END`;
}

/**
 * Where each tool's layout keeps the respondent, the date answered and whether the response
 * was finished, by default; the first of each list the file has is taken.
 */
const LAYOUT_COLUMNS: Partial<
  Record<SourceConfig["format"], { respondent: string[]; respondedAt: string[]; finished: string[] }>
> = {
  // Qualtrics since 2016: ResponseId, RecordedDate, Finished; the legacy layout: V1, V9 (EndDate), V10.
  qualtrics: { respondent: ["responseid", "v1"], respondedAt: ["recordeddate", "v9"], finished: ["finished", "v10"] },
  // SurveyMonkey's current header, then the 2014 one. It exports no finished flag: see docs/formats.md.
  surveymonkey: { respondent: ["respondent id", "respondentid"], respondedAt: ["end date", "enddate"], finished: [] }
};

async function surveyView(
  db: Database,
  source: ConfiguredSource,
  survey: SurveySourceConfig,
  table: string,
  names: string[],
  config: Config | undefined,
  problem: (message: string, path: string) => Problem
): Promise<{ columns: string[]; problems: Problem[]; read: string[] }> {
  const { entry } = source;
  const path = `sources.${entry.index}.survey`;
  const problems: Problem[] = [];
  const read: string[] = [];
  const layout = LAYOUT_COLUMNS[entry.format];
  const firstOf = (candidates: string[] = []) => candidates.find((c) => names.includes(c));
  const known = (column: string, where: string) => {
    read.push(column.toLowerCase());
    if (names.includes(column.toLowerCase())) return true;
    problems.push(
      problem(`${column} is not a column of ${source.fileName} (found: ${names.join(", ")})`, `${path}.${where}`)
    );
    return false;
  };
  const col = (column: string) => identifier(column.toLowerCase());
  const respondentColumn = survey.respondent ?? firstOf(layout?.respondent) ?? layout?.respondent[0];
  let respondent = "_line::VARCHAR";
  if (!survey.respondentFromLine) {
    if (!respondentColumn)
      problems.push(
        problem("name the respondent id column (respondent), or set respondentFromLine", `${path}.respondent`)
      );
    else if (known(respondentColumn, "respondent")) respondent = col(respondentColumn);
  }
  const wave =
    typeof survey.wave === "string"
      ? literal(survey.wave)
      : known(survey.wave.column, "wave.column")
        ? col(survey.wave.column)
        : "NULL::VARCHAR";
  const finished = firstOf(layout?.finished);
  if (finished) read.push(finished);
  const unfinished =
    !survey.includeUnfinished && finished
      ? `CASE WHEN lower(${col(finished)}) IN ('false', '0') THEN 'unfinished' END`
      : "NULL::VARCHAR";
  const rule = rejectColumns(unfinished);
  const scored = (value: string, field: string) =>
    scoreSql(value, { ...(survey.recode as Record<string, Record<string, number>>)[field] }, survey.choices);

  if (source.name === "responses") {
    const respondedAt = firstOf(layout?.respondedAt);
    const answers = { ...(respondedAt ? { responded_at: respondedAt } : {}), ...survey.answers } as Record<
      string,
      string
    >;
    const fields = Object.entries(answers).filter(([field, column]) =>
      field in survey.answers ? known(column, `answers.${field}`) : (read.push(column), true)
    );
    const select = fields.map(
      ([field, column]) =>
        `${SCORE_FIELDS.has(field) ? scored(col(column), field) : col(column)} AS ${identifier(field)}`
    );
    await db.run(`CREATE OR REPLACE TEMP VIEW raw_responses AS
      SELECT _line, _row, ${respondent} AS respondent_id, ${wave} AS wave, ${[...select, rule].join(", ")} FROM ${table}`);
    return { columns: ["respondent_id", "wave", ...fields.map(([f]) => f)], problems, read };
  }

  const wide = source.name === "ratings" ? ratingColumnsOf(survey, names, config) : importanceColumnsOf(survey, names);
  if (typeof wide === "string")
    return { columns: [], problems: [...problems, problem(wide, `${path}.${source.name}`)], read };
  read.push(...wide.map((w) => w.column));
  const valueColumn = source.name === "ratings" ? "score" : "weight";
  const mapping = wide
    .map((w) => `(${literal(w.column)}, ${literal(w.brand ?? "")}, ${literal(w.attribute)})`)
    .join(", ");
  // Blank cells are not answers (a brand the respondent does not know): UNPIVOT leaves them out.
  await db.run(`CREATE OR REPLACE TEMP VIEW ${identifier(`raw_${source.name}`)} AS
    SELECT u._line, u._row * ${wide.length} + m.position AS _row, u.respondent_id, u.wave,
           ${source.name === "ratings" ? "m.brand AS brand, " : ""}m.attribute AS attribute,
           ${scored("u.value", source.name === "ratings" ? "rating" : "importance")} AS ${valueColumn}, u._source_column, u._reject_rule, u._reject_message
    FROM (UNPIVOT (SELECT _line, _row, ${respondent} AS respondent_id, ${wave} AS wave, ${rule}, ${wide.map((w) => col(w.column)).join(", ")} FROM ${table})
          ON ${wide.map((w) => col(w.column)).join(", ")} INTO NAME _source_column VALUE value) u
    JOIN (SELECT *, row_number() OVER () - 1 AS position FROM (VALUES ${mapping}) v(source_column, brand, attribute)) m ON m.source_column = u._source_column`);
  return {
    columns: ["respondent_id", "wave", ...(source.name === "ratings" ? ["brand"] : []), "attribute", valueColumn],
    problems,
    read
  };
}

const SCORE_FIELDS = new Set([
  "overall_satisfaction",
  "perceived_value",
  "likelihood_to_recommend",
  "repurchase_intent"
]);

/** An answer's text through the per-answer recode, then the survey's choice texts; anything else unchanged (validation judges it). */
function scoreSql(value: string, recode: Record<string, number>, choices: Record<string, number>): string {
  const map = { ...Object.fromEntries(Object.entries(choices).map(([k, v]) => [k.trim().toLowerCase(), v])) };
  const cases = (m: Record<string, number>) =>
    Object.entries(m)
      .map(([text, score]) => `WHEN ${literal(text.trim().toLowerCase())} THEN ${literal(String(score))}`)
      .join(" ");
  let sql = value;
  if (Object.keys(recode).length) sql = `CASE lower(${sql}) ${cases(recode)} ELSE ${sql} END`;
  if (Object.keys(map).length) sql = `CASE lower(${sql}) ${cases(map)} ELSE ${sql} END`;
  return sql;
}

interface WideColumn {
  column: string;
  brand?: string;
  attribute: string;
}

/** The rating columns: listed, or every column matching the pattern; a string is the problem. */
function ratingColumnsOf(
  survey: SurveySourceConfig,
  names: string[],
  config: Config | undefined
): WideColumn[] | string {
  const { ratings } = survey;
  const brands = new Set([config?.brand, ...(config?.competitors ?? [])].filter(Boolean) as string[]);
  const attributes = new Set(config?.attributes?.map((a) => a.id) ?? []);
  let columns: WideColumn[];
  if (ratings.columns) {
    columns = Object.entries(ratings.columns).map(([column, target]) => ({ column: column.toLowerCase(), ...target }));
    const missing = columns.filter((c) => !names.includes(c.column)).map((c) => c.column);
    if (missing.length) return `rating columns not in the file: ${missing.join(", ")}`;
  } else {
    const pattern = patternRegex(ratings.pattern!);
    columns = names.flatMap((column) => {
      const match = pattern.exec(column);
      if (!match) return [];
      const brandCode = match.groups!.brand ?? ratings.brand!.toLowerCase(),
        attributeCode = match.groups!.attribute!;
      // With a code map, a column whose code it does not list is not a rating (s{attribute} and "status").
      if (
        (ratings.attributes && lookup(ratings.attributes, attributeCode) === undefined) ||
        (ratings.brands && match.groups!.brand && lookup(ratings.brands, brandCode) === undefined)
      )
        return [];
      const brand =
        ratings.brand ?? lookup(ratings.brands, brandCode) ?? [...brands].find((b) => b.toLowerCase() === brandCode);
      const attribute = lookup(ratings.attributes, attributeCode) ?? [...attributes].find((a) => a === attributeCode);
      return [{ column, brand: brand ?? brandCode, attribute: attribute ?? attributeCode }];
    });
    if (!columns.length) return `no column of the file matches the pattern ${ratings.pattern}`;
  }
  const unknown = columns
    .filter((c) => !brands.has(c.brand!) || !attributes.has(c.attribute))
    .map((c) => `${c.column} (${c.brand} × ${c.attribute})`);
  if (unknown.length)
    return `rating columns naming a brand or attribute that is not in the config: ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ""}`;
  const twice = columns.find(
    (c, i) => columns.findIndex((d) => d.brand === c.brand && d.attribute === c.attribute) !== i
  );
  if (twice)
    return `two columns rate ${twice.brand} × ${twice.attribute}: ${columns
      .filter((c) => c.brand === twice.brand && c.attribute === twice.attribute)
      .map((c) => c.column)
      .join(" and ")}`;
  return columns;
}

function importanceColumnsOf(survey: SurveySourceConfig, names: string[]): WideColumn[] | string {
  const importance = survey.importance!;
  if (importance.columns) {
    const columns = Object.entries(importance.columns).map(([column, attribute]) => ({
      column: column.toLowerCase(),
      attribute
    }));
    const missing = columns.filter((c) => !names.includes(c.column)).map((c) => c.column);
    return missing.length ? `importance columns not in the file: ${missing.join(", ")}` : columns;
  }
  const pattern = patternRegex(importance.pattern!);
  const columns = names.flatMap((column) => {
    const match = pattern.exec(column);
    if (!match || (importance.attributes && lookup(importance.attributes, match.groups!.attribute!) === undefined))
      return [];
    return [{ column, attribute: lookup(importance.attributes, match.groups!.attribute!) ?? match.groups!.attribute! }];
  });
  return columns.length ? columns : `no column of the file matches the pattern ${importance.pattern}`;
}

/** `Q5_{brand}_{attribute}` → /^q5_(?<brand>.+?)_(?<attribute>.+?)$/ (names are lower-cased). */
function patternRegex(pattern: string): RegExp {
  const source = pattern
    .toLowerCase()
    .split(/(\{brand\}|\{attribute\})/)
    .map((part) =>
      part === "{brand}"
        ? "(?<brand>.+?)"
        : part === "{attribute}"
          ? "(?<attribute>.+?)"
          : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    )
    .join("");
  return new RegExp(`^${source}$`);
}

function lookup(map: Record<string, string> | undefined, code: string): string | undefined {
  if (!map) return undefined;
  const key = Object.keys(map).find((k) => k.toLowerCase() === code);
  return key === undefined ? undefined : map[key];
}
