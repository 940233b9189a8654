/**
 * npm run bench -- [--scales 1,10,50] [--cache DIR]
 *
 * Generates sample exports at each scale (once; kept in the cache folder, outside the repo),
 * then times each pipeline stage against a bare-DuckDB baseline doing the same aggregates,
 * each stage in its own process. Prints a table and writes it to bench/results/<time>.json.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
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
  scale: number;
  stage: string;
  seconds: number;
  baselineSeconds: number | null;
  peakRssMb: number;
}

function runStage(stage: string, dataDir: string): { seconds: number; peakRssMb: number } {
  const child = spawnSync(process.execPath, ["--import", "tsx", join(projectDir, "scripts", "bench-stage.ts"), stage, dataDir], {
    cwd: projectDir,
    encoding: "utf-8"
  });
  if (child.status !== 0) throw new Error(`stage ${stage} failed on ${dataDir}:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as { seconds: number; peakRssMb: number };
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
  const ours = runStage("overview", dataDir);
  const floor = runStage("baseline", dataDir);
  results.push({ scale, stage: "overview", seconds: ours.seconds, baselineSeconds: floor.seconds, peakRssMb: ours.peakRssMb });
}

const rows = results.map((r) => ({
  scale: r.scale,
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
