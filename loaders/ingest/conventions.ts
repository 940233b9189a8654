/** How a file writes its values: its date order, decimal separator and two-digit years, found from a sample of its rows. */
import type { ReadFile } from "./context.js";
import type { Config } from "../contract/config.js";
import type { FileSpec } from "../contract/contract.js";
import type { Database } from "../core/db.js";
import { identifier } from "../core/sql.js";
import type { Problem } from "../core/errors.js";
import { type DateRules, type ReadConventions, SLASH_DATE_PATTERN, dateWindow, defaultDateRules } from "./parse.js";
import { OUTCOME_FLAGS } from "./outcomes.js";

/** How many rows of a sample decide how a file writes dates with slashes. */
export const DATE_SAMPLE = 10_000;

/**
 * The file's number and date conventions: from its `sources` entry, else from a sample of its
 * values: decimal commas when amounts end in a comma and one or two digits (`12,5`, `1.234,50`)
 * and none in a point and one or two digits; for dates with slashes, the order its dates show
 * (a part above 12 is the day). Dates that never tell (every part 12 or below) are an error:
 * guessing would swap days and months silently.
 */
export async function conventionsOf(
  file: ReadFile,
  relation = `raw_${file.spec.name}`
): Promise<ReadConventions | Problem> {
  const {
    db,
    spec,
    source,
    columns,
    folder: { config, secret }
  } = file;
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
