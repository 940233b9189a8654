/**
 * npm run sample -- [--scale N] [--seed S] [--out DIR]
 * Writes the deterministic sample company's exports (default: ./data at scale 1).
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { generateSample } from "./sample/generate.js";
import { DEFAULT_SEED } from "./sample/model.js";

const { values } = parseArgs({
  options: {
    scale: { type: "string", default: "1" },
    seed: { type: "string", default: String(DEFAULT_SEED) },
    out: { type: "string", default: "data" }
  }
});
const scale = Number(values.scale);
const seed = Number(values.seed);
if (!(scale > 0) || !Number.isInteger(seed)) {
  console.error(
    `sample: --scale must be a positive number and --seed an integer (got ${values.scale}, ${values.seed})`
  );
  process.exit(2);
}
const outDir = resolve(values.out);
const started = performance.now();
const progress = process.stderr.isTTY
  ? (month: number, months: number) => process.stderr.write(`\rsimulating month ${month}/${months}`)
  : undefined;
const summary = generateSample({ outDir, scale, seed, onMonth: progress });
if (progress) process.stderr.write("\n");
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`wrote ${outDir} (scale ${scale}, seed ${seed}) in ${seconds} s, peak RSS ${peakMb} MB`);
for (const [file, rows] of Object.entries(summary))
  console.log(`  ${file.padEnd(14)} ${rows.toLocaleString("en-US").padStart(12)} rows`);
