import { identifier, literal } from "../../core/sql.js";
import type { TableContext } from "../../warehouse/context.js";
import { WHOLE } from "../privacy/cell-suppression.js";

export const ALL = "All";

/**
 * Each respondent once in the whole sample and once per breakdown they have a value for:
 * (breakdown, breakdown_value) = (All, All), (segment, ...), (region, ...).
 */
export function respondentBreakdowns(context: TableContext): string {
  const parts = [
    `SELECT respondent_id, wave, ${literal(ALL)} AS breakdown, ${literal(ALL)} AS breakdown_value FROM responses`
  ];
  for (const column of ["segment", "region"]) {
    if (context.schema.has("responses", column)) {
      parts.push(
        `SELECT respondent_id, wave, ${literal(column)}, ${identifier(column)} FROM responses WHERE ${identifier(column)} IS NOT NULL`
      );
    }
  }
  return parts.join("\nUNION ALL\n");
}

/** A cell of a table by breakdown (All, a segment, a region), for suppressedCells. */
export const breakdownCell =
  <T extends { breakdown: string; breakdown_value: string; n: number }>(sliceOf: (row: T) => string[]) =>
  (row: T) => ({
    slice: sliceOf(row).join("\u0000"),
    breakdown: row.breakdown === ALL ? WHOLE : row.breakdown,
    value: row.breakdown_value,
    n: row.n
  });
