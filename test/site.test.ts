import { csvParse } from "d3-dsv";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStaticServer, type StaticServer } from "../scripts/static-server.js";
import { launchChromium } from "./support/chromium.js";
import { ARTIFACTS_DIR, PROJECT_DIR, npmRun, scratchClone, type CommandResult } from "./support/project.js";
import { findRemoteReferences } from "./support/remote-references.js";

// One offline build of a fresh copy of the project serves every test in this file.
let clone: string;
let dist: string;
let build: CommandResult;

beforeAll(() => {
  clone = scratchClone();
  dist = join(clone, "dist");
  build = npmRun(clone, "build", { offline: true });
});

afterAll(() => {
  if (clone) rmSync(clone, { recursive: true, force: true });
});

describe("npm run build", () => {
  it("succeeds inside a network namespace with no network", () => {
    expect(build.output).not.toMatch(/fetch failed|unable to fetch|EAI_AGAIN|ENOTFOUND/);
    expect(build.status, build.output).toBe(0);
  });

  it("leaves nothing in dist/ that makes a browser fetch from another host", async () => {
    expect(build.status, build.output).toBe(0);
    expect(await findRemoteReferences(dist)).toEqual([]);
  });
});

/** Collects what a reader would notice went wrong on a page: console errors, exceptions, failed fetches. */
function watchProblems(page: Page, serverUrl: string): string[] {
  const problems: string[] = [];
  page.on("console", (message) => message.type() === "error" && problems.push(`console: ${message.text()}`));
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("response", (response) => response.status() >= 400 && problems.push(`HTTP ${response.status()} ${response.url()}`));
  page.on("request", (request) => !request.url().startsWith(serverUrl) && problems.push(`remote request: ${request.url()}`));
  return problems;
}

