/**
 * How text from an export becomes a number or a date, as SQL over a VARCHAR expression. The
 * same expression both checks a value (NULL: it does not parse) and types it, so a value is
 * accepted exactly when it can be read.
 *
 * Every reading is explicit: a value's whole shape is matched first (`regexp_full_match`),
 * and only a value of a known shape is converted, with a fixed format. DuckDB's own casts are
 * lenient in ways that misread exports silently (`'7/9/14'::DATE` is the year 14, `%Y` takes
 * `24` as the year 24, `'1e2'::INTEGER` is 100), so no user value reaches a plain cast:
 * test/parse.test.ts checks the SQL of every ingest for it.
 */
import { DEFAULT_EARLIEST_DATE, DEFAULT_PIVOT, DEFAULT_YEARS_AHEAD } from "../contract/config.js";

/** How dates with slashes are ordered; two-digit years (`7/9/14`) follow the same order. */
export type SlashDates = "MM/DD/YYYY" | "DD/MM/YYYY";

/** How dates are read for the whole folder: the config's `dates` (docs/data-contract.md). */
export interface DateRules {
  /** Two-digit years below the pivot are 20xx, the others 19xx (POSIX `%y`: 69). */
  pivot: number;
  /** The IANA time zone whose calendar day a timestamp with an offset falls on. */
  timeZone: string;
  /** The plausible dates (ISO, inclusive): a date outside them is rejected as implausible-date. */
  earliest: string;
  latest: string;
}

/** The window of plausible dates: from `earliest` to `yearsAhead` years after `today`. */
export function dateWindow(
  earliest: string,
  yearsAhead: number,
  today = new Date()
): Pick<DateRules, "earliest" | "latest"> {
  const latest = new Date(Date.UTC(today.getUTCFullYear() + yearsAhead, today.getUTCMonth(), today.getUTCDate()));
  return { earliest, latest: latest.toISOString().slice(0, 10) };
}

export function defaultDateRules(today = new Date()): DateRules {
  return { pivot: DEFAULT_PIVOT, timeZone: "UTC", ...dateWindow(DEFAULT_EARLIEST_DATE, DEFAULT_YEARS_AHEAD, today) };
}

/** Conventions of one file, from its `sources` entry in the config or its shape. */
export interface ReadConventions {
  /** The decimal separator; the other of `.` and `,` (or a space) may group thousands. */
  decimal: "." | ",";
  /** How dates written with slashes are read; undefined when the file has none (or they are not yet known). */
  slashDates?: SlashDates;
  /** The folder's date rules; the defaults when absent. */
  dateRules?: DateRules;
  /** The secret of the pseudonyms of personal keys (loaders/ingest/pseudonyms.ts). */
  keySecret?: string;
  /** The file has Salesforce's IsClosed and IsWon columns, which decide a deal's outcome. */
  outcomeFlags?: boolean;
}

// A currency code or symbol before or after the amount: `USD 1,234.50`, `-$12`, `12,50 €`.
const CURRENCY = String.raw`^(-?)\s*(?:[A-Z]{3}|[$€£¥])\s*|\s*(?:[A-Z]{3}|[$€£¥])$`;

/** At most 16 digits before the point: every value of this shape fits DECIMAL(18,2), so the cast cannot fail. */
const PLAIN_NUMBER = String.raw`-?(\d{1,16}(\.\d+)?|\.\d+)`;

/**
 * The value as DECIMAL(18,2), or NULL when it is not a number in the file's conventions:
 * plain (`-1234.5`, `.5`), with thousands separators (`1,234.50`; `1.234,50` or `1 234,50`
 * with decimal commas), and a currency code or symbol (`USD 1,234.50`). Not exponents, signs
 * after the number or words. More than two decimals are rounded to the cent.
 */
