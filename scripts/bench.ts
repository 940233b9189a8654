/**
 * npm run bench -- [--scales 1,10,50] [--cache DIR]
 *
 * Generates sample exports at each scale (once; kept in the cache folder, outside the repo),
 * then times our pipeline (cold ingest, the tables, a warm rerun with unchanged inputs)
 * against a bare-DuckDB floor that loads the same CSVs and computes the same aggregates, each
 * in its own process. Prints a table and writes it to bench/results/<time>.json.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { generateSample } from "../loaders/sample/generate.js";

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    scales: { type: "string", default: "1,10,50" },
    cache: { type: "string", default: join(homedir(), ".cache", "cva-reports", "bench") }
  }
});
const scales = values.scales.split(",").map(Number);
if (scales.some((s) => !(s > 0))) throw new Error(`invalid --scales: ${values.scales}`);

interface Result {
  /** Sample scale; null for a stage on a real dataset. */
  scale: number | null;
  stage: string;
  seconds: number;
  baselineSeconds: number | null;
  peakRssMb: number;
}

interface StageTimes {
  ingest: number;
  tables: number;
  peakRssMb: number;
}

function runStage(stage: "ours" | "baseline" | "clv", dataDir: string, workDir: string): StageTimes {
  const child = spawnSync(process.execPath, ["--import", "tsx", join(projectDir, "scripts", "bench-stage.ts"), stage, dataDir, workDir], {
    cwd: projectDir,
    encoding: "utf-8"
  });
  if (child.status !== 0) throw new Error(`stage ${stage} failed on ${dataDir}:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as StageTimes;
}

const results: Result[] = [];
for (const scale of scales) {
  const dataDir = join(values.cache, `scale-${scale}`);
  if (!existsSync(join(dataDir, "cva.config.json"))) {
    const started = performance.now();
    process.stderr.write(`generating scale ${scale} into ${dataDir}\n`);
    generateSample({ outDir: dataDir, scale });
    results.push({ scale, stage: "sample", seconds: (performance.now() - started) / 1000, baselineSeconds: null, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) });
  }
  const workDir = mkdtempSync(join(tmpdir(), "cva-bench-"));
  try {
    const cold = runStage("ours", dataDir, workDir);
    const warm = runStage("ours", dataDir, workDir);
    const floor = runStage("baseline", dataDir, workDir);
    results.push(
      { scale, stage: "ingest", seconds: cold.ingest, baselineSeconds: floor.ingest, peakRssMb: cold.peakRssMb },
      { scale, stage: "tables", seconds: cold.tables, baselineSeconds: floor.tables, peakRssMb: cold.peakRssMb },
      { scale, stage: "ingest + tables", seconds: cold.ingest + cold.tables, baselineSeconds: floor.ingest + floor.tables, peakRssMb: cold.peakRssMb },
      { scale, stage: "warm rerun", seconds: warm.ingest + warm.tables, baselineSeconds: null, peakRssMb: warm.peakRssMb }
    );
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

// CLV on the full CDNOW purchase log (23,570 customers), converted once into the cache.
const cdnow = join(projectDir, "..", "shared", "datasets", "cdnow", "CDNOW_master.txt");
if (existsSync(cdnow)) {
  const dataDir = join(values.cache, "cdnow-master");
  if (!existsSync(join(dataDir, "orders.csv"))) {
    mkdirSync(dataDir, { recursive: true });
    const lines = readFileSync(cdnow, "utf-8").split(/\r?\n/).slice(1).filter((l) => l.trim());
    const orders = lines.map((l, i) => {
      const [id, day, cds, dollars] = l.trim().split(/\s+/) as [string, string, string, string];
      return `M${i + 1},${id},${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)},${dollars},${cds}`;
    });
    writeFileSync(join(dataDir, "orders.csv"), ["order_id,customer_id,ordered_at,amount,quantity", ...orders].join("\n") + "\n");
  }
  const workDir = mkdtempSync(join(tmpdir(), "cva-bench-clv-"));
  try {
    const times = runStage("clv", dataDir, workDir);
    results.push({ scale: null, stage: "CDNOW master: ingest + CLV fits", seconds: times.ingest + times.tables, baselineSeconds: null, peakRssMb: times.peakRssMb });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

const rows = results.map((r) => ({
  scale: r.scale ?? "-",
  stage: r.stage,
  "ours (s)": r.seconds.toFixed(2),
  "baseline (s)": r.baselineSeconds?.toFixed(2) ?? "",
  ratio: r.baselineSeconds ? (r.seconds / r.baselineSeconds).toFixed(2) : "",
  "peak RSS (MB)": r.peakRssMb
}));
console.table(rows);
const outDir = join(projectDir, "bench", "results");
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, `${new Date().toISOString().replaceAll(":", "-")}.json`);
writeFileSync(outFile, JSON.stringify({ node: process.version, results }, null, 2));
console.log(`results written to ${outFile}`);
