/** The row rules: for every contract column, the SQL conditions a value breaks, and how a value is read. */
import type { ReadFile } from "./context.js";
import { type Config, DEFAULT_CURRENCY, isSurveyConfig } from "../contract/config.js";
import { CONTRACT, type ColumnSpec, FALSE_WORDS, type FileSpec, TRUE_WORDS } from "../contract/contract.js";
import { identifier, literal } from "../core/sql.js";
import {
  RATE_TYPE,
  type ReadConventions,
  amountCurrencySql,
  currencySql,
  dateFormatsShown,
  dateSql,
  decimalSql,
  defaultDateRules,
  numberFormatShown,
  numberInSql,
  wholeNumberSql
} from "./parse.js";
import { outcomeSql } from "./outcomes.js";
import { PROCESS_SECRET, pseudonymSql } from "./pseudonyms.js";

/** The SQL condition under which a value is a "don't know" code, for score columns. */
export function dontKnowCondition(value: string, config: Config | undefined): string {
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
export function readingsOf(
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
export const stagedParsed = (column: string) => identifier(`${column}__parsed`);

export const stagedDontKnow = (column: string) => identifier(`${column}__dont_know`);

/** A column's readings over `prefix` + its name: computed, or the staged results. */
export function readingsFor(
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
export function rowRules(
  file: Pick<ReadFile, "spec" | "columns" | "sources" | "folder">,
  conventions: ReadConventions,
  staged = false
): RowRules {
  const {
    spec,
    columns,
    sources,
    folder: { config }
  } = file;
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
export function brokenList(
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

/** Shown instead of the value in rejects of personal-data columns and lines. */
export const WITHHELD = "(withheld: personal data)";

export /** The type of a row's list of broken rules. */
const REJECT_LIST = `STRUCT("column" VARCHAR, value VARCHAR, rule VARCHAR, message VARCHAR)[]`;
