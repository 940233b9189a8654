import { csvParse } from "d3-dsv";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStaticServer, type StaticServer } from "../scripts/static-server.js";
import { launchChromium } from "../scripts/chromium.js";
import { ARTIFACTS_DIR, PROJECT_DIR, npmRun, scratchClone, type CommandResult } from "./support/project.js";
import { findPii } from "./support/pii-scan.js";
import { q4RevenueCard, sampleExports } from "./support/sample-exports.js";
import { findRemoteReferences } from "./support/remote-references.js";
import { Database } from "../loaders/core/db.js";
import { literal } from "../loaders/core/sql.js";

// One offline build of a fresh copy of the project serves every test in this file.
let clone: string;
let dist: string;
let build: CommandResult;
let scaffold: SpawnSyncReturns<string>;

beforeAll(() => {
  clone = scratchClone();
  dist = join(clone, "dist");
  // An analyst's own page, scaffolded as the analyst guide says, built with everything else.
  scaffold = spawnSync(process.execPath, [join(clone, "bin", "cva.js"), "new-page", "Churn by region"], {
    cwd: clone,
    encoding: "utf-8"
  });
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

  it("publishes no preview problems, and links the explore page from no other page", () => {
    expect(build.status, build.output).toBe(0);
    const status = readdirSync(join(dist, "_file", "data", "site")).filter((f) =>
      /^preview-status\.\w+\.json$/.test(f)
    );
    expect(status).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dist, "_file", "data", "site", status[0]!), "utf-8"))).toEqual({
      problems: [],
      checkedAt: null,
      goodAt: null,
      provenance: null
    });
    const pages = readdirSync(dist, { recursive: true, encoding: "utf-8" }).filter(
      (f) => f.endsWith(".html") && f !== "explore.html"
    );
    expect(pages.length).toBeGreaterThan(15);
    for (const page of pages) expect(readFileSync(join(dist, page), "utf-8"), page).not.toMatch(/href="[^"]*explore"/);
    expect(existsSync(join(dist, "explore.html"))).toBe(true);
  });
});