export function decimalSql(v: string, conventions: ReadConventions, type = "DECIMAL(18,2)"): string {
  const bare = `regexp_replace(${v}, '${CURRENCY}', '\\1')`;
  if (conventions.decimal === ".") {
    return `CASE WHEN regexp_full_match(${v}, '${PLAIN_NUMBER}') THEN CAST(${v} AS ${type})
      WHEN regexp_full_match(${bare}, '${PLAIN_NUMBER}|-?\\d{1,3}(,\\d{3}){1,4}(\\.\\d+)?') THEN CAST(replace(${bare}, ',', '') AS ${type}) END`;
  }
  return `CASE WHEN regexp_full_match(${bare}, '-?\\d{1,16}(,\\d+)?') THEN CAST(replace(${bare}, ',', '.') AS ${type})
    WHEN regexp_full_match(${bare}, '-?\\d{1,3}([. \u00a0]\\d{3}){1,4}(,\\d+)?') THEN CAST(replace(regexp_replace(${bare}, '[. \u00a0]', '', 'g'), ',', '.') AS ${type}) END`;
}

/** An exchange rate: a plain positive number with up to ten decimals kept (`0.00025` pesos to the dollar). */
export const RATE_TYPE = "DECIMAL(28,10)";

/** A currency as its ISO 4217 code, in capitals (`usd` is USD), or NULL. */
export function currencySql(v: string): string {
  return `CASE WHEN regexp_full_match(${v}, '[A-Za-z]{3}') THEN upper(${v}) END`;
}

/**
 * The currency an amount's text names, when it names one: `EUR 1.234,50`, `12 GBP`, `€12`.
 * `$` names no currency of its own (US, Canadian, Australian dollars, pesos...): NULL.
 */
export function amountCurrencySql(v: string): string {
  const code = `coalesce(nullif(regexp_extract(${v}, '^-?\\s*([A-Z]{3})\\s*[-\\d.,]', 1), ''), nullif(regexp_extract(${v}, '[\\d.,]\\s*([A-Z]{3})$', 1), ''))`;
  return `coalesce(${code}, CASE WHEN contains(${v}, '€') THEN 'EUR' WHEN contains(${v}, '£') THEN 'GBP' END)`;
}

/**
 * A whole number as INTEGER, or NULL. `7.0` is 7 (spreadsheets and statistics packages write
 * whole numbers so), but `7.5` is not a whole number: a plain cast would round it to 8.
 */
export function wholeNumberSql(v: string): string {
  return `CASE WHEN regexp_full_match(${v}, '-?\\d{1,9}(\\.0+)?') THEN CAST(split_part(${v}, '.', 1) AS INTEGER) END`;
}

/** Whether the value is a plain number equal to one of `numbers` (`99`, `99.0`). */
export function numberInSql(v: string, numbers: number[]): string {
  return `CASE WHEN regexp_full_match(${v}, '-?\\d{1,15}(\\.\\d+)?') THEN CAST(${v} AS DOUBLE) IN (${numbers.map(String).join(", ")}) ELSE false END`;
}

// Shapes of a time of day after a date, 24-hour or with AM/PM.
const TIME = String.raw`(\d{1,2}:\d{2}(:\d{2}(\.\d{1,6})?)?(\s*[AaPp][Mm])?)`;
const ISO_DATE = String.raw`\d{4}-\d{2}-\d{2}`;
const ISO_TIME = String.raw`\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?`;
const OFFSET = String.raw`\s?(Z|[+-]\d{2}(:?\d{2})?)`;

/** strptime formats of a time after a date (`%S.%f` takes one to six decimals). */
const CLOCK = ["%H:%M:%S.%f", "%H:%M:%S", "%H:%M", "%I:%M:%S.%f %p", "%I:%M:%S %p", "%I:%M %p"];

/**
 * A date with a day, month and year in `order`, separated by `separator`, with a two- or
 * four-digit year and an optional time: matched by shape, the year made four digits by the
 * pivot, then parsed with the one format the shape allows. Returns a TIMESTAMP, or NULL.
 */
