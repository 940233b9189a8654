/**
 * Files that mostly failed: all of their rows, or more than the config's share, rejected.
 * Ingest accepts such a folder (every row is accounted for), but a report built on the few
 * rows left would mislead, so `cva validate` fails on it and says what to fix.
 */
import type { Database } from "../core/db.js";
import { DEFAULT_MAX_REJECTED_SHARE } from "../contract/config.js";

/** Rules that are documented treatments of rows that are not data, not mistakes: they do not count. */
export const TREATMENTS = new Set(["report-total", "report-footer", "not-a-customer", "unfinished"]);

export interface RejectionAlarm {
  file: string;
  export: string;
  read: number;
  rejected: number;
  /** Rejected rows among the rows that are data (treatments left out). */
  share: number;
  rules: {
    rule: string;
    rows: number;
    line: number | null;
    column: string | null;
    message: string | null;
    fix: string;
  }[];
}

/** What usually fixes rows rejected by a rule. */
const FIXES: Record<string, string> = {
  "not-a-date":
    'dates of another shape: set the file\'s "dates" under sources (MM/DD/YYYY or DD/MM/YYYY), or re-export with ISO dates (docs/data-contract.md)',
  "implausible-date": "years that are wrong, or dates.earliest / dates.yearsAhead too narrow for genuine dates",
  "not-a-number": 'amounts in another locale: set the file\'s "decimal" under sources',
  "not-a-whole-number": "a column of decimals where whole numbers are expected: check the rename",
  "not-a-score": 'answers as text: map them under the survey\'s "choices" or "recode"',
  "out-of-range": 'another answer scale: set "scales" in cva.config.json, or "recode" the answers',
  "unknown-brand": "brands the config does not list: add them to competitors, or map the codes",
  "unknown-attribute": "attributes the config does not list: add them to attributes, or map the codes",
  orphan:
    "keys that the referenced export does not hold: export both files from the same system and date, or map the right key column",
  "missing-value": "an empty required column: map the file's column for it under rename",
  "field-count": "lines with too many or too few fields: check the delimiter and quoting of the export",
  "out-of-order": "end dates before start dates: check which columns are mapped to each"
};

export async function rejectionAlarms(db: Database, maxShare = DEFAULT_MAX_REJECTED_SHARE): Promise<RejectionAlarm[]> {
  const files = await db.rows<{
    file: string;
    export: string;
    rows_read: number;
    rows_rejected: number;
    rejected_by_rule: string;
  }>(`SELECT file, export, rows_read, rows_rejected, rejected_by_rule FROM ingest_files ORDER BY file, export`);
  const alarms: RejectionAlarm[] = [];
  for (const f of files) {
    const byRule = f.rejected_by_rule
      ? f.rejected_by_rule.split("; ").map((part) => {
          const at = part.lastIndexOf(": ");
          return { rule: part.slice(0, at), rows: Number(part.slice(at + 2)) };
        })
      : [];
    const treated = byRule.filter((r) => TREATMENTS.has(r.rule)).reduce((sum, r) => sum + r.rows, 0);
    const data = f.rows_read - treated,
      rejected = f.rows_rejected - treated;
    if (data <= 0 || rejected <= 0 || (rejected < data && rejected / data <= maxShare)) continue;
    const rules = [];
    for (const { rule, rows } of byRule.filter((r) => !TREATMENTS.has(r.rule)).slice(0, 3)) {
      const [example] = await db.rows<{ line: number | null; column: string | null; message: string | null }>(
        `SELECT line, "column", message FROM rejects WHERE file = $1 AND rule = $2 ORDER BY line LIMIT 1`,
        [f.file, rule]
      );
      rules.push({
        rule,
        rows,
        line: example?.line ?? null,
        column: example?.column ?? null,
        message: example?.message ?? null,
        fix: FIXES[rule] ?? "see the rule in docs/data-contract.md"
      });
    }
    alarms.push({
      file: f.file,
      export: f.export,
      read: f.rows_read,
      rejected: f.rows_rejected,
      share: rejected / data,
      rules
    });
  }
  return alarms;
}

/** An alarm as the lines `cva validate` prints. */
export function formatAlarm(alarm: RejectionAlarm, maxShare: number): string[] {
  const how =
    alarm.share >= 1
      ? "every row"
      : `${(100 * alarm.share).toFixed(1)}% of the rows (more than ${Math.round(100 * maxShare)}%)`;
  return [
    `${alarm.file} (${alarm.export}): ${how} rejected, ${alarm.rejected.toLocaleString("en-US")} of ${alarm.read.toLocaleString("en-US")}`,
    ...alarm.rules.map(
      (r) =>
        `  ${r.rule}: ${r.rows.toLocaleString("en-US")} row${r.rows === 1 ? "" : "s"}, e.g. line ${r.line ?? "?"}${r.column ? `, ${r.column}` : ""}: ${r.message ?? ""}; fix: ${r.fix}`
    )
  ];
}
