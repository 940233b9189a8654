/** Rejects: every rule every row broke, with its file, line, column and value (personal data withheld). */
import type { ReadFile } from "./context.js";
import { WITHHELD, brokenList, rowRules } from "./rules.js";
import { identifier, literal } from "../core/sql.js";
import type { ReadConventions } from "./parse.js";
import { isFirstExportOf } from "./find.js";

/**
 * Every rule of the contract checked in one scan of the file's raw table: each row that
 * breaks any rule becomes one reject row per rule broken. A file read directly (loadDirect)
 * had its rows' own rules checked as it was read; its references are checked here.
 */
export async function recordRejects(file: ReadFile, conventions: ReadConventions, direct: boolean): Promise<void> {
  const { db, spec, source, sources } = file;
  const raw = identifier(`raw_${spec.name}`);
  const rules = rowRules(file, conventions);
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

/** The rule of a line DuckDB's CSV reader could not read, from its error type. */
export const STRUCTURAL_RULE = `CASE WHEN error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS') THEN 'field-count' ELSE lower(replace(error_type, ' ', '-')) END`;
