/**
 * Quoting for SQL text that cannot use prepared-statement parameters (table functions'
 * arguments, identifiers). Every name, path and value pasted into SQL goes through these.
 */

/** A double-quoted SQL identifier. */
export function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL literal for a string, number, boolean or null. */
export function literal(value: string | number | boolean | null): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`invalid SQL literal: ${value}`);
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/** A parenthesized list of literals, for `IN`: `('yes', 'y')`. */
export function literalList(values: readonly (string | number | boolean | null)[]): string {
  return `(${values.map(literal).join(", ")})`;
}

/** A quarter's label, `2026-Q3`, from a DATE or TIMESTAMP expression. */
export const quarterLabel = (date: string) => `strftime(${date}, '%Y') || '-Q' || quarter(${date})`;
