/**
 * The errors that are a user's mistake, not a crash: the CLI, the build and the data loaders
 * print their message (a line per problem) and exit with their code, with no stack trace.
 */

/** A mistake the user can fix: printed as it is, exit code `exitCode`. */
export class CvaError extends Error {
  override name = "CvaError";
  constructor(
    message: string,
    /** 1: the inputs or the request are wrong; 2: the command was called wrongly (a missing folder, an unknown option). */
    readonly exitCode: 1 | 2 = 1
  ) {
    super(message);
  }
}

/** A mistake in how a command or loader was called, or in what it was asked for. */
export class UsageError extends CvaError {
  override name = "UsageError";
  constructor(message: string) {
    super(message, 2);
  }
}

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

/** The exports or the config break the contract: each problem is printed on a line. */
export class IngestError extends CvaError {
  override name = "IngestError";
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join("\n"), 1);
  }
}

/** `--wave` or `--segment` asked of a table without that column: an error, never a silent no-op. */
export function noFilterColumn(table: string, column: string): UsageError {
  return new UsageError(`table ${table} has no ${column} column, so --${column} cannot apply to it`);
}

/** The first line of an error's message: what a one-line problem quotes. */
export function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0]!;
}
