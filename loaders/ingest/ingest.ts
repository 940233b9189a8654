import type { ExportFile, ReadFile, FolderRules } from "./context.js";
import { type FileSummary, recordSummary } from "./summary.js";
import type { Warning } from "./warnings.js";
import { configProblems, configWarnings } from "./config-checks.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, readConfig } from "../contract/config.js";
import { CONTRACT, type ExportName } from "../contract/contract.js";
import type { Database } from "../core/db.js";
import { literal } from "../core/sql.js";
import { IngestError, firstLine, formatProblem } from "../core/errors.js";
import { PROCESS_SECRET } from "./pseudonyms.js";
import { convertCurrencies } from "./currencies.js";
import { linkTickets } from "./ticket-links.js";
import { type CsvHeader, type SourceFile, findSources, loadRaw, readCsvHeader } from "./read-source.js";
import { type ConfiguredSource, type VendorTables, loadConfiguredExport } from "./sources.js";
import { isPlain, missingFiles } from "./find.js";
import { convertSource, decodeSources, hasInvalidEncoding } from "./decode.js";
import { headerProblems, missingColumns } from "./headers.js";
import { conventionsOf } from "./conventions.js";
import { unmappedAnswers, unmappedStages } from "./unmapped.js";
import { customerBaseProblems, customerBaseWarnings } from "./customer-base.js";
import { duplicateKeys } from "./duplicates.js";
import { recordRejects } from "./rejects.js";
import { personalExtras, personalWarnings } from "./personal-extras.js";
import { acceptRows } from "./accept.js";
import { type DirectRead, canLoadDirect, directSummary, finishDirectTables, loadDirect } from "./direct-read.js";

export interface IngestResult {
  files: FileSummary[];
  /** Files read with a treatment the analyst should know of (an encoding, unmapped answers). */
  warnings: Warning[];
  /** Files in the folder that are not part of the contract. */
  ignored: string[];
  config: Config | undefined;
  /** Exports read in one pass straight into their tables (loadDirect); the others were read the general way. */
  readDirectly: string[];
}

export interface IngestOptions {
  /** Called at the start of each stage, for progress reporting. */
  onStage?: (stage: string) => void;
  /**
   * Read clean CSV files in one pass (the default). False reads every file the general way:
   * the two give the same warehouse, which the tests check.
   */
  direct?: boolean;
  /** The secret of the pseudonyms of personal keys (ensureWarehouse keeps one per warehouse folder; default: one per process). */
  pseudonymSecret?: string;
}

/**
 * Validates the exports in `dataDir` and loads them into `db`: one typed table per export
 * (named after it), `customer_contacts` (the personal data, kept apart), `rejects` (file,
 * line, column, value, rule, message for every rule a row broke), `ingest_files` (rows read,
 * accepted and rejected per file; read = accepted + rejected), `ingest_meta`, and, with a
 * config, `brands` and `attributes`. Problems that stop ingest are collected across the
 * folder and thrown together as an IngestError.
 */
