import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../loaders/core/db.js";
import { literal } from "../loaders/core/sql.js";
import JSZip from "jszip";
import { TABLES } from "../loaders/metrics/registry.js";
import { precomputeTables } from "../loaders/publish/precompute.js";
import { overviewOfFolder } from "../loaders/site/overview.js";
import { readCachedTable } from "../loaders/warehouse/table-cache.js";
import { PROJECT_DIR } from "./support/project.js";

// Data loaders run as Framework runs them (tsx, arguments, stdout, stderr), on the sample data
// with its tables precomputed into a scratch warehouse folder: the site's own (src/data/site.zip.ts)
// and loaders of the shape an analyst writes (test/fixtures/loaders/, as `cva new-page` scaffolds).
const tsx = join(PROJECT_DIR, "node_modules", ".bin", "tsx");
const sampleDir = join(PROJECT_DIR, "data");
let warehouseDir: string;
let scratch: string;

function loader(file: string, args: string[], env: Record<string, string> = {}) {
  const path =
    file === "site.zip.ts"
      ? join(PROJECT_DIR, "src", "data", file)
      : join(PROJECT_DIR, "test", "fixtures", "loaders", file);
  const result = spawnSync(tsx, [path, ...args], {
    cwd: PROJECT_DIR,
    env: { ...process.env, CVA_DATA: sampleDir, CVA_WAREHOUSE: warehouseDir, ...env },
    maxBuffer: 64 << 20
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString() };
}

beforeAll(async () => {
  warehouseDir = mkdtempSync(join(tmpdir(), "cva-loader-warehouse-"));
  scratch = mkdtempSync(join(tmpdir(), "cva-loader-out-"));
  await precomputeTables({ dataDir: sampleDir, warehouseDir });
}, 120_000);

afterAll(() => [warehouseDir, scratch].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Rows of a Parquet file, read back with DuckDB. */
async function parquetRows(bytes: Buffer): Promise<Record<string, unknown>[]> {
  const file = join(scratch, `read-${Math.random().toString(36).slice(2)}.parquet`);
  writeFileSync(file, bytes);
  const db = await Database.open();
  try {
    return await db.rows(`SELECT * FROM read_parquet(${literal(file)})`);
  } finally {
    db.close();
  }
}

describe("the site's archive (src/data/site.zip.ts)", () => {
  it("holds every precomputed table as JSON, Parquet and CSV and the pages' six files, the same bytes on a second run", async () => {
    const first = loader("site.zip.ts", []);
    expect(first.status, first.stderr).toBe(0);
    const tables = TABLES.filter((t) => !t.large);
    expect(first.stderr.trim()).toMatch(new RegExp(`^site\\.zip: ${tables.length * 3 + 6} files in \\d+\\.\\d s$`));
    const zip = await JSZip.loadAsync(first.stdout);
    const names = Object.keys(zip.files).sort();
    expect(names).toEqual(
      [
        ...tables.flatMap((t) => ["json", "parquet", "csv"].map((format) => `tables/${t.name}.${format}`)),
        "explore-tables.json",
        "overview.json",
        "preview-status.json",
        "published-quarters.json",
        "report-config.json",
        "survey-config.json"
      ].sort()
    );
    const member = async (name: string) => JSON.parse(await zip.file(name)!.async("string")) as unknown;
    expect(await member("tables/nps.json")).toEqual(readCachedTable({ dataDir: sampleDir, warehouseDir }, "nps"));
    expect(await parquetRows(Buffer.from(await zip.file("tables/nps.parquet")!.async("uint8array")))).toEqual(
      await member("tables/nps.json")
    );
    const csv = (await zip.file("tables/nps.csv")!.async("string")).trimEnd().split("\n");
    expect(csv).toHaveLength(((await member("tables/nps.json")) as unknown[]).length + 1);
    expect(await member("overview.json")).toEqual(
      JSON.parse(JSON.stringify(await overviewOfFolder(sampleDir, { warehouseDir })))
    );
    expect(await member("preview-status.json")).toEqual({
      problems: [],
      checkedAt: null,
      goodAt: null,
      provenance: null
    });
    // The same inputs, the same archive: reproducible outputs.
    expect(Buffer.compare(loader("site.zip.ts", []).stdout, first.stdout)).toBe(0);
  });
});

describe("every data loader", () => {
  it("writes a table as JSON from the precomputed copy, with a one-line summary on stderr", () => {
    const { status, stdout, stderr } = loader("[table].json.ts", ["--table=kpis"]);
    expect(status, stderr).toBe(0);
    const rows = JSON.parse(stdout.toString()) as unknown[];
    expect(rows.length).toBeGreaterThan(20);
    expect(stderr.trim()).toMatch(new RegExp(`^kpis\\.json: ${rows.length} rows in \\d+\\.\\d s \\(precomputed\\)$`));
  });

  it("keeps one wave and one segment when asked (--wave, --segment), in JSON, Parquet and CSV alike", async () => {
    const all = JSON.parse(loader("[table].json.ts", ["--table=nps"]).stdout.toString()) as {
      wave: string;
      segment: string;
      brand: string;
      nps: number;
    }[];
    const wave = [...new Set(all.map((d) => d.wave))].sort().at(-1)!;
    const expected = all.filter((d) => d.wave === wave && d.segment === "Enterprise");
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);

    const json = loader("[table].json.ts", ["--table=nps", "--wave", wave, "--segment", "Enterprise"]);
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout.toString())).toEqual(expected);
    expect(json.stderr).toContain(`nps.json: ${expected.length} rows in`);

    const parquet = loader("[table].parquet.ts", ["--table=nps", "--wave", wave, "--segment", "Enterprise"]);
    expect(parquet.status, parquet.stderr).toBe(0);
    const rows = await parquetRows(parquet.stdout);
    expect(rows.map((r) => [r.brand, r.nps])).toEqual(expected.map((d) => [d.brand, d.nps]));
    expect(parquet.stderr).toContain(`nps.parquet: ${expected.length} rows in`);

    const csv = loader("[table].csv.ts", ["--table=nps", `--wave=${wave}`, "--segment=Enterprise"]);
    expect(csv.status, csv.stderr).toBe(0);
    expect(csv.stdout.toString().trimEnd().split("\n")).toHaveLength(expected.length + 1);
  });

  it("writes the precomputed Parquet as is when not filtered, the same rows as the JSON", async () => {
    const parquet = loader("[table].parquet.ts", ["--table=revenue-by-quarter"]);
    expect(parquet.status, parquet.stderr).toBe(0);
    const json = JSON.parse(loader("[table].json.ts", ["--table=revenue-by-quarter"]).stdout.toString());
    expect(await parquetRows(parquet.stdout)).toEqual(json);
  });

  it("computes a table when no precomputed copy exists, saying so", () => {
    const empty = mkdtempSync(join(tmpdir(), "cva-loader-empty-"));
    try {
      const { status, stdout, stderr } = loader("[table].json.ts", ["--table=revenue-by-quarter"], {
        CVA_WAREHOUSE: empty
      });
      expect(status, stderr).toBe(0);
      expect(JSON.parse(stdout.toString()).length).toBeGreaterThan(4);
      expect(stderr).toMatch(/^revenue-by-quarter\.json: computing from .*\(no precomputed copy\)$/m);
      expect(stderr).toMatch(/^revenue-by-quarter\.json: ingest: validating orders\.csv$/m);
      expect(stderr).toMatch(/^revenue-by-quarter\.json: \d+ rows in [\d.]+ s \(computed\)$/m);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("fails naming the output and the cause: a filter the table cannot take, an unknown table or option", () => {
    const noSegment = loader("[table].json.ts", ["--table=kpis", "--segment=Enterprise"]);
    expect(noSegment.status).toBe(1);
    expect(noSegment.stderr.trim()).toBe(
      "kpis.json failed: table kpis has no segment column, so --segment cannot apply to it"
    );
    const parquet = loader("[table].parquet.ts", ["--table=kpis", "--segment=Enterprise"]);
    expect(parquet.status).toBe(1);
    expect(parquet.stderr.trim()).toBe(
      "kpis.parquet failed: table kpis has no segment column, so --segment cannot apply to it"
    );
    // An empty table (the sample has no ingest warnings) still knows its columns.
    const empty = loader("[table].json.ts", ["--table=ingest-warnings", "--wave=2025-Q4"]);
    expect(JSON.parse(loader("[table].json.ts", ["--table=ingest-warnings"]).stdout.toString())).toEqual([]);
    expect(empty.status).toBe(1);
    expect(empty.stderr.trim()).toBe(
      "ingest-warnings.json failed: table ingest-warnings has no wave column, so --wave cannot apply to it"
    );
    const unknown = loader("[table].json.ts", ["--table=churn-by-planet"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(
      /^churn-by-planet\.json failed: unknown table churn-by-planet: the tables are ingest-summary, /m
    );
    const option = loader("site.zip.ts", ["--region=EMEA"]);
    expect(option.status).toBe(1);
    expect(option.stderr.trim()).toMatch(
      /^site\.zip failed: Unknown option '--region'.*the options are --data DIR .*--wave WAVE, --segment SEGMENT$/
    );
    const site = loader("site.zip.ts", ["--wave=2025-Q4"]);
    expect(site.status).toBe(1);
    expect(site.stderr).toContain("site.zip failed: the site holds every wave and segment");
    for (const failed of [noSegment, parquet, empty, unknown, option, site]) expect(failed.stdout.length).toBe(0);
  });

  it("reads another data folder given by --data, and names each problem of a broken export with file, line, column and rule", () => {
    const broken = mkdtempSync(join(tmpdir(), "cva-loader-broken-"));
    try {
      cpSync(sampleDir, broken, { recursive: true });
      const orders = readFileSync(join(broken, "orders.csv"), "utf-8");
      writeFileSync(join(broken, "orders.csv"), orders.replace("ordered_at,amount,", "ordered_at,amount_usd,"));
      const { status, stdout, stderr } = loader("site.zip.ts", ["--data", broken]);
      expect(status).toBe(1);
      expect(stdout.length).toBe(0);
      expect(stderr).toContain("site.zip failed: the exports cannot be ingested (1 problem):");
      expect(stderr).toMatch(/^ {2}orders\.csv:1: amount: required column amount is missing .*\[missing-column\]$/m);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