function dayMonthYear(v: string, separator: "/" | ".", order: "dmy" | "mdy", pivot: number): string {
  const s = separator === "." ? "\\." : "/";
  const shape = `\\d{1,2}${s}\\d{1,2}${s}(\\d{2}|\\d{4})([ T]+${TIME})?`;
  // `7/9/14 19:43` → `7/9/2014 19:43`: the century comes from the pivot, never from strptime's guess.
  const twoDigit = `^(\\d{1,2}${s}\\d{1,2}${s})(\\d{2})($|[ T])`;
  const yy = `CAST(regexp_extract(${v}, '${twoDigit}', 2) AS INTEGER)`;
  const fourDigit = `CASE WHEN regexp_matches(${v}, '${twoDigit}') THEN regexp_replace(${v}, '${twoDigit}', '\\1' || CASE WHEN ${yy} < ${pivot} THEN '20' ELSE '19' END || '\\2\\3') ELSE ${v} END`;
  const day = order === "dmy" ? `%d${separator}%m${separator}%Y` : `%m${separator}%d${separator}%Y`;
  const formats = [day, ...CLOCK.map((clock) => `${day} ${clock}`)].map((f) => `'${f}'`).join(", ");
  // One space before the time and before AM/PM, whatever the file had.
  const spaced = `regexp_replace(regexp_replace(${fourDigit}, '[ T]+', ' '), '(\\d)([AaPp][Mm])$', '\\1 \\2')`;
  return `CASE WHEN regexp_full_match(${v}, '${shape}') THEN try_strptime(${spaced}, [${formats}]) END`;
}

/**
 * The value as a DATE or TIMESTAMP, or NULL. The shapes read:
 * - ISO 8601: `2026-11-03`, `2026-11-03 14:05`, `2026-11-03T14:05:00.000`, taken as written;
 * - ISO 8601 with an offset (`2025-12-06 10:37:33 -0500`, `2024-01-22T14:49:34.000+0000`,
 *   `...Z`): an instant, shown as the wall time of the report's time zone (and its day);
 * - day-first with dots (`03.11.2026`, `03.11.26`), unambiguous by convention;
 * - with slashes in the order the file uses (`11/03/2026`, `7/9/14 19:43`), never guessed per value.
 * Two-digit years take their century from the pivot. Anything else (`7-9-14`, `epoch`,
 * `infinity`, a five-digit year) is not a date.
 */
export function dateSql(v: string, kind: "DATE" | "TIMESTAMP", conventions: ReadConventions): string {
  const { pivot, timeZone } = conventions.dateRules ?? { pivot: DEFAULT_PIVOT, timeZone: "UTC" };
  const local = `try_strptime(replace(${v}, 'T', ' '), ['%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M'])`;
  // strptime's %z reads +HH, +HHMM and +HH:MM; Z is +00.
  const zonedText = `regexp_replace(replace(${v}, 'T', ' '), '\\s?(Z|([+-]\\d{2}(:?\\d{2})?))$', ' \\2') || CASE WHEN ends_with(${v}, 'Z') THEN '+00' ELSE '' END`;
  const zoned = `timezone('${timeZone.replace(/'/g, "''")}', try_strptime(${zonedText}, ['%Y-%m-%d %H:%M:%S.%f %z', '%Y-%m-%d %H:%M:%S %z', '%Y-%m-%d %H:%M %z']))`;
  const readings = [
    `WHEN regexp_full_match(${v}, '${ISO_DATE}') THEN try_strptime(${v}, '%Y-%m-%d')`,
    `WHEN regexp_full_match(${v}, '${ISO_DATE}[T ]${ISO_TIME}') THEN ${local}`,
    `WHEN regexp_full_match(${v}, '${ISO_DATE}[T ]${ISO_TIME}${OFFSET}') THEN ${zoned}`,
    `WHEN contains(${v}, '.') THEN ${dayMonthYear(v, ".", "dmy", pivot)}`,
    ...(conventions.slashDates
      ? [
          `WHEN contains(${v}, '/') THEN ${dayMonthYear(v, "/", conventions.slashDates === "MM/DD/YYYY" ? "mdy" : "dmy", pivot)}`
        ]
      : [])
  ];
  return `(CASE ${readings.join("\n    ")} END)::${kind}`;
}

/** Matches the slash dates whose order a file's sample must tell: two- or four-digit years. */
export const SLASH_DATE_PATTERN = String.raw`^\d{1,2}/\d{1,2}/(\d{2}|\d{4})($|[ T])`;

/** What a date in the file must look like, for messages. */
export function dateFormatsShown(conventions: ReadConventions): string {
  const slash = conventions.slashDates ? [`${conventions.slashDates} (or YY)`] : [];
  return ["YYYY-MM-DD", "DD.MM.YYYY", ...slash].join(", ");
}

/** What a number in the file must look like, for messages. */
export function numberFormatShown(conventions: ReadConventions): string {
  return conventions.decimal === "." ? "-1234.50 or 1,234.50" : "-1234,50 or 1.234,50";
}
