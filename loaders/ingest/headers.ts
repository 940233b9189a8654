/** Header checks: every file names its columns once, and has the contract's required ones. */
import { CONTRACT, type FileSpec } from "../contract/contract.js";
import type { Database } from "../core/db.js";
import { literal } from "../core/sql.js";
import { type Problem, firstLine } from "../core/errors.js";
import { type CsvHeader, type SourceFile, emptyFile, headerNameProblems } from "./read-source.js";

/** The contract's required columns a configured source's view lacks: the rename map must name them. */
export function missingColumns(source: SourceFile, spec: FileSpec, columns: string[]): Problem[] {
  return spec.columns
    .filter((c) => c.inHeader && !columns.includes(c.name))
    .map((c) => ({
      file: source.fileName,
      line: 1,
      column: c.name,
      rule: "missing-column",
      message: `required column ${c.name} of ${spec.name} is missing: name the file's column for it in sources.${source.entry!.index}.rename (found: ${columns.join(", ")})`
    }));
}

export async function headerProblems(
  db: Database,
  source: SourceFile,
  header: CsvHeader | undefined
): Promise<Problem[]> {
  let columns: string[];
  if (source.format === "csv") {
    if (!header) return [emptyFile(source.fileName, 1)];
    columns = header.columns.map((c) => c.toLowerCase());
  } else {
    try {
      columns = (await db.columns(`SELECT * FROM read_parquet(${literal(source.path)})`)).map((c) =>
        c.name.trim().toLowerCase()
      );
    } catch (error) {
      return [{ file: source.fileName, rule: "unreadable", message: `cannot be read as Parquet: ${firstLine(error)}` }];
    }
  }
  const problems = headerNameProblems(source.fileName, columns);
  const spec = CONTRACT.find((s) => s.name === source.name)!;
  for (const column of spec.columns) {
    if (column.inHeader && !columns.includes(column.name)) {
      problems.push({
        file: source.fileName,
        line: 1,
        column: column.name,
        rule: "missing-column",
        message: `required column ${column.name} is missing (found: ${columns.join(", ")})`
      });
    }
  }
  return problems;
}
