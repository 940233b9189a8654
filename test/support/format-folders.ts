import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_DIR } from "./project.js";

// Each vendor folder holds a file as the tool exports it and the config that maps it; the
// contract folder holds the same data as contract files. Both must ingest to the same tables.
export const FORMATS = join(PROJECT_DIR, "test", "fixtures", "formats");

export interface VendorSpec {
  replaces: string[];
  sources: unknown[];
  /** Respondent ids of the contract files → the tool's, where the tool numbers them itself. */
  respondents?: Record<string, string>;
}

export const VENDORS = readdirSync(FORMATS).filter((f) => f !== "contract");

export const vendorSpec = (vendor: string): VendorSpec =>
  JSON.parse(readFileSync(join(FORMATS, vendor, "sources.json"), "utf-8"));

/** The contract folder with the vendor's files in place of those they replace, and its sources in the config (the caller removes it). */
export function vendorFolder(vendor: string, change: (config: Record<string, any>) => void = () => {}): string {
  const dir = mkdtempSync(join(tmpdir(), `cva-format-${vendor}-`));
  const spec = vendorSpec(vendor);
  for (const file of readdirSync(join(FORMATS, "contract")))
    if (!spec.replaces.includes(file)) cpSync(join(FORMATS, "contract", file), join(dir, file));
  for (const file of readdirSync(join(FORMATS, vendor)))
    if (file !== "sources.json") cpSync(join(FORMATS, vendor, file), join(dir, file));
  const config = JSON.parse(readFileSync(join(FORMATS, "contract", "cva.config.json"), "utf-8"));
  config.sources = spec.sources;
  change(config);
  writeFileSync(join(dir, "cva.config.json"), JSON.stringify(config, null, 2));
  return dir;
}
