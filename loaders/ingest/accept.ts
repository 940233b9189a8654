/** Accepted rows: a typed table per export, from the rows that broke no rule. */
import type { ReadFile } from "./context.js";
import type { Config } from "../contract/config.js";
import { type ColumnSpec, TRUE_WORDS } from "../contract/contract.js";
import { identifier, literal } from "../core/sql.js";
import type { ReadConventions } from "./parse.js";
import type { FileSummary } from "./summary.js";
import { dontKnowCondition, readingsFor } from "./rules.js";
import { extraColumns } from "./personal-extras.js";
import { STRUCTURAL_RULE } from "./rejects.js";
import { isFirstExportOf } from "./find.js";

export function typedExpression(
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

export async function acceptRows(
  file: ReadFile,
  conventions: ReadConventions,
  personal: { byName: string[]; byValue: string[] }
): Promise<FileSummary> {
  const {
    db,
    spec,
    source,
    columns,
    sources,
    folder: { config }
  } = file;
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