describe("the overview page in Chromium", () => {
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    if (build.status !== 0) return;
    server = await startStaticServer(dist);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows the headline figures of the sample exports and renders its charts", async () => {
    expect(build.status, build.output).toBe(0);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page, server.url);

    await page.goto(server.url, { waitUntil: "networkidle" });
    await page.locator("#revenue-by-quarter svg rect").first().waitFor();

    // Independent figures: the sample CSVs parsed with d3-dsv, not through DuckDB, less the
    // orders the data contract rejects (zero dates; customers not in the customers export).
    const read = (name: string) => csvParse(readFileSync(join(PROJECT_DIR, "data", `${name}.csv`), "utf-8"));
    const customers = new Set(read("customers").map((d) => d.customer_id));
    const orders = read("orders").filter((d) => d.ordered_at !== "0000-00-00" && customers.has(d.customer_id));
    const revenue = orders.reduce((sum, d) => sum + Number(d.amount), 0);
    const count = (n: number) => n.toLocaleString("en-US");
    expect(await page.locator("#kpi-customers .big").textContent()).toBe(count(read("customers").length));
    expect(await page.locator("#kpi-orders .big").textContent()).toBe(count(orders.filter((d) => Number(d.amount) >= 0).length));
    expect(await page.locator("#kpi-revenue .big").textContent()).toBe(`$${(revenue / 1e6).toFixed(1)}M`);
    expect(await page.locator("#kpi-respondents .big").textContent()).toBe(count(read("responses").length));

    const quarters = new Set(orders.map((d) => `${d.ordered_at!.slice(0, 4)}-Q${Math.ceil(Number(d.ordered_at!.slice(5, 7)) / 3)}`));
    expect(await page.locator("#revenue-by-quarter svg g[aria-label='bar'] rect").count()).toBe(quarters.size);
    expect(await page.locator("#responses-by-wave svg g[aria-label='bar'] rect").count()).toBeGreaterThan(0);

    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS_DIR, "index.png"), fullPage: true });
    expect(problems).toEqual([]);
  });

  it("lists every export with its counts on the data-quality page, and the rejects by rule", async () => {
    expect(build.status, build.output).toBe(0);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page, server.url);
    await page.goto(`${server.url}data-quality`, { waitUntil: "networkidle" });
    await page.locator("table").nth(1).waitFor();

    const count = (name: string) => readFileSync(join(PROJECT_DIR, "data", `${name}.csv`), "utf-8").trimEnd().split("\n").length - 1;
    const exports = readdirSync(join(PROJECT_DIR, "data")).filter((f) => f.endsWith(".csv")).map((f) => f.slice(0, -4)).sort();
    const read = exports.reduce((sum, name) => sum + count(name), 0);
    expect(await page.locator("#dq-read .big").textContent()).toBe(read.toLocaleString("en-US"));
    const files = await page.locator("table").first().locator("tbody tr td:nth-child(2)").allTextContents();
    expect(files).toEqual(exports.map((name) => `${name}.csv`));
    // The documented defects of the sample (docs/sample-data.md) appear by rule.
    const rules = await page.locator("table").nth(1).locator("tbody tr td:nth-child(3)").allTextContents();
    expect(new Set(rules)).toEqual(new Set(["not-a-date", "orphan", "out-of-range", "out-of-order"]));
    const download = page.locator("a[download='rejects.csv']");
    expect(await download.count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS_DIR, "data-quality.png"), fullPage: true });
    expect(problems).toEqual([]);
  });

  const VALUE_PAGES = {
    "value-map": { charts: ["#value-map-chart"], readings: ["#value-map-reading"] },
    "quality-profile": { charts: ["#quality-score-chart", "#head-to-head-chart", "#value-factors-chart"], readings: ["#head-to-head-reading", "#what-who-reading"] },
    "won-lost": { charts: ["#win-rate-chart", "#lost-reasons-chart", "#won-reasons-chart"], readings: ["#won-lost-reading"] },
    loyalty: { charts: ["#nps-chart", "#satisfaction-chart", "#competitor-nps-chart", "#retention-chart", "#revenue-chart", "#complaints-chart"], readings: ["#loyalty-reading", "#complaints-reading"] },
    drivers: { charts: ["#drivers-chart", "#ipa-chart"], readings: ["#driver-reading"] },
    competitors: { charts: ["#heat-table", "#intervals-chart", "#perceptual-map-chart", "#preference-chart"], readings: ["#competitors-reading"] },
    trends: { charts: ["#trends-chart"], readings: ["#trends-reading"] },
    customers: { charts: ["#rfm-chart", "#concentration-chart"], readings: ["#customers-reading"] },
    retention: { charts: ["#cohort-chart", "#churn-chart", "#clv-chart", "#holdout-chart"], readings: [] },
    levers: { charts: ["#levers-chart"], readings: ["#levers-reading", "#activation-reading"] }
  };

  for (const [path, { charts, readings }] of Object.entries(VALUE_PAGES)) {
    it(`renders /${path}: every chart drawn, a reading in words, no errors`, async () => {
      expect(build.status, build.output).toBe(0);
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems = watchProblems(page, server.url);
      await page.goto(`${server.url}${path}`, { waitUntil: "networkidle" });
      for (const chart of charts) {
        // The chart is the SVG with an aria-label (legend swatches are SVGs too, unlabelled).
        const svg = page.locator(`${chart} svg[aria-label]`).first();
        await svg.waitFor();
        expect(await svg.getAttribute("aria-label"), chart).toMatch(/chart|map/i);
        expect(await svg.locator("g[aria-label] > *").count(), `${path} ${chart}`).toBeGreaterThan(3);
      }
      for (const reading of readings) {
        const text = (await page.locator(reading).textContent()) ?? "";
        expect(text.length, `${path} ${reading}`).toBeGreaterThan(40);
        expect(text).not.toMatch(/undefined|NaN|null/);
      }
      await page.screenshot({ path: join(ARTIFACTS_DIR, `${path}.png`), fullPage: true });
      expect(problems).toEqual([]);
    });
  }
});
