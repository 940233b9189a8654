/**
 * Everything the pages read, as one archive: `src/data/site.zip.ts` writes it and Framework
 * extracts the members the pages name (`FileAttachment("data/site/tables/nps.json")` is the
 * member `tables/nps.json`). One loader process serves the whole site: a Framework loader is a
 * process of its own, and one per file (81 of them) was most of a build's time.
 *
 * The members: each precomputed table as JSON, Parquet and CSV under `tables/`, and the
 * pages' settings (`report-config.json`, `survey-config.json`), the overview's figures,
 * the explore page's list of tables, the preview's status, and the published quarters beside
 * today's figures (`published-quarters.json`). Framework copies into `dist/`
 * only the members a page references.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import JSZip from "jszip";
import { TABLES } from "../metrics/registry.js";
import { precomputeTables } from "../publish/precompute.js";
import { withWarehouse } from "../publish/folder.js";
import { cachedTableFile } from "../warehouse/table-cache.js";
import type { LoaderOptions, LoaderReport } from "./data-loader.js";
import { overviewFrom } from "./overview.js";
import { readPublished, recordPublished, restatementsOf, type QuarterFigure } from "./published-quarters.js";
import { exploreTableList, reportConfigFrom, surveyConfigFrom } from "./page-config.js";
import { previewStatusOf, type PreviewStatus } from "./preview-state.js";
import { provenanceTexts } from "./site-config.js";

/** A folder's site, and the preview's status to show in it (default: as the environment names it). */
export type SiteOptions = LoaderOptions & { previewStatus?: PreviewStatus };

/** The formats each precomputed table is archived in, as the pages and downloads read them. */
export const ARCHIVED_FORMATS = ["json", "parquet", "csv"] as const;

/** A fixed time for every member, so that the same inputs give the same archive, byte for byte. */
const MEMBER_DATE = new Date(Date.UTC(2000, 0, 1));

/** The archive's members, by path, for the folder of `options` (computing its tables if they are not yet). */
export async function siteArchiveMembers(
  options: SiteOptions,
  report?: LoaderReport
): Promise<Map<string, Buffer | string>> {
  const location = { dataDir: options.dataDir, pinned: options.pinned };
  const computed = await precomputeTables({ ...location, onStage: (stage) => report?.progress(`ingest: ${stage}`) });
  if (computed) report?.progress(`computed ${computed} tables (no precomputed copy)`);
  const members = new Map<string, Buffer | string>();
  for (const table of TABLES.filter((t) => !t.large)) {
    for (const format of ARCHIVED_FORMATS) {
      const file = cachedTableFile(location, table.name, format);
      // precomputeTables just wrote every one; a missing file is a cache removed under our feet.
      if (!file) throw new Error(`the precomputed ${table.name}.${format} disappeared while the site was written`);
      members.set(`tables/${table.name}.${format}`, readFileSync(file));
    }
  }
  await withWarehouse(location, async (db) => {
    const overview = await overviewFrom(db);
    members.set("overview.json", JSON.stringify(overview));
    members.set("published-quarters.json", JSON.stringify(publishedQuartersOf(location, overview.asOf)));
    members.set("report-config.json", JSON.stringify(await reportConfigFrom(db)));
    members.set("survey-config.json", JSON.stringify(await surveyConfigFrom(db)));
  });
  members.set("explore-tables.json", JSON.stringify(exploreTableList()));
  const status = options.previewStatus ?? previewStatusOf(options.dataDir);
  const provenance =
    status.goodAt && status.problems.length === 0
      ? provenanceTexts({ dataDir: options.dataDir, builtAt: new Date(status.goodAt) }).texts
      : null;
  members.set("preview-status.json", JSON.stringify({ ...status, provenance }));
  return members;
}

/** The precomputed kpis rows and the lifetime value model behind them. */
function quarterFigures(location: { dataDir: string; pinned?: string | undefined }) {
  const read = (name: string) => {
    const file = cachedTableFile(location, name, "json");
    return file ? (JSON.parse(readFileSync(file, "utf-8")) as Record<string, unknown>[]) : [];
  };
  const kpis = read("kpis") as unknown as QuarterFigure[];
  const clvModel = (read("clv-model-choice").find((c) => c.chosen)?.model as string | undefined) ?? null;
  return { kpis, clvModel };
}

/** Each figure of the published snapshot beside today's (the quarterly review pages show restatements). */
function publishedQuartersOf(location: { dataDir: string; pinned?: string | undefined }, asOf: string | null) {
  const { kpis, clvModel } = quarterFigures(location);
  return restatementsOf(kpis, readPublished(location.dataDir), asOf, clvModel);
}

/**
 * After a build has put the site in place: records the figures of the quarters it published
 * for the first time (see published-quarters.ts). Returns how many were added.
 */
export async function recordPublishedQuarters(location: {
  dataDir: string;
  pinned?: string | undefined;
}): Promise<number> {
  // Computed already when a build calls this (then only the cache's key is checked).
  await precomputeTables(location);
  const { kpis, clvModel } = quarterFigures(location);
  const asOf = await withWarehouse(location, async (db) => (await overviewFrom(db)).asOf);
  return recordPublished(location.dataDir, kpis, { asOf, clvModel });
}

/** Writes the site archive (a zip, stored uncompressed: Parquet already is) to `stream`; returns its member count. */
export async function writeSiteArchive(options: SiteOptions, stream: Writable, report?: LoaderReport): Promise<number> {
  const members = await siteArchiveMembers(options, report);
  const zip = new JSZip();
  for (const [path, content] of [...members].sort(([a], [b]) => a.localeCompare(b)))
    zip.file(path, content, { date: MEMBER_DATE, compression: "STORE", createFolders: false });
  await pipeline(zip.generateNodeStream({ streamFiles: false }), stream, { end: false });
  return members.size;
}

/**
 * Writes the archive's members as files under `dir` (Framework's cache of the archive's
 * extracted members): a build that finds them newer than the loader neither runs it nor
 * extracts. Returns the member count.
 */
export async function writeSiteMembers(options: SiteOptions, dir: string, report?: LoaderReport): Promise<number> {
  const members = await siteArchiveMembers(options, report);
  for (const [path, content] of members) {
    // Each file whole or not at all: a preview may be serving the folder meanwhile.
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.${process.pid}.tmp`, content);
    renameSync(`${file}.${process.pid}.tmp`, file);
  }
  return members.size;
}
