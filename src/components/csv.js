// CSV text of what a table shows, safe to open in a spreadsheet. No imports: tested in Node.

/**
 * A CSV cell that a spreadsheet will not run: text starting with =, +, -, @, tab or carriage
 * return is prefixed with an apostrophe (OWASP's advice against formula injection). Numbers
 * are written as numbers, so negative values stay numeric.
 */
export function csvCell(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A formatted cell's text: formats may return elements (a bar with its number). */
const textOf = (value) =>
  value !== null && typeof value === "object" && "textContent" in value ? value.textContent : value;

/** The CSV text of `rows` as a table shows them: the same columns, headers and formatting. */
export function tableCsv(rows, { columns, header = {}, format = {} }) {
  const lines = [columns.map((c) => csvCell(header[c] ?? c)).join(",")];
  rows.forEach((row, i) => {
    lines.push(columns.map((c) => csvCell(textOf(format[c] ? format[c](row[c], i, rows) : row[c]))).join(","));
  });
  return lines.join("\r\n") + "\r\n";
}
