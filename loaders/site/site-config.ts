/**
 * What observablehq.config.ts takes from the data: the quarters that get a review page, and
 * the provenance footer. Both read the tables scripts/prepare-site.ts precomputed, so the
 * config loads neither DuckDB nor the computations.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readCachedTable } from "../warehouse/table-cache.js";
import { dataFolderFrom } from "../core/environment.js";

interface ProvenanceRow {
  file: string;
  export: string | null;
  rows_read: number | null;
  rows_rejected: number | null;
  bytes: number;
  modified_at: string;
  data_folder: string;
  config_hash: string | null;
}

const QUARTER = /^\d{4}-Q[1-4]$/;

export interface SiteOptions {
  /** The data folder (default: CVA_DATA, else data/). */
  dataDir?: string;
  /** Where its warehouse and table cache live (default: .cva/ or CVA_WAREHOUSE). */
  warehouseDir?: string;
}

/** Quarters with a review page, oldest first: every quarter of the kpis table. */
export function reviewQuarters({ dataDir = dataFolderFrom(), warehouseDir }: SiteOptions = {}): string[] {
  const rows = (readCachedTable({ dataDir, warehouseDir }, "kpis") ?? []) as { quarter: string }[];
  return [...new Set(rows.map((r) => r.quarter))].filter((q) => QUARTER.test(q)).sort();
}

const SOURCE_ROOT = fileURLToPath(new URL("../../src", import.meta.url));

/**
 * The analysts' own pages (`cva new-page`), for the sidebar's "Analyses" section: every page in
 * src/analyses/, by the title in its front matter (else its file name), in title order.
 */
export function analysisPages(root = SOURCE_ROOT): { name: string; path: string }[] {
  const dir = join(root, "analyses");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith(".md"))
    .map((file) => {
      const slug = file.slice(0, -".md".length);
      const title = /^---\n[\s\S]*?^title:\s*(.+)$[\s\S]*?^---$/m
        .exec(readFileSync(join(dir, file), "utf-8"))?.[1]
        ?.trim();
      return { name: title ? unquote(title) : slug, path: `/analyses/${slug}` };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A YAML scalar as written by `cva new-page` (a JSON string) or by hand (plain or single-quoted). */
function unquote(value: string): string {
  if (value.startsWith('"')) {
    try {
      return JSON.parse(value) as string;
    } catch {
      return value.slice(1, -1);
    }
  }
  return value.startsWith("'") && value.endsWith("'") ? value.slice(1, -1).replaceAll("''", "'") : value;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const count = (n: number) => n.toLocaleString("en-US");

/**
 * The footer's figures, by the key of the element that shows each (`data-provenance`): when
 * the site was built, the export files and rows read, the rows rejected, the config's hash,
 * and each file's rows read, rejected and modification time. A preview puts the figures of new
 * exports in the open page by these keys (src/components/preview-status.js), as text.
 */
export function provenanceTexts({
  dataDir = dataFolderFrom(),
  warehouseDir,
  builtAt = new Date()
}: SiteOptions & { builtAt?: Date } = {}): { folder: string | null; texts: Record<string, string>; files: string[] } {
  const rows = readCachedTable({ dataDir, warehouseDir }, "provenance") as ProvenanceRow[] | undefined;
  const texts: Record<string, string> = { built: `${builtAt.toISOString().slice(0, 16).replace("T", " ")} UTC` };
  if (!rows?.length) return { folder: null, texts, files: [] };
  const exports = rows.filter((r) => r.export !== null);
  const rejected = exports.reduce((sum, r) => sum + (r.rows_rejected ?? 0), 0);
  texts.files = `${exports.length} export file${exports.length === 1 ? "" : "s"}, ${count(exports.reduce((sum, r) => sum + (r.rows_read ?? 0), 0))} rows`;
  texts.rejected = `${count(rejected)} row${rejected === 1 ? "" : "s"} rejected`;
  texts.config = rows[0]!.config_hash ?? "";
  for (const r of rows) {
    texts[`read:${r.file}`] = r.rows_read === null ? "" : count(r.rows_read);
    texts[`rejected:${r.file}`] = r.rows_rejected === null ? "" : count(r.rows_rejected);
    texts[`modified:${r.file}`] = r.modified_at;
  }
  return { folder: rows[0]!.data_folder, texts, files: rows.map((r) => r.file) };
}

/**
 * The footer of every page: when the site was built, from which folder and files (rows,
 * modification times), how many rows were rejected (linking to the data-quality page) and the
 * hash of the config in force. Only the folder's name is shown, never its full path.
 */
export function provenanceFooter(options: SiteOptions & { builtAt?: Date } = {}): string {
  const { folder, texts, files } = provenanceTexts(options);
  const text = (key: string, tag = "span") =>
    `<${tag} data-provenance="${escape(key)}">${escape(texts[key] ?? "")}</${tag}>`;
  const tagline = `<p class="tagline">CVA Reports · built from your own exports; nothing leaves this site.</p>`;
  if (folder === null) return `<div class="provenance">Built ${text("built")}.</div>${tagline}`;
  const summary = [
    `Built ${text("built")} from <code>${escape(folder)}/</code>`,
    text("files"),
    `<a href="/data-quality">${text("rejected")}</a>`,
    texts.config ? `config ${text("config", "code")}` : "no config"
  ].join(" · ");
  const table = files
    .map(
      (file) =>
        `<tr><td>${escape(file)}</td><td>${text(`read:${file}`)}</td><td>${text(`rejected:${file}`)}</td><td>${text(`modified:${file}`)}</td></tr>`
    )
    .join("");
  // The link stays out of <summary>: a control inside another is unreachable by keyboard.
  return `<div class="provenance" id="provenance"><p>${summary}</p>
<details><summary>Export files</summary>
<table><thead><tr><th>File</th><th>Rows read</th><th>Rejected</th><th>Modified</th></tr></thead><tbody>${table}</tbody></table></details></div>${tagline}`;
}
