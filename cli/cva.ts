/**
 * cva: validate exports, list and compute tables.
 *   cva validate [--data DIR]
 *   cva tables
 *   cva table NAME [--data DIR] [--format csv|json|parquet] [--out FILE] [--wave W] [--segment S]
 *   cva new-page "TITLE"
 */
import { parseArgs } from "node:util";
import {
  dataFolderFrom,
  ensureWarehouse,
  formatProblem,
  IngestError,
  TABLE_FORMATS,
  TABLES,
  tableNamed,
  withWarehouse,
  writeTableOfFolder,
  tableRows,
  type TableFormat
} from "../loaders/index.js";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CvaError, UsageError } from "../loaders/core/errors.js";
import { contextOf } from "../loaders/warehouse/context.js";
import { formatAlarm, rejectionAlarms } from "../loaders/ingest/rejection-alarms.js";
import { DEFAULT_MAX_REJECTED_SHARE } from "../loaders/contract/config.js";
import { newPage, NewPageError } from "./new-page.js";
import { USAGE } from "./usage.js";

/** The project this command belongs to: new pages go into its src/. */
const PROJECT_DIR = fileURLToPath(new URL("..", import.meta.url));

/** Exit codes: 0 fine, 1 the data stops ingest or a file is mostly rejected (validate), 2 the command line is wrong. */
export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const say = (text: string) => io.stderr.write(`${text}\n`);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        data: { type: "string" },
        format: { type: "string", default: "csv" },
        out: { type: "string" },
        wave: { type: "string" },
        segment: { type: "string" },
        help: { type: "boolean", short: "h" }
      }
    });
  } catch (error) {
    say(`cva: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    (values.help ? io.stdout : io.stderr).write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const dataDir = values.data ? resolve(values.data) : dataFolderFrom();
  const progress = io.stderr.isTTY ? (stage: string) => say(`cva: ${stage}`) : undefined;
  try {
    switch (command) {
      case "validate": {
        if (rest.length) throw new CommandLineError(`validate takes no arguments (got ${rest.join(" ")})`);
        const { ingested } = await ensureWarehouse({ dataDir, onStage: progress });
        const { summary, warnings, alarms, maxShare } = await withWarehouse({ dataDir }, async (db) => {
          const maxShare = (await contextOf(db)).config?.validate.maxRejectedShare ?? DEFAULT_MAX_REJECTED_SHARE;
          return {
            summary: await tableRows(db, "ingest-summary"),
            warnings: await tableRows<{ file: string; message: string }>(db, "ingest-warnings"),
            alarms: await rejectionAlarms(db, maxShare),
            maxShare
          };
        });
        io.stdout.write(
          `${dataDir}${ingested ? "" : " (unchanged since the last ingest)"}\n${formatSummary(summary)}\n`
        );
        for (const w of warnings) io.stdout.write(`note: ${w.file}: ${w.message}\n`);
        if (!alarms.length) return 0;
        for (const alarm of alarms) for (const line of formatAlarm(alarm, maxShare)) say(line);
        say(
          `cva: ${alarms.length} file${alarms.length === 1 ? "" : "s"} mostly rejected in ${dataDir}: the reports would rest on the rows left (validate.maxRejectedShare in cva.config.json)`
        );
        return 1;
      }
      case "tables": {
        const width = Math.max(...TABLES.map((t) => t.name.length));
        for (const table of TABLES) io.stdout.write(`${table.name.padEnd(width)}  ${table.description}\n`);
        return 0;
      }
      case "table": {
        if (rest.length !== 1)
          throw new CommandLineError(
            `table takes one table name (the tables are ${TABLES.map((t) => t.name).join(", ")})`
          );
        const format = values.format as TableFormat;
        if (!TABLE_FORMATS.includes(format))
          throw new CommandLineError(`--format must be one of ${TABLE_FORMATS.join(", ")} (got ${format})`);
        try {
          tableNamed(rest[0]!);
        } catch (error) {
          throw new CommandLineError((error as Error).message);
        }
        if (format === "parquet" && !values.out && io.stdout.isTTY)
          throw new CommandLineError("Parquet is binary: give --out FILE or redirect stdout");
        await writeTableOfFolder(
          dataDir,
          rest[0]!,
          format,
          values.out ? { out: resolve(values.out) } : { stream: io.stdout },
          { onStage: progress, wave: values.wave, segment: values.segment }
        );
        return 0;
      }
      case "new-page": {
        if (rest.length !== 1)
          throw new CommandLineError(`new-page takes one title, in quotes (got ${rest.length} arguments)`);
        try {
          const { page, loader } = newPage(PROJECT_DIR, rest[0]!);
          io.stdout.write(
            `wrote ${relative(PROJECT_DIR, page)}\nwrote ${relative(PROJECT_DIR, loader)}\nnext: npm run dev, then edit both files (docs/analyst-guide.md)\n`
          );
        } catch (error) {
          if (error instanceof NewPageError) throw new CommandLineError(error.message);
          throw error;
        }
        return 0;
      }
      default:
        throw new CommandLineError(`unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof IngestError) {
      for (const problem of error.problems) say(formatProblem(problem));
      say(
        `cva: ${error.problems.length} problem${error.problems.length === 1 ? "" : "s"} in ${dataDir}: nothing was ingested`
      );
      return 1;
    }
    if (error instanceof CommandLineError) {
      say(`cva: ${error.message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof CvaError) {
      say(`cva: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  }
}

/** The command line itself is wrong: the message, then the usage. */
class CommandLineError extends UsageError {}

/** The per-file summary as an aligned text table. */
function formatSummary(rows: Record<string, unknown>[]): string {
  const header = ["file", "read", "accepted", "rejected", "don't know", "rejected by rule"];
  const number = (v: unknown) => (v === null || v === undefined ? "" : Number(v).toLocaleString("en-US"));
  const lines = rows.map((r) =>
    r.status === "ingested"
      ? [
          r.export && !String(r.file).toLowerCase().startsWith(`${r.export}.`)
            ? `${r.file} (${r.export})`
            : String(r.file),
          number(r.rows_read),
          number(r.rows_accepted),
          number(r.rows_rejected),
          number(r.dont_know),
          String(r.rejected_by_rule)
        ]
      : [String(r.file), "", "", "", "", String(r.status)]
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [format(header), ...lines.map(format)].join("\n");
}
