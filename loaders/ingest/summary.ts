/** What ingest records about itself: rows per file, warnings, the files read and the config. */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE, isSurveyConfig, type Config, type SurveyConfig } from "../contract/config.js";
import { CONTRACT_VERSION } from "../contract/contract.js";
import type { SourceFile } from "./read-source.js";
import type { Warning } from "./warnings.js";
import type { Database } from "../core/db.js";

async function recordConfig(db: Database, config: SurveyConfig): Promise<void> {
  await db.run(`CREATE TABLE brands (brand VARCHAR, is_ours BOOLEAN, position INTEGER)`);
  for (const [i, brand] of [config.brand, ...config.competitors].entries()) {
    await db.run(`INSERT INTO brands VALUES ($1, $2, $3)`, [brand, i === 0, i]);
  }
  await db.run(
    `CREATE TABLE attributes (id VARCHAR, label VARCHAR, "group" VARCHAR, owner VARCHAR, factor VARCHAR, position INTEGER)`
  );
  for (const [i, a] of config.attributes.entries()) {
    await db.run(`INSERT INTO attributes VALUES ($1, $2, $3, $4, $5, $6)`, [
      a.id,
      a.label,
      a.group,
      a.owner,
      a.factor ?? null,
      i
    ]);
  }
}

export interface FileSummary {
  file: string;
  export: string;
  format: string;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** Survey answers read as missing because they were a "don't know" code. */
  dontKnow: number;
  /** Rows rejected per rule, most first: `orphan: 3; not-a-date: 1`. */
  rejectedByRule: string;
}

/** What `recordSummary` records. */
export interface IngestSummary {
  dataDir: string;
  config: Config | undefined;
  sources: readonly SourceFile[];
  files: readonly FileSummary[];
  warnings: readonly Warning[];
  /** Files in the folder that are not part of the contract. */
  ignored: readonly string[];
}

/**
 * Records the ingest in the warehouse: rows read, accepted and rejected per file
 * (`ingest_files`), the warnings, each file's size and modification time (`ingest_sources`,
 * for the provenance every page shows), the contract version, folder and config
 * (`ingest_meta`), and a survey config's brands and attributes.
 */
export async function recordSummary(
  db: Database,
  { dataDir, config, sources, files, warnings, ignored }: IngestSummary
): Promise<void> {
  await db.run(
    `CREATE TABLE ingest_files (file VARCHAR, export VARCHAR, format VARCHAR, rows_read BIGINT, rows_accepted BIGINT, rows_rejected BIGINT, dont_know BIGINT, rejected_by_rule VARCHAR)`
  );
  for (const f of files) {
    await db.run(`INSERT INTO ingest_files VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      f.file,
      f.export,
      f.format,
      f.rowsRead,
      f.rowsAccepted,
      f.rowsRejected,
      f.dontKnow,
      f.rejectedByRule
    ]);
  }
  await db.run(`CREATE TABLE ingest_warnings (file VARCHAR, message VARCHAR)`);
  for (const w of warnings) await db.run(`INSERT INTO ingest_warnings VALUES ($1, $2)`, [w.file, w.message]);
  // Sizes and modification times, for the provenance line every page shows.
  await db.run(`CREATE TABLE ingest_sources (file VARCHAR, bytes BIGINT, modified_at TIMESTAMP)`);
  const configPath = join(dataDir, CONFIG_FILE);
  // Files joined to a line-item export are read too (lines.join): their sizes and times are part of what the figures come from.
  const joined = (config?.sources ?? [])
    .flatMap((e) => e.lines?.join.map((j) => j.file) ?? [])
    .map((file) => readdirSync(dataDir).find((f) => f.toLowerCase() === file.toLowerCase()))
    .filter((f): f is string => f !== undefined);
  const read = [...new Set([...sources.map((s) => s.fileName), ...joined])].map((fileName) => ({
    fileName,
    path: join(dataDir, fileName)
  }));
  for (const source of [...read, ...(existsSync(configPath) ? [{ fileName: CONFIG_FILE, path: configPath }] : [])]) {
    const stat = statSync(source.path);
    await db.run(`INSERT INTO ingest_sources VALUES ($1, $2, make_timestamp($3::BIGINT))`, [
      source.fileName,
      stat.size,
      Math.round(stat.mtimeMs * 1000)
    ]);
  }
  await db.run(
    `CREATE TABLE ingest_meta AS SELECT $1::INTEGER AS contract_version, $2::VARCHAR AS data_dir, $3::VARCHAR AS config, $4::VARCHAR AS ignored_files`,
    [CONTRACT_VERSION, dataDir, config ? JSON.stringify(config) : null, JSON.stringify(ignored)]
  );
  if (isSurveyConfig(config)) await recordConfig(db, config);
}
