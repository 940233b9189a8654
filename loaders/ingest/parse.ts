/**
 * How text from an export becomes a number or a date, as SQL over a VARCHAR expression. The
 * same expression both checks a value (NULL: it does not parse) and types it, so a value is
 * accepted exactly when it can be read. Each starts with the plain cast, the common case,
 * and only tries the slower readings when that fails.
 */

/** Conventions of one file, from its `sources` entry in the config or its shape. */
export interface ReadConventions {
  /** The decimal separator; the other of `.` and `,` (or a space) may group thousands. */
  decimal: "." | ",";
  /** How dates written with slashes are read; undefined when the file has none (or they are not yet known). */
  slashDates?: SlashDates;
}

export type SlashDates = "MM/DD/YYYY" | "DD/MM/YYYY";

export const DEFAULT_CONVENTIONS: ReadConventions = { decimal: "." };

// A currency code or symbol before or after the amount: `USD 1,234.50`, `-$12`, `12,50 €`.
const CURRENCY = String.raw`^(-?)\s*(?:[A-Z]{3}|[$€£¥])\s*|\s*(?:[A-Z]{3}|[$€£¥])$`;

/** The value as DECIMAL(18,2), or NULL when it is not a number in the file's conventions. */
export function decimalSql(v: string, conventions: ReadConventions): string {
  const bare = `regexp_replace(${v}, '${CURRENCY}', '\\1')`;
  if (conventions.decimal === ".") {
    return `coalesce(TRY_CAST(${v} AS DECIMAL(18,2)), CASE WHEN regexp_full_match(${bare}, '-?\\d{1,3}(,\\d{3})*(\\.\\d+)?') THEN TRY_CAST(replace(${bare}, ',', '') AS DECIMAL(18,2)) END)`;
  }
  return `CASE WHEN regexp_full_match(${bare}, '-?\\d+(,\\d+)?') THEN TRY_CAST(replace(${bare}, ',', '.') AS DECIMAL(18,2))
    WHEN regexp_full_match(${bare}, '-?\\d{1,3}([. \u00a0]\\d{3})*(,\\d+)?') THEN TRY_CAST(replace(regexp_replace(${bare}, '[. \u00a0]', '', 'g'), ',', '.') AS DECIMAL(18,2)) END`;
}

/**
 * A whole number as INTEGER, or NULL. `7.0` is 7 (spreadsheets and statistics packages write
 * whole numbers so), but `7.5` is not a whole number: a plain cast would round it to 8.
 */
export function wholeNumberSql(v: string): string {
  return `CASE WHEN contains(${v}, '.') THEN (CASE WHEN TRY_CAST(${v} AS DOUBLE) = round(TRY_CAST(${v} AS DOUBLE)) THEN TRY_CAST(TRY_CAST(${v} AS DOUBLE) AS INTEGER) END) ELSE TRY_CAST(${v} AS INTEGER) END`;
}

const TIMES = ["", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p"];

function formats(date: string): string {
  return `[${TIMES.map((time) => `'${date}${time}'`).join(", ")}]`;
}

/**
 * The value as a DATE or TIMESTAMP: ISO 8601 (`2026-11-03`, `2026-11-03 14:05:00`), day-first
 * with dots (`03.11.2026`, unambiguous by convention), or with slashes in the order the file
 * uses (`11/03/2026` or `03/11/2026`, never guessed per value).
 */
export function dateSql(v: string, kind: "DATE" | "TIMESTAMP", conventions: ReadConventions): string {
  const readings = [`try_strptime(${v}, ${formats("%d.%m.%Y")})`];
  if (conventions.slashDates) readings.push(`try_strptime(${v}, ${formats(conventions.slashDates === "MM/DD/YYYY" ? "%m/%d/%Y" : "%d/%m/%Y")})`);
  // A date column may hold a time too (a survey tool's RecordedDate): the day is kept.
  const iso = kind === "DATE" ? `TRY_CAST(TRY_CAST(${v} AS TIMESTAMP) AS DATE)` : "NULL";
  return `coalesce(TRY_CAST(${v} AS ${kind}), CASE WHEN regexp_matches(${v}, '^\\d{4}-') THEN ${iso} ELSE coalesce(${readings.join(", ")})::${kind} END)`;
}

/** What a date in the file must look like, for messages. */
export function dateFormatsShown(conventions: ReadConventions): string {
  return ["YYYY-MM-DD", "DD.MM.YYYY", ...(conventions.slashDates ? [conventions.slashDates] : [])].join(", ");
}

/** What a number in the file must look like, for messages. */
export function numberFormatShown(conventions: ReadConventions): string {
  return conventions.decimal === "." ? "-1234.50 or 1,234.50" : "-1234,50 or 1.234,50";
}
