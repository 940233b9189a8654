/** Files in UTF-16 or Windows-1252, converted to UTF-8 copies before DuckDB reads them. */
import type { Warning } from "./warnings.js";
import { join } from "node:path";
import type { Database } from "../core/db.js";
import { literal } from "../core/sql.js";
import { ENCODING_NAMES, type Encoding, convertToUtf8, detectEncoding } from "./encoding.js";
import type { SourceFile } from "./read-source.js";

/** Files in UTF-16 or Windows-1252 are converted to UTF-8 copies in `scratch` first: DuckDB reads UTF-8. */
export async function decodeSources(sources: SourceFile[], scratch: string, warnings: Warning[]): Promise<void> {
  const converted = new Map<string, string>();
  for (const source of sources) {
    if (source.format !== "csv") continue;
    const done = converted.get(source.fileName);
    if (done) {
      source.path = done;
      continue;
    }
    const stated = source.entry?.encoding;
    const detected = detectEncoding(source.path);
    const encoding: Encoding =
      stated === "utf-8" || stated === "windows-1252"
        ? stated
        : stated === "utf-16"
          ? detected === "utf-16be"
            ? "utf-16be"
            : "utf-16le"
          : detected;
    if (encoding !== "utf-8") await convertSource(source, encoding, scratch, warnings);
    converted.set(source.fileName, source.path);
  }
}

export async function convertSource(
  source: SourceFile,
  encoding: Exclude<Encoding, "utf-8">,
  scratch: string,
  warnings: Warning[]
): Promise<void> {
  const target = join(scratch, `${warnings.length}-${source.fileName}`);
  await convertToUtf8(source.path, encoding, target);
  source.path = target;
  warnings.push({
    file: source.fileName,
    message:
      encoding === "windows-1252"
        ? 'the file is not UTF-8: read as Windows-1252 (Excel\'s "CSV" on Windows); check accented letters in the reports, or export as "CSV UTF-8"'
        : `read as ${ENCODING_NAMES[encoding]}`
  });
}

/**
 * DuckDB's reader found bytes that are not UTF-8. That is a property of the whole file (an
 * export setting), not of the lines with accented letters: rejecting those would drop every
 * customer named José, so the file is read again as Windows-1252 instead.
 */
export async function hasInvalidEncoding(db: Database, source: SourceFile): Promise<boolean> {
  const [found] = await db.rows<{ any: boolean }>(`
    SELECT EXISTS (SELECT 1 FROM structural_rejects WHERE file = ${literal(source.fileName)} AND error_type = 'INVALID ENCODING') AS any`);
  return found!.any;
}