export async function ingestFolder(db: Database, dataDir: string, options: IngestOptions = {}): Promise<IngestResult> {
  const { onStage = () => {}, direct: readDirectly = true, pseudonymSecret = PROCESS_SECRET } = options;
  onStage("reading the configuration");
  const config = readConfig(dataDir);
  const folder: FolderRules = { config, secret: pseudonymSecret };
  const { sources, ignored, problems } = findSources(dataDir, config);
  problems.push(...missingFiles(sources, config));
  const scratch = mkdtempSync(join(tmpdir(), "cva-ingest-"));
  try {
    const warnings: Warning[] = [];
    await decodeSources(sources, scratch, warnings);
    const headers = new Map<SourceFile, CsvHeader | undefined>();
    for (const source of sources) {
      if (!isPlain(source)) continue;
      const header = source.format === "csv" ? readCsvHeader(source.path) : undefined;
      headers.set(source, header);
      problems.push(...(await headerProblems(db, source, header)));
    }
    if (problems.length) throw new IngestError(problems);

    await db.run(
      `CREATE TABLE rejects (file VARCHAR, line BIGINT, "column" VARCHAR, value VARCHAR, rule VARCHAR, message VARCHAR)`
    );
    await db.run(
      `CREATE TEMP TABLE structural_rejects (file VARCHAR, line BIGINT, error_type VARCHAR, csv_line VARCHAR, error_message VARCHAR)`
    );
    const files: FileSummary[] = [];
    const vendorTables: VendorTables = new Map();
    const directs: DirectRead[] = [];
    const columnsRead = new Map<ExportName, string[]>();
    for (const spec of CONTRACT) {
      const source = sources.find((s) => s.name === spec.name);
      if (!source) continue;
      onStage(`validating ${source.fileName}${source.entry ? ` (${spec.name})` : ""}`);
      const file: ExportFile = { db, spec, source, sources, folder };
      let columns: string[];
      let direct: DirectRead | undefined;
      try {
        if (readDirectly && isPlain(source) && canLoadDirect(spec, source, headers.get(source))) {
          direct = await loadDirect(file, headers.get(source)!);
        }
        if (direct) {
          columns = direct.columns;
        } else if (isPlain(source)) {
          columns = await loadRaw(db, source, `raw_${spec.name}`, headers.get(source));
          if (await hasInvalidEncoding(db, source)) {
            // Bytes beyond the first 64 KB that are not UTF-8: read again as Windows-1252.
            await convertSource(source, "windows-1252", scratch, warnings);
            await db.run(`DELETE FROM structural_rejects WHERE file = ${literal(source.fileName)}`);
            columns = await loadRaw(db, source, `raw_${spec.name}`, headers.get(source));
          }
        } else {
          const view = await loadConfiguredExport(db, source as ConfiguredSource, config, vendorTables);
          problems.push(...view.problems);
          // A survey file's exports share its header: each warning is said once.
          for (const message of view.warnings)
            if (!warnings.some((w) => w.file === source.fileName && w.message === message))
              warnings.push({ file: source.fileName, message });
          if (view.problems.length) continue;
          columns = view.columns;
          const missing = missingColumns(source, spec, columns);
          problems.push(...missing);
          if (missing.length) continue;
        }
      } catch (error) {
        problems.push({ file: source.fileName, rule: "unreadable", message: `cannot be read: ${firstLine(error)}` });
        continue;
      }
      const read: ReadFile = { ...file, columns };
      const conventions = direct ?? (await conventionsOf(read));
      if ("rule" in conventions) {
        problems.push(conventions);
        continue;
      }
      columnsRead.set(
        spec.name,
        columns.map((c) => c.toLowerCase())
      );
      problems.push(...customerBaseProblems(read));
      problems.push(...(await duplicateKeys(read)));
      const personal = await personalExtras(read);
      await recordRejects(read, conventions, Boolean(direct));
      problems.push(...(await unmappedStages(read)));
      files.push(direct ? await directSummary(read, direct) : await acceptRows(read, conventions, personal));
      if (direct) directs.push({ ...direct, working: [...direct.working, ...personal.byName, ...personal.byValue] });
      warnings.push(
        ...(await unmappedAnswers(read)),
        ...personalWarnings(source, personal),
        ...customerBaseWarnings(read)
      );
    }
    problems.push(...configProblems(config, columnsRead));
    warnings.push(...configWarnings(config, columnsRead));
    // A survey file's exports share its mapping: a problem with it is said once.
    if (problems.length)
      throw new IngestError(
        problems.filter((p, i) => problems.findIndex((q) => formatProblem(q) === formatProblem(p)) === i)
      );
    await finishDirectTables(db, directs, files);
    const currencyProblems = await convertCurrencies(db, config, sources);
    if (currencyProblems.length) throw new IngestError(currencyProblems);
    warnings.push(...(await linkTickets(db, sources)));

    onStage("recording the summary");
    await recordSummary(db, { dataDir, config, sources, files, warnings, ignored });
    return { files, ignored, config, warnings, readDirectly: directs.map((d) => d.export) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
