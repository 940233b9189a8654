/**
 * A problem that stops ingest: a missing file or column, an unreadable file, a configuration
 * that fails its schema, a duplicate key. (Bad rows do not stop ingest; they become rejects.)
 */
export interface Problem {
  /** File name within the data folder, e.g. `orders.csv`. */
  file: string;
  /** Physical line in the file (1 = the header); for Parquet, the row number. */
  line?: number | undefined;
  /** Column name, or for the config the path of the offending setting. */
  column?: string | undefined;
  /** Short id of the rule broken, e.g. `duplicate-key`. */
  rule: string;
  message: string;
}

/** `orders.csv:7: order_id: duplicate order_id O5 (first on line 3) [duplicate-key]` */
export function formatProblem(problem: Problem): string {
  const where = [problem.file, problem.line].filter((part) => part !== undefined).join(":");
  return `${where}: ${problem.column ? `${problem.column}: ` : ""}${problem.message} [${problem.rule}]`;
}

/** Thrown for user mistakes: the CLI prints each problem on a line, with no stack trace. */
export class IngestError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "IngestError";
  }
}
