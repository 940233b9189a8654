/**
 * npm run bench -- [--customers 10000,100000,1000000] [--cache DIR] [--no-build] [--check] [--save-baseline]
 *
 * First the bundled sample: `npm run build` cold (no warehouse, no Framework cache) and warm
 * (nothing changed), each with its breakdown (browser modules, ingest, tables, the pages'
 * files, Framework), the live preview's latency (scripts/bench-preview.ts) and `npx cva --help`.
 * Each size's builds are followed by its preview's latency too.
 *
 * For each size: generates the sample company's exports with about that many customers (once;
 * kept in the cache folder, outside the repo, keyed by the generator's code), then times, each
 * in its own process: our ingest and every table family, a bare-DuckDB floor loading the same
 * CSVs and computing the aggregates our tables are made from, and the full `npm run build`
 * cold and warm (the peak RSS of the build is that of its whole process tree). Also the bytes
 * each built page makes the browser fetch. Prints a table and writes JSON to bench/results/.
 *
 * --check compares the run with bench/baseline.json (the last results committed) and lists
 * every stage more than 20% slower: against the floor where the stage has one (the ratio
 * ours / floor), else in seconds; it exits with 1 if there is any. --save-baseline makes this
 * run the new baseline.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { generateSample } from "./sample/generate.js";
import { previewLatency, type PreviewTimes } from "./bench-preview.js";
import { pageWeights } from "./page-weight.js";

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    customers: { type: "string", default: "10000,100000,1000000" },
    cache: { type: "string", default: join(homedir(), ".cache", "cva-reports", "bench") },
    "no-build": { type: "boolean", default: false },
    check: { type: "boolean", default: false },
    "save-baseline": { type: "boolean", default: false }
  }
});
const BASELINE_FILE = join(projectDir, "bench", "baseline.json");
/** A stage this much slower than in the baseline (relative to the floor where it has one) is a regression. */
const SLOWER = 1.2;
/** Below this many seconds of difference, a stage without a floor is within noise. */
const NOISE_SECONDS = 0.5;
const sizes = values.customers.split(",").map(Number);
if (sizes.some((n) => !(n >= 100))) throw new Error(`invalid --customers: ${values.customers} (at least 100 each)`);
/** Customers the generator wins at scale 1 (docs/sample-data.md). */
const CUSTOMERS_AT_SCALE_1 = 4829;

interface Result {
  customers: number | null;
  stage: string;
  seconds: number;
  baselineSeconds: number | null;
  peakRssMb: number;
}

interface StageTimes {
  ingest: number;
  families: Record<string, number>;
  peakRssMb: number;
}

/** The generator's code, so that cached exports are remade when it changes. */
function generatorHash(): string {
  const hash = createHash("sha256");
  const dir = join(projectDir, "scripts", "sample");
  for (const file of readdirSync(dir).sort()) hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest("hex").slice(0, 10);
}

