/** What each step of ingest is given: the folder's rules, and the export file it works on. */
import type { Config } from "../contract/config.js";
import type { FileSpec } from "../contract/contract.js";
import type { Database } from "../core/db.js";
import type { SourceFile } from "./read-source.js";

/** What every file of one ingest shares: the config, and the pseudonyms' secret. */
export interface FolderRules {
  config: Config | undefined;
  secret: string;
}

/** One export file being ingested, in the warehouse being written. */
export interface ExportFile {
  db: Database;
  spec: FileSpec;
  source: SourceFile;
  /** The folder's sources: references are checked against the exports it has. */
  sources: SourceFile[];
  folder: FolderRules;
}

/** An export file whose columns are known. */
export interface ReadFile extends ExportFile {
  columns: string[];
}