/** Collects what a reader would notice went wrong on a page: console errors, exceptions, failed fetches. */
function watchProblems(page: Page, serverUrl: string): string[] {
  const problems: string[] = [];
  page.on("console", (message) => message.type() === "error" && problems.push(`console: ${message.text()}`));
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on(
    "response",
    (response) => response.status() >= 400 && problems.push(`HTTP ${response.status()} ${response.url()}`)
  );
  // A blob: URL of the site's own origin (DuckDB-Wasm starts its worker from one) is not remote.
  page.on(
    "request",
    (request) =>
      !request
        .url()
        .replace(/^blob:/, "")
        .startsWith(serverUrl) && problems.push(`remote request: ${request.url()}`)
  );
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

  it("shows this quarter's figures, each checked against the sample exports read independently", async () => {
    expect(build.status, build.output).toBe(0);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page, server.url);
    await page.goto(server.url, { waitUntil: "networkidle" });
    await page.locator("#revenue-by-quarter svg rect").first().waitFor();

    // The sample CSVs parsed with d3-dsv, not through DuckDB, less the orders the data contract
    // rejects (zero dates; customers not in the customers export). The export ends 2025-12-31.
    const { orders, responses } = sampleExports();
    const q4 = orders.filter((d) => d.ordered_at! >= "2025-10-01");
    expect(await page.locator("#kpi-revenue .kpi-value").textContent()).toBe(q4RevenueCard());
    const buying = new Set(q4.filter((d) => Number(d.amount) >= 0).map((d) => d.customer_id)).size;
    expect(await page.locator("#kpi-customers .kpi-value").textContent()).toBe(buying.toLocaleString("en-US"));
    const answers = responses
      .filter((d) => d.wave === "2025-Q4" && d.likelihood_to_recommend !== "")
      .map((d) => Number(d.likelihood_to_recommend));
    const nps = (100 * (answers.filter((x) => x >= 9).length - answers.filter((x) => x <= 6).length)) / answers.length;
    expect(await page.locator("#kpi-nps .kpi-value").textContent()).toBe(
      `${nps > 0 ? "+" : "−"}${Math.abs(nps).toFixed(0)}`
    );
    expect(await page.locator(".kpi").count()).toBe(7);
    for (const reading of await page.locator(".kpi-reading").allTextContents())
      expect(reading).toMatch(/^[A-Z0-9$+−].{30,}\.$/);

    const quarters = new Set(
      orders.map((d) => `${d.ordered_at!.slice(0, 4)}-Q${Math.ceil(Number(d.ordered_at!.slice(5, 7)) / 3)}`)
    );
    expect(await page.locator("#revenue-by-quarter svg g[aria-label='bar'] rect").count()).toBe(quarters.size);
    expect(await page.locator("#overview-value-map svg g[aria-label='dot'] circle").count()).toBe(4);
    // Links down into every report and every quarter's review.
    const links = await page.locator("#observablehq-main a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    for (const report of [
      "value-map",
      "quality-profile",
      "won-lost",
      "competitors",
      "trends",
      "loyalty",
      "drivers",
      "customers",
      "retention",
      "levers",
      "methodology",
      "data-quality"
    ]) {
      expect(links, report).toContain(`./${report}`);
    }
    for (const quarter of quarters) expect(links).toContain(`./quarters/${quarter}`);

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

    const count = (name: string) =>
      readFileSync(join(PROJECT_DIR, "data", `${name}.csv`), "utf-8")
        .trimEnd()
        .split("\n").length - 1;
    const exports = readdirSync(join(PROJECT_DIR, "data"))
      .filter((f) => f.endsWith(".csv"))
      .map((f) => f.slice(0, -4))
      .sort();
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
    "quality-profile": {
      charts: ["#quality-score-chart", "#head-to-head-chart", "#value-factors-chart"],
      readings: ["#head-to-head-reading", "#what-who-reading"]
    },
    "won-lost": {
      charts: ["#win-rate-chart", "#lost-reasons-chart", "#won-reasons-chart"],
      readings: ["#won-lost-reading"]
    },
    loyalty: {
      charts: [
        "#nps-chart",
        "#satisfaction-chart",
        "#competitor-nps-chart",
        "#retention-chart",
        "#revenue-chart",
        "#complaints-chart"
      ],
      readings: ["#loyalty-reading", "#complaints-reading"]
    },
    drivers: { charts: ["#drivers-chart", "#ipa-chart"], readings: ["#driver-reading"] },
    competitors: {
      charts: ["#heat-table", "#intervals-chart", "#perceptual-map-chart", "#preference-chart"],
      readings: ["#competitors-reading"]
    },
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
        // Its text alternative: the table behind it, in the same card.
        expect(await page.locator(`${chart} details.chart-table table`).count(), `${path} ${chart} table`).toBe(1);
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

  // Each page's filters (their URL names) and a value other than the default to try.
  const FILTERED_PAGES: Record<string, Record<string, string>> = {
    "value-map": { wave: "2024-Q3", segment: "Mid-market" },
    "quality-profile": { wave: "2024-Q3", segment: "Mid-market" },
    competitors: { wave: "2024-Q3", group: "segment\u0000Mid-market" },
    drivers: { wave: "2024-Q3" },
    loyalty: { segment: "Mid-market" },
    trends: { wave: "2024-Q3" },
    "won-lost": { competitor: "Globex" }
  };

  /**
   * The page's sections (cards and tables, in order), each with a print of what it shows and
   * the filters that the visible scope notes (components/scope.js) of its part of the page,
   * under the same heading, say it does not follow.
   */
  async function sectionsOf(url: string) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url, { waitUntil: "networkidle" });
    const sections = await page.evaluate(() => {
      // Inputs.table numbers its style sheets per page load: left out of the print.
      // The page's DOM, untyped here: the tests are compiled without the DOM library.
      const document = (globalThis as any).document;
      const print = (el: any) => {
        const copy = el.cloneNode(true);
        copy.querySelectorAll("style").forEach((n: any) => n.remove());
        const marks = [...el.querySelectorAll("svg path, svg circle, svg rect")].map((m: any) =>
          ["d", "cx", "cy", "x", "y", "width", "height"].map((a) => m.getAttribute(a)).join()
        );
        return `${copy.textContent}${marks.join("|")}`;
      };
      let part = 0;
      const notes = new Map<number, string[]>();
      const found: { part: number; name: string; print: string }[] = [];
      for (const el of document.querySelectorAll("main h2, main .card, main .data-table, main [data-ignores]")) {
        if (el.tagName === "H2") {
          if (!el.closest(".card")) part += 1; // a chart's title is an h2 too
        } else if (el.dataset.ignores !== undefined) {
          if (el.offsetParent !== null) notes.set(part, [...(notes.get(part) ?? []), ...el.dataset.ignores.split(" ")]);
        } else if (
          !el.parentElement!.closest(".card, .data-table") &&
          !el.closest(".preview-status-slot, .missing-input")
        ) {
          found.push({
            part,
            name: el.id || (el.querySelector("h2, h3, th")?.textContent ?? "").trim(),
            print: print(el)
          });
        }
      }
      return found.map((f) => ({ ...f, ignores: notes.get(f.part) ?? [] }));
    });
    await page.close();
    return sections;
  }

  for (const [path, filters] of Object.entries(FILTERED_PAGES)) {
    it(`/${path}: every section follows each filter, or says it does not`, async () => {
      expect(build.status, build.output).toBe(0);
      const before = await sectionsOf(`${server.url}${path}`);
      expect(before.length).toBeGreaterThan(1);
      for (const [filter, value] of Object.entries(filters)) {
        const after = await sectionsOf(`${server.url}${path}?${filter}=${encodeURIComponent(value)}`);
        expect(
          after.map((s) => s.name),
          `${path} ?${filter}`
        ).toEqual(before.map((s) => s.name));
        const silent = after.filter((s, i) => s.print === before[i]!.print && !s.ignores.includes(filter));
        expect(
          silent.map((s) => s.name),
          `${path} ?${filter}=${value}: sections that ignore it silently`
        ).toEqual([]);
      }
    });
  }

  it("compares each figure with one baseline, named, on every page that states it", async () => {
    expect(build.status, build.output).toBe(0);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const said = new Map<string, Set<string>>();
    for (const path of ["", "quarters/2025-Q4", "won-lost"]) {
      await page.goto(`${server.url}${path}`, { waitUntil: "networkidle" });
      const text = await page.locator("main").innerText();
      // "(up 12.4% from 2025-Q3", "up 2 points from 51% in 2025-Q3", "▲ 8.4% vs 2025-Q3".
      for (const [, baseline] of text.matchAll(/\b(?:up|down|unchanged)\b[^.()]*? from [^.()]*?(\d{4}-Q\d)/g))
        said.set(path, (said.get(path) ?? new Set()).add(baseline!));
      for (const [, baseline] of text.matchAll(/[▲▼■][^\n]*? vs (\d{4}-Q\d)/g))
        said.set(path, (said.get(path) ?? new Set()).add(baseline!));
    }
    await page.close();
    // The overview reads the latest complete quarter, 2025-Q4: every change is against 2025-Q3.
    expect(Object.fromEntries([...said].map(([path, set]) => [path, [...set]]))).toEqual({
      "": ["2025-Q3"],
      "quarters/2025-Q4": ["2025-Q3"],
      "won-lost": ["2025-Q3"]
    });
  });

  it("links the outreach list from the levers page: one row per customer with something unused, ids only", async () => {
    expect(build.status, build.output).toBe(0);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}levers`, { waitUntil: "networkidle" });
    const href = await page.locator("#outreach-download").getAttribute("href");
    const csv = await (await fetch(new URL(href!, page.url()))).text();
    const [header, ...lines] = csv.trimEnd().split("\n");
    expect(header).toBe(
      "customer_id,unused_purchases,unused_value,first_unused_purchase,last_unused_purchase,last_purchase,still_buying"
    );
    const reading = (await page.locator("#activation-reading").textContent()) ?? "";
    expect(reading).toContain(`${lines.length.toLocaleString("en-US")} customers have something unused`);
    expect(lines.every((line) => /^C\d{6},/.test(line))).toBe(true);
    await page.close();
  });

  it("opens a quarter's review page from its URL, with that quarter's figures and links to the detail pages at its wave", async () => {
    expect(build.status, build.output).toBe(0);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page, server.url);
    await page.goto(`${server.url}quarters/2024-Q3`, { waitUntil: "networkidle" });
    expect(await page.locator("h1").first().textContent()).toBe("2024-Q3 review");
    const revenue = sampleExports()
      .orders.filter((d) => d.ordered_at! >= "2024-07-01" && d.ordered_at! < "2024-10-01")
      .reduce((sum, d) => sum + Number(d.amount), 0);
    expect(await page.locator("#kpi-revenue .kpi-value").textContent()).toBe(`$${(revenue / 1e6).toFixed(1)}M`);
    expect(await page.locator("#kpi-nps .kpi-change").textContent()).toContain("vs 2024-Q2");
    await page.locator("#quarter-value-map svg g[aria-label='dot'] circle").first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS_DIR, "quarter.png"), fullPage: true });
    await page.locator(".details a", { hasText: "Value map" }).click();
    await page.waitForURL(/value-map/);
    await page.waitForLoadState("networkidle");
    expect(new URL(page.url()).searchParams.get("wave")).toBe("2024-Q3");
    expect(await page.locator("form select").first().locator("option:checked").textContent()).toBe("2024-Q3");
    expect(problems).toEqual([]);
  });

  it("keeps every filter in the URL: a change updates it, a reload and a shared link restore it", async () => {
    expect(build.status, build.output).toBe(0);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page, server.url);
    await page.goto(`${server.url}value-map`, { waitUntil: "networkidle" });
    // The address bar names the view shown, defaults included, so it is always a stable link.
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ wave: "2025-Q4", segment: "All" });
    const allReading = await page.locator("#value-map-reading").textContent();
    await page.locator("form select").nth(1).selectOption("Enterprise");
    await page.locator("form select").first().selectOption("2025-Q1");
    await page.waitForFunction(() => {
      const { search } = (globalThis as any).location; // a browser global: the tests compile without the DOM library
      return search.includes("segment=Enterprise") && search.includes("wave=2025-Q1");
    });
    const reading = await page.locator("#value-map-reading").textContent();
    expect(reading).not.toBe(allReading);
    await page.reload({ waitUntil: "networkidle" });
    expect(await page.locator("form select").nth(1).locator("option:checked").textContent()).toBe("Enterprise");
    expect(await page.locator("form select").first().locator("option:checked").textContent()).toBe("2025-Q1");
    expect(await page.locator("#value-map-reading").textContent()).toBe(reading);

    // A shared link in a new tab; a select whose values are not its labels (competitors' groups);
    // a slider; and a stale value (a wave no longer in the data) falling back to the default.
    const shared = await browser.newPage();
    await shared.goto(`${server.url}competitors?wave=2019-Q1&group=${encodeURIComponent("region\u0000West")}`, {
      waitUntil: "networkidle"
    });
    expect(await shared.locator("form select").first().locator("option:checked").textContent()).toBe("2025-Q4");
    expect(await shared.locator("form select").nth(1).locator("option:checked").textContent()).toMatch(/West/);
    expect(new URL(shared.url()).searchParams.get("wave")).toBe("2025-Q4");
    await shared.goto(`${server.url}drivers?change=-0.3`, { waitUntil: "networkidle" });
    expect(await shared.locator("input[type=range]").inputValue()).toBe("-0.3");
    expect(await shared.locator("#driver-reading").textContent()).toMatch(/^Lowering .* by 0\.3 points/);
    expect(await page.locator("button.copy-link").count()).toBe(1);
    expect(problems).toEqual([]);
  });

  it("downloads exactly what a table shows as CSV", async () => {
    expect(build.status, build.output).toBe(0);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await page.goto(`${server.url}value-map?wave=2025-Q2&segment=Enterprise`, { waitUntil: "networkidle" });
    const table = page.locator(".data-table").last();
    const shown = await table
      .locator("tbody tr")
      .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll("td")].slice(1).map((td) => td.textContent)));
    const [download] = await Promise.all([page.waitForEvent("download"), table.locator("button.download").click()]);
    expect(download.suggestedFilename()).toBe("value-map-2025-Q2-Enterprise.csv");
    const lines = readFileSync((await download.path())!, "utf-8")
      .trimEnd()
      .split("\r\n")
      .map((line) => line.split(","));
    expect(lines[0]).toEqual(["Brand", "Quality", "Low", "High", "Relative price", "Low", "High", "Distance", "Zone"]);
    expect(
      lines.slice(1).map((cells) => cells.map((c) => (c === "" ? "" : String(Number.isNaN(Number(c)) ? c : Number(c)))))
    ).toEqual(
      shown.map((cells) =>
        cells.map((c) =>
          c === ""
            ? ""
            : String(Number.isNaN(Number((c ?? "").replace(/,/g, ""))) ? c : Number((c ?? "").replace(/,/g, "")))
        )
      )
    );
  });

  it("renders a page scaffolded by cva new-page: its chart from its Parquet loader, its filter in the URL, its sidebar link", async () => {
    expect(scaffold.status, scaffold.stderr).toBe(0);
    expect(build.status, build.output).toBe(0);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page, server.url);
    await page.goto(`${server.url}analyses/churn-by-region`, { waitUntil: "networkidle" });
    expect(await page.locator("h1").first().textContent()).toBe("Churn by region");
    const svg = page.locator("#analysis-chart svg[aria-label]").first();
    await svg.waitFor();
    expect(await svg.getAttribute("aria-label")).toBe(
      "Line chart of the churn rate by quarter for All, with its 95% confidence band"
    );
    expect(new URL(page.url()).searchParams.get("segment")).toBe("All");

    // The rows the page shows are the loader's Parquet, read here with DuckDB.
    const parquet = readdirSync(join(dist, "_file", "data", "analyses")).find((f) => f.endsWith(".parquet"))!;
    const db = await Database.open();
    const expected = await db.rows<{ quarter: string; churn_rate: number }>(
      `SELECT quarter, churn_rate FROM read_parquet(${literal(join(dist, "_file", "data", "analyses", parquet))}) WHERE segment = 'Enterprise' AND quarter IS NOT NULL ORDER BY quarter`
    );
    db.close();
    expect(expected.length).toBeGreaterThan(4);
    await page.locator("form select").first().selectOption("Enterprise");
    await page.waitForFunction(() => (globalThis as any).location.search.includes("segment=Enterprise"));
    await page.locator("#analysis-chart svg[aria-label*='Enterprise']").first().waitFor();
    expect(await page.locator("#analysis-chart svg g[aria-label='dot'] circle").count()).toBe(expected.length);
    const shown = await page
      .locator("#analysis-chart details.chart-table tbody tr")
      .evaluateAll((rows) => rows.map((row) => row.querySelectorAll("td")[1]?.textContent));
    expect(shown).toEqual(expected.map((d) => d.quarter));
    await page.reload({ waitUntil: "networkidle" });
    expect(await page.locator("form select").first().locator("option:checked").textContent()).toBe("Enterprise");
    expect(
      await page.locator("#observablehq-sidebar a", { hasText: "Churn by region" }).evaluate((a) => (a as any).href)
    ).toBe(`${server.url}analyses/churn-by-region`);
    await page.screenshot({ path: join(ARTIFACTS_DIR, "analysis-scaffold.png"), fullPage: true });
    expect(problems).toEqual([]);
  });

  it("answers SQL on the explore page in the browser (DuckDB-Wasm from the build), with a table, its CSV and a chart", async () => {
    expect(build.status, build.output).toBe(0);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const problems = watchProblems(page, server.url);
    const query = "SELECT quarter, revenue FROM revenue_by_quarter WHERE quarter >= '2025-Q1' ORDER BY quarter";
    await page.goto(`${server.url}explore?sql=${encodeURIComponent(query)}`);
    const summary = page.locator("#explore-summary");
    await summary.waitFor({ timeout: 60_000 });
    expect(await summary.textContent()).toMatch(/^4 rows in \d+\.\d\d s$/);
    // Each quarter's revenue against the sample's orders summed independently.
    const { orders } = sampleExports();
    const table = page.locator("#explore-result .data-table");
    const shown = await table
      .locator("tbody tr")
      .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll("td")].slice(1).map((td) => td.textContent)));
    expect(shown.map(([quarter]) => quarter)).toEqual(["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]);
    for (const [quarter, revenue] of shown) {
      const [from, to] = {
        "2025-Q1": ["2025-01", "2025-04"],
        "2025-Q2": ["2025-04", "2025-07"],
        "2025-Q3": ["2025-07", "2025-10"],
        "2025-Q4": ["2025-10", "2026-01"]
      }[quarter as "2025-Q1"];
      const sum = orders
        .filter((d) => d.ordered_at! >= from! && d.ordered_at! < to!)
        .reduce((total, d) => total + Number(d.amount), 0);
      expect(Number(revenue!.replace(/,/g, "")), quarter!).toBeCloseTo(sum, 1);
    }
    const [download] = await Promise.all([page.waitForEvent("download"), table.locator("button.download").click()]);
    expect(download.suggestedFilename()).toBe("query.csv");
    const csv = readFileSync((await download.path())!, "utf-8")
      .trimEnd()
      .split("\r\n")
      .map((line) => line.split(","));
    expect(csv).toEqual([["quarter", "revenue"], ...shown.map(([q, r]) => [q, String(Number(r!.replace(/,/g, "")))])]);
    // The quick chart: a bar per quarter by default.
    await page.locator("#explore-chart svg[aria-label]").first().waitFor();
    expect(await page.locator("#explore-chart svg g[aria-label='bar'] rect").count()).toBe(4);
    expect(new URL(page.url()).searchParams.get("mark")).toBe("bar");

    // Another query typed in and run; then a mistake, answered with DuckDB's message.
    await page.locator("#explore-result").waitFor();
    // A table is loaded by the first query that names it: revenue_by_quarter before, kpis now.
    const counting = "SELECT count(*) AS tables, (SELECT count(*) FROM kpis) > 0 AS kpis FROM duckdb_tables()";
    await page.locator("textarea").fill(counting);
    await page.getByRole("button", { name: "Run query" }).click();
    await page.waitForFunction(() =>
      /^1 row in/.test((globalThis as any).document.querySelector("#explore-summary")?.textContent ?? "")
    );
    expect(await page.locator("#explore-result tbody td").nth(1).textContent()).toBe("2");
    expect(new URL(page.url()).searchParams.get("sql")).toBe(counting);
    // A result too long to show whole: counted in full, the first 10,000 rows shown.
    await page.locator("textarea").fill("SELECT range AS n, range % 7 AS weekday FROM range(25000)");
    await page.getByRole("button", { name: "Run query" }).click();
    await page.waitForFunction(() =>
      /^25,000 rows in/.test((globalThis as any).document.querySelector("#explore-summary")?.textContent ?? "")
    );
    expect(await page.locator("#explore-summary").textContent()).toMatch(
      /^25,000 rows in \d+\.\d\d s; the first 10,000 are shown, downloaded and charted/
    );
    await page.locator("textarea").fill("SELECT * FROM customers");
    await page.getByRole("button", { name: "Run query" }).click();
    await page.locator("#explore-error").waitFor();
    expect(await page.locator("#explore-error").textContent()).toMatch(
      /The query failed\..*Table with name customers does not exist/
    );
    // Nothing of the previous answer lingers: no chart and no chart settings.
    await page
      .locator("#explore-chart p", { hasText: "A chart needs a result with at least one numeric column." })
      .waitFor();
    expect(await page.locator("select").count()).toBe(0);
    expect(await page.locator("#explore-chart svg").count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS_DIR, "explore.png"), fullPage: true });
    expect(problems).toEqual([]);
  });

  const EVERY_PAGE = [
    "",
    "methodology",
    "data-quality",
    "quarters/2025-Q4",
    "quarters/2023-Q1",
    ...Object.keys(VALUE_PAGES),
    "analyses/churn-by-region",
    "explore"
  ];

  it("has no serious or critical accessibility violation (axe-core, WCAG 2.1 AA) on any page, light or dark", async () => {
    expect(build.status, build.output).toBe(0);
    const axe = readFileSync(join(PROJECT_DIR, "node_modules", "axe-core", "axe.min.js"), "utf-8");
    const violations: string[] = [];
    for (const colorScheme of ["light", "dark"] as const) {
      for (const path of EVERY_PAGE) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
        await page.goto(`${server.url}${path}`, { waitUntil: "networkidle" });
        // Dark-theme screenshots of every page, and the light one of pages no other test takes.
        const name = path.replaceAll("/", "-") || "index";
        if (colorScheme === "dark" || path === "methodology")
          await page.screenshot({
            path: join(ARTIFACTS_DIR, `${name}${colorScheme === "dark" ? "-dark" : ""}.png`),
            fullPage: true
          });
        await page.addScriptTag({ content: axe });
        const result = await page.evaluate(() =>
          (globalThis as any).axe.run((globalThis as any).document, {
            runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
          })
        );
        for (const v of result.violations as { id: string; impact: string; nodes: { target: string[] }[] }[]) {
          if (v.impact === "serious" || v.impact === "critical")
            violations.push(
              `${colorScheme} /${path}: ${v.id} (${v.impact}) at ${v.nodes
                .slice(0, 3)
                .map((n) => n.target.join(" "))
                .join(", ")}`
            );
        }
        await page.close();
      }
    }
    expect(violations).toEqual([]);
  }, 240_000);

  it("keeps the overview under 1.5 MB of transfer and the explore page under 8 MB until its first query, which loads DuckDB-Wasm", async () => {
    expect(build.status, build.output).toBe(0);
    const weights: Record<string, number> = {};
    const duckdb: string[] = [];
    for (const path of EVERY_PAGE) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      // Bytes as the network delivered them, workers' fetches and streamed WebAssembly included.
      const bodies: Promise<number>[] = [];
      page.on("requestfinished", (request) =>
        bodies.push(
          request.sizes().then(
            (sizes) => sizes.responseBodySize,
            () => 0
          )
        )
      );
      let queried = false;
      page.on(
        "request",
        (request) => /duckdb/i.test(request.url()) && !queried && duckdb.push(`/${path}: ${request.url()}`)
      );
      await page.goto(`${server.url}${path}`, { waitUntil: "networkidle" });
      weights[`/${path}`] = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
      if (path === "explore") {
        // Before the first query: the page and its modules, no DuckDB and no table yet.
        await page.locator("#explore-waiting").waitFor();
        expect(duckdb).toEqual([]);
        queried = true;
        await page.locator("#explore-run").click();
        await page.locator("#explore-summary").waitFor({ timeout: 60_000 });
        weights["/explore, after one query"] = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
      }
      await page.close();
    }
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    writeFileSync(join(ARTIFACTS_DIR, "page-weight.json"), JSON.stringify(weights, null, 2) + "\n");
    console.log(
      `bytes fetched per page (uncompressed):\n${Object.entries(weights)
        .map(([p, b]) => `  ${p.padEnd(22)} ${(b / 1024).toFixed(0).padStart(6)} KB`)
        .join("\n")}`
    );
    expect(weights["/"]).toBeLessThan(1.5e6);
    expect(weights["/explore"]).toBeLessThan(8e6);
    // Then DuckDB-Wasm (35 MB) and parquet-wasm (5 MB), each fetched once, and one table.
    expect(weights["/explore, after one query"]).toBeLessThan(50e6);
    expect(duckdb).toEqual([]);
  }, 120_000);
});

describe("printing", () => {
  it("npm run pdf renders chosen pages, filters included, to PDF for the quarterly pack", () => {
    expect(build.status, build.output).toBe(0);
    const out = join(clone, "pack");
    const result = npmRun(clone, "pdf", { args: ["quarters/2025-Q4", "value-map?segment=Enterprise", "--out", out] });
    expect(result.status, result.output).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["quarters-2025-Q4.pdf", "value-map-segment-Enterprise.pdf"]);
    for (const file of readdirSync(out)) {
      const pdf = readFileSync(join(out, file));
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      expect(pdf.length).toBeGreaterThan(20_000);
    }
  });
});

describe("the print stylesheet", () => {
  it("drops the sidebar and controls' chrome, keeps the provenance footer, and never cuts a card", async () => {
    expect(build.status, build.output).toBe(0);
    const server = await startStaticServer(dist);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
      await page.goto(`${server.url}quarters/2025-Q4`, { waitUntil: "networkidle" });
      await page.emulateMedia({ media: "print" });
      const style = (selector: string, property: string) =>
        page
          .locator(selector)
          .first()
          .evaluate((e, p) => (globalThis as any).getComputedStyle(e).getPropertyValue(p), property);
      expect(await style("#observablehq-sidebar", "display")).toBe("none");
      expect(await style("button.copy-link", "display")).toBe("none");
      expect(await style("#observablehq-footer", "display")).toBe("block");
      expect(await style(".kpi", "break-inside")).toBe("avoid");
      expect(await style("#quarter-value-map", "break-inside")).toBe("avoid");
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

describe("privacy of the built site", () => {
  it("no name, email or phone number from the exports, nor any personal detail of a comment, is in any file of dist/", () => {
    expect(build.status, build.output).toBe(0);
    const read = (name: string) => csvParse(readFileSync(join(PROJECT_DIR, "data", `${name}.csv`), "utf-8"));
    const raw = readFileSync(join(PROJECT_DIR, "data", "responses.csv"), "utf-8");
    const pii = {
      names: read("customers").map((d) => d.name!),
      emails: read("customers").map((d) => d.email!),
      phones: read("customers").map((d) => d.phone!),
      // Comments with personal details, in the sample generator's phrasing (scripts/sample/people.ts).
      commentNames: [...raw.matchAll(/Thanks to (.+?) for the help/g)].map((m) => m[1]!),
      commentEmails: [...raw.matchAll(/reach me at (\S+)\./g)].map((m) => m[1]!),
      commentPhones: [...raw.matchAll(/call me back on ([^.]+)\./g)].map((m) => m[1]!)
    };
    for (const [kind, values] of Object.entries(pii)) expect(values.length, kind).toBeGreaterThan(10);
    const scan = findPii(
      dist,
      [...pii.names, ...pii.commentNames],
      [...pii.emails, ...pii.commentEmails],
      [...pii.phones, ...pii.commentPhones]
    );
    expect(scan.filesScanned).toBeGreaterThan(50);
    expect(scan.hits).toEqual([]);
  });
});

describe("a failed build leaves the previous site as it was", () => {
  /** Every file of dist/ with its size and a hash of its bytes. */
  const snapshot = () =>
    Object.fromEntries(
      readdirSync(dist, { recursive: true, encoding: "utf-8" })
        .sort()
        .map((file) => {
          const path = join(dist, file);
          return [
            file,
            statSync(path).isFile() ? createHash("sha256").update(readFileSync(path)).digest("hex") : "dir"
          ];
        })
    );

  it("when an export breaks the contract (ingest stops before Framework runs)", () => {
    expect(build.status, build.output).toBe(0);
    const before = snapshot();
    const broken = join(clone, "broken-data");
    cpSync(join(clone, "data"), broken, { recursive: true });
    writeFileSync(join(broken, "orders.csv"), "order_id,customer_id\nO1,C1\n");
    const failed = npmRun(clone, "build", { env: { CVA_DATA: broken } });
    expect(failed.status).not.toBe(0);
    expect(failed.output).toMatch(
      /required column ordered_at is missing[\s\S]*the previous site in .*dist is unchanged/
    );
    expect(snapshot()).toEqual(before);
  });

  it("when a data loader fails halfway through Framework's build", () => {
    expect(build.status, build.output).toBe(0);
    const before = snapshot();
    writeFileSync(join(clone, "src", "data", "broken.json.ts"), `throw new Error("this loader fails on purpose");\n`);
    writeFileSync(
      join(clone, "src", "zz-broken.md"),
      '# Broken\n\n```js\nFileAttachment("data/broken.json").json()\n```\n'
    );
    try {
      const failed = npmRun(clone, "build");
      expect(failed.status).not.toBe(0);
      expect(failed.output).toMatch(/this loader fails on purpose[\s\S]*Framework's build failed; the previous site/);
      expect(snapshot()).toEqual(before);
      expect(existsSync(`${dist}.next`)).toBe(false);
    } finally {
      rmSync(join(clone, "src", "data", "broken.json.ts"));
      rmSync(join(clone, "src", "zz-broken.md"));
    }
  });
});