function runStage(stage: "ours" | "baseline" | "clv", dataDir: string, workDir: string): StageTimes {
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", join(projectDir, "scripts", "bench-stage.ts"), stage, dataDir, workDir],
    {
      cwd: projectDir,
      encoding: "utf-8",
      maxBuffer: 64 << 20
    }
  );
  if (child.status !== 0) throw new Error(`stage ${stage} failed on ${dataDir}:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as StageTimes;
}

/** Resident memory of a process and all its descendants, in MB, from /proc. */
function treeRssMb(root: number): number {
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf-8");
      parents.set(Number(entry), Number(/PPid:\s+(\d+)/.exec(status)?.[1]));
      rss.set(Number(entry), Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // The process ended while we looked.
    }
  }
  const descends = (pid: number): boolean => {
    for (let p: number | undefined = pid; p; p = parents.get(p)) if (p === root) return true;
    return false;
  };
  let total = 0;
  for (const [pid, kb] of rss) if (descends(pid)) total += kb;
  return Math.round(total / 1024);
}

/** What `npm run build` says it spent, from its last line (scripts/build.ts). */
const BREAKDOWN =
  /^built .* in [\d.]+ s: browser modules ([\d.]+) s, ingest ([\d.]+) s, tables ([\d.]+) s, the pages' files ([\d.]+) s, Framework ([\d.]+) s$/m;

interface BuildTimes {
  seconds: number;
  peakRssMb: number;
  /** Seconds per step, when the build ran (none when it found nothing to do). */
  steps?: Record<string, number>;
}

/**
 * `npm run build` on a data folder: seconds, the peak RSS of its process tree (sampled every
 * 100 ms) and its breakdown. Cold: no output, no warehouse and no Framework cache (vendored
 * modules, loader outputs, the last build's stamp), as on a fresh clone; warm: all kept.
 */
async function timeBuild(dataDir: string, workDir: string, cold: boolean): Promise<BuildTimes> {
  const env = { CVA_DATA: dataDir, CVA_WAREHOUSE: join(workDir, "warehouse"), CVA_OUT: join(workDir, "dist") };
  if (cold) {
    for (const dir of [env.CVA_OUT, env.CVA_WAREHOUSE, join(projectDir, "src", ".observablehq", "cache")])
      rmSync(dir, { recursive: true, force: true });
  }
  const started = performance.now();
  const child = spawn("npm", ["run", "build"], {
    cwd: projectDir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"]
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRssMb(child.pid!))), 100);
  const status = await new Promise<number | null>((done) => child.on("close", done));
  clearInterval(sampler);
  if (status !== 0) throw new Error(`npm run build failed on ${dataDir}:\n${stderr.slice(-2000)}`);
  const seconds = (performance.now() - started) / 1000;
  const match = BREAKDOWN.exec(stdout);
  if (!match) return { seconds, peakRssMb: peak };
  const [vendoring, ingest, tables, pageFiles, framework] = match.slice(1).map(Number) as number[];
  return {
    seconds,
    peakRssMb: peak,
    steps: {
      "browser modules": vendoring!,
      ingest: ingest!,
      tables: tables!,
      "the pages' files": pageFiles!,
      Framework: framework!
    }
  };
}

/** Result rows for a cold and a warm build, with each step of the cold one. */
function buildResults(customers: number | null, label: string, cold: BuildTimes, warm: BuildTimes): Result[] {
  const row = (stage: string, seconds: number, peakRssMb: number) => ({
    customers,
    stage,
    seconds,
    baselineSeconds: null,
    peakRssMb
  });
  return [
    row(`${label}`, cold.seconds, cold.peakRssMb),
    ...Object.entries(cold.steps ?? {}).map(([step, seconds]) => row(`${label}: ${step}`, seconds, cold.peakRssMb)),
    row(`${label}, warm`, warm.seconds, warm.peakRssMb)
  ];
}

/** Result rows for the live preview: its start, and from saving an export to the page updated. */
function previewResults(customers: number | null, prefix: string, times: PreviewTimes): Result[] {
  return [
    {
      customers,
      stage: `${prefix}npm run dev: start to first page`,
      seconds: times.start,
      baselineSeconds: null,
      peakRssMb: 0
    },
    {
      customers,
      stage: `${prefix}npm run dev: save an export to the page updated`,
      seconds: times.update,
      baselineSeconds: null,
      peakRssMb: 0
    }
  ];
}

/** The fastest of `runs` runs of a command, in seconds. */
function fastestRun(command: string, args: string[], runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const child = spawnSync(command, args, { cwd: projectDir, stdio: "ignore" });
    if (child.status !== 0) throw new Error(`${command} ${args.join(" ")} failed`);
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

const results: Result[] = [];
/** Bytes per page, by the folder built: "the bundled sample" or "~N customers". */
const weights: Record<string, Record<string, number>> = {};
const generator = generatorHash();
results.push({
  customers: null,
  stage: "npx cva --help",
  seconds: fastestRun("npx", ["cva", "--help"]),
  baselineSeconds: null,
  peakRssMb: 0
});
if (!values["no-build"]) {
  process.stderr.write(`the bundled sample: npm run build, cold and warm\n`);
  const workDir = mkdtempSync(join(tmpdir(), "cva-bench-sample-"));
  try {
    const sampleDir = join(projectDir, "data");
    const cold = await timeBuild(sampleDir, workDir, true);
    const warm = await timeBuild(sampleDir, workDir, false);
    results.push(
      ...buildResults(null, "sample: npm run build", cold, warm),
      ...previewResults(null, "sample: ", await previewLatency(projectDir, sampleDir, workDir))
    );
    weights["the bundled sample"] = pageWeights(join(workDir, "dist"));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
for (const customers of sizes) {
  const scale = customers / CUSTOMERS_AT_SCALE_1;
  const dataDir = join(values.cache, `customers-${customers}-${generator}`);
  if (!existsSync(join(dataDir, "cva.config.json"))) {
    const started = performance.now();
    process.stderr.write(
      `generating ~${customers.toLocaleString("en-US")} customers (scale ${scale.toFixed(2)}) into ${dataDir}\n`
    );
    rmSync(dataDir, { recursive: true, force: true });
    const rows = generateSample({ outDir: dataDir, scale });
    process.stderr.write(
      `  ${Object.entries(rows)
        .map(([file, n]) => `${file} ${n.toLocaleString("en-US")}`)
        .join(", ")}\n`
    );
    results.push({
      customers,
      stage: "generate the sample",
      seconds: (performance.now() - started) / 1000,
      baselineSeconds: null,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024)
    });
  }
  const workDir = mkdtempSync(join(tmpdir(), "cva-bench-"));
  try {
    process.stderr.write(`~${customers.toLocaleString("en-US")} customers: ours, warm, baseline\n`);
    const cold = runStage("ours", dataDir, workDir);
    const warm = runStage("ours", dataDir, workDir);
    const floor = runStage("baseline", dataDir, workDir);
    const total = (t: StageTimes) => Object.values(t.families).reduce((a, b) => a + b, 0);
    results.push({
      customers,
      stage: "ingest + validation",
      seconds: cold.ingest,
      baselineSeconds: floor.ingest,
      peakRssMb: cold.peakRssMb
    });
    for (const [family, seconds] of Object.entries(cold.families)) {
      results.push({
        customers,
        stage: `tables: ${family}`,
        seconds,
        baselineSeconds: floor.families[family] ?? null,
        peakRssMb: cold.peakRssMb
      });
    }
    results.push(
      {
        customers,
        stage: "ingest + compute",
        seconds: cold.ingest + total(cold),
        baselineSeconds: floor.ingest + total(floor),
        peakRssMb: cold.peakRssMb
      },
      {
        customers,
        stage: "ingest + compute, warm",
        seconds: warm.ingest + total(warm),
        baselineSeconds: null,
        peakRssMb: warm.peakRssMb
      }
    );
    if (!values["no-build"]) {
      process.stderr.write(`~${customers.toLocaleString("en-US")} customers: npm run build, cold and warm\n`);
      const build = await timeBuild(dataDir, workDir, true);
      const rebuild = await timeBuild(dataDir, workDir, false);
      results.push(...buildResults(customers, "npm run build", build, rebuild));
      process.stderr.write(`~${customers.toLocaleString("en-US")} customers: npm run dev, save an export\n`);
      results.push(...previewResults(customers, "", await previewLatency(projectDir, dataDir, workDir)));
      weights[`~${customers.toLocaleString("en-US")} customers`] = pageWeights(join(workDir, "dist"));
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

// CLV on the full CDNOW purchase log (23,570 customers), converted once into the cache.
const cdnow = join(projectDir, "test", "fixtures", "public", "cdnow", "CDNOW_master.txt");
if (existsSync(cdnow)) {
  const dataDir = join(values.cache, "cdnow-master");
  if (!existsSync(join(dataDir, "orders.csv"))) {
    mkdirSync(dataDir, { recursive: true });
    const lines = readFileSync(cdnow, "utf-8")
      .split(/\r?\n/)
      .slice(1)
      .filter((l) => l.trim());
    const orders = lines.map((l, i) => {
      const [id, day, cds, dollars] = l.trim().split(/\s+/) as [string, string, string, string];
      return `M${i + 1},${id},${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)},${dollars},${cds}`;
    });
    writeFileSync(
      join(dataDir, "orders.csv"),
      ["order_id,customer_id,ordered_at,amount,quantity", ...orders].join("\n") + "\n"
    );
  }
  const workDir = mkdtempSync(join(tmpdir(), "cva-bench-clv-"));
  try {
    const times = runStage("clv", dataDir, workDir);
    results.push({
      customers: 23_570,
      stage: "CDNOW master: ingest + CLV fits",
      seconds: times.ingest + times.families["CLV fits"]!,
      baselineSeconds: null,
      peakRssMb: times.peakRssMb
    });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

console.table(
  results.map((r) => ({
    customers: r.customers?.toLocaleString("en-US") ?? "-",
    stage: r.stage,
    "ours (s)": r.seconds.toFixed(2),
    "baseline (s)": r.baselineSeconds?.toFixed(2) ?? "",
    ratio: r.baselineSeconds ? (r.seconds / r.baselineSeconds).toFixed(2) : "",
    "peak RSS (MB)": r.peakRssMb
  }))
);
for (const [folder, pages] of Object.entries(weights)) {
  // Quarterly reviews all weigh alike: the latest one stands for them.
  const latestQuarter = Object.keys(pages)
    .filter((p) => p.startsWith("/quarters/"))
    .sort()
    .at(-1);
  const shown = Object.entries(pages).filter(([p]) => !p.startsWith("/quarters/") || p === latestQuarter);
  console.log(
    `bytes each page fetches, ${folder}: ${shown.map(([p, b]) => `${p} ${(b / 1024).toFixed(0)} KB`).join(", ")}`
  );
}
const outDir = join(projectDir, "bench", "results");
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, `${new Date().toISOString().replaceAll(":", "-")}.json`);
writeFileSync(outFile, JSON.stringify({ node: process.version, generator, results, pageWeights: weights }, null, 2));
console.log(`results written to ${outFile}`);

if (values["save-baseline"]) {
  writeFileSync(BASELINE_FILE, JSON.stringify({ node: process.version, generator, results }, null, 2) + "\n");
  console.log(`baseline written to ${BASELINE_FILE}`);
}
if (values.check) {
  const baseline = JSON.parse(readFileSync(BASELINE_FILE, "utf-8")) as { results: Result[] };
  const slower: string[] = [];
  for (const now of results) {
    const then = baseline.results.find((r) => r.customers === now.customers && r.stage === now.stage);
    if (!then) continue;
    const who = `${now.customers === null ? "sample" : `${now.customers.toLocaleString("en-US")} customers`}, ${now.stage}`;
    if (now.baselineSeconds && then.baselineSeconds) {
      const [ratio, before] = [now.seconds / now.baselineSeconds, then.seconds / then.baselineSeconds];
      if (ratio > before * SLOWER)
        slower.push(
          `${who}: ${ratio.toFixed(2)}× the floor, was ${before.toFixed(2)}× (+${((ratio / before - 1) * 100).toFixed(0)}%)`
        );
    } else if (now.seconds > then.seconds * SLOWER && now.seconds - then.seconds > NOISE_SECONDS) {
      slower.push(
        `${who}: ${now.seconds.toFixed(2)} s, was ${then.seconds.toFixed(2)} s (+${((now.seconds / then.seconds - 1) * 100).toFixed(0)}%)`
      );
    }
  }
  if (slower.length) {
    console.log(
      `${slower.length} stage${slower.length === 1 ? "" : "s"} more than 20% slower than bench/baseline.json:`
    );
    for (const line of slower) console.log(`  ${line}`);
    process.exitCode = 1;
  } else console.log(`no stage more than 20% slower than bench/baseline.json`);
}
