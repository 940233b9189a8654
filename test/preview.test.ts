import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../scripts/chromium.js";
import { PROJECT_DIR, scratchClone } from "./support/project.js";
import { q4RevenueCard } from "./support/sample-exports.js";

// `npm run dev` in a fresh copy of the project, on a copy of the sample data that the tests
// edit as an analyst would, with one Chromium page left open throughout.
let clone: string;
let dataDir: string;
let dev: ChildProcess;
let output = "";
let url: string;
let browser: Browser;
let page: Page;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });

beforeAll(async () => {
  clone = scratchClone();
  dataDir = mkdtempSync(join(tmpdir(), "cva-preview-data-"));
  cpSync(join(PROJECT_DIR, "data"), dataDir, { recursive: true });
  const port = await freePort();
  dev = spawn("npm", ["run", "dev", "--", "--port", String(port), "--no-open"], {
    cwd: clone,
    env: { ...process.env, CVA_DATA: dataDir, CVA_WAREHOUSE: join(clone, ".cva") },
    detached: true
  });
  dev.stdout!.on("data", (chunk) => (output += chunk));
  dev.stderr!.on("data", (chunk) => (output += chunk));
  url = `http://127.0.0.1:${port}/`;
  await new Promise<void>((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`npm run dev did not start:\n${output}`)), 240_000);
    const check = setInterval(() => {
      if (output.includes(url)) {
        clearInterval(check);
        clearTimeout(timeout);
        resolve();
      }
      if (dev.exitCode !== null) {
        clearInterval(check);
        clearTimeout(timeout);
        reject(new Error(`npm run dev exited with ${dev.exitCode}:\n${output}`));
      }
    }, 200);
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
  await page.locator("#kpi-revenue .kpi-value").waitFor({ timeout: 120_000 });
});

afterAll(async () => {
  await browser?.close();
  // npm, tsx, scripts/dev.ts and Framework: stop the whole process group.
  if (dev?.pid && dev.exitCode === null && dev.signalCode === null) {
    try {
      process.kill(-dev.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
  if (clone) rmSync(clone, { recursive: true, force: true });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const revenueCard = () => page.locator("#kpi-revenue .kpi-value").textContent();

describe("npm run dev follows the data", () => {
  it("shows the exports' figures, and updates the open page when an export changes, without a restart", async () => {
    expect(await revenueCard()).toBe(q4RevenueCard(dataDir));
    expect(await page.locator("#preview-status").count()).toBe(0);
    const rowsInFooter = async () =>
      Number(/([\d,]+) rows/.exec((await page.locator("#provenance").textContent()) ?? "")?.[1]?.replaceAll(",", ""));
    const rowsBefore = await rowsInFooter();
    expect(rowsBefore).toBeGreaterThan(0);
    // Gone if the page reloads: a new order in a quarter the sidebar already lists updates it in place.
    await page.evaluate(() => ((globalThis as any).keptAcrossUpdate = true));

    // A late order of five million in the last quarter, appended as an export tool would.
    appendFileSync(join(dataDir, "orders.csv"), "O99999999,C000001,2025-12-30,5000000.00,1.00,P028,1\n");
    const expected = q4RevenueCard(dataDir);
    expect(expected).not.toBe(await revenueCard());
    await page.waitForFunction(
      (text) => (globalThis as any).document.querySelector("#kpi-revenue .kpi-value")?.textContent === text,
      expected,
      { timeout: 90_000 }
    );
    expect(output).toMatch(/cva dev: orders\.csv changed/);
    // The footer's provenance follows: one more row read.
    await page.waitForFunction(
      (rows) =>
        new RegExp(`${rows.toLocaleString("en-US")} rows`).test(
          (globalThis as any).document.querySelector("#provenance")?.textContent ?? ""
        ),
      rowsBefore + 1,
      { timeout: 30_000 }
    );
    expect(await page.evaluate(() => (globalThis as any).keptAcrossUpdate)).toBe(true);
  });

  it("shows a broken export's problems (file, line, column, rule) above the last good reports, until it is fixed", async () => {
    const good = await revenueCard();
    const orders = readFileSync(join(dataDir, "orders.csv"), "utf-8");
    writeFileSync(join(dataDir, "orders.csv"), orders.replace("ordered_at,amount,", "ordered_at,amount_usd,"));

    const panel = page.locator("#preview-status");
    await panel.waitFor({ timeout: 90_000 });
    const cells = await panel.locator("tbody tr").first().locator("td").allTextContents();
    expect(cells.slice(0, 4)).toEqual(["orders.csv", "1", "amount", "missing-column"]);
    expect(await panel.textContent()).toMatch(/cannot be ingested: 1 problem\..*last exports that ingested cleanly/s);
    // The reports beneath are the last good ones, not a blank page or a stack trace.
    expect(await revenueCard()).toBe(good);
    await page.screenshot({ path: join(PROJECT_DIR, "test", "artifacts", "preview-error-panel.png") });

    // Another page opened now shows the same panel over the same figures.
    const other = await browser.newPage();
    await other.goto(`${url}loyalty`);
    await other.locator("#preview-status").waitFor({ timeout: 60_000 });
    await other.locator("#nps-chart svg[aria-label]").first().waitFor({ timeout: 60_000 });
    await other.close();

    writeFileSync(join(dataDir, "orders.csv"), orders);
    await page.waitForFunction(() => !(globalThis as any).document.querySelector("#preview-status"), null, {
      timeout: 90_000
    });
    expect(await revenueCard()).toBe(q4RevenueCard(dataDir));
  });

  it("computes with the library as edited: a change in loaders/ shows on the open page", async () => {
    const kpis = join(clone, "loaders", "metrics", "summary", "kpis.ts");
    const source = readFileSync(kpis, "utf-8");
    expect(source).toContain('revenue: ["Net revenue", "currency"]');
    writeFileSync(
      kpis,
      source.replace('revenue: ["Net revenue", "currency"]', 'revenue: ["Net revenue after edit", "currency"]')
    );
    await page.waitForFunction(
      () =>
        /Net revenue after edit/.test((globalThis as any).document.querySelector("#kpi-revenue")?.textContent ?? ""),
      null,
      { timeout: 90_000 }
    );
    expect(output).toMatch(/cva dev: loaders\/metrics\/summary\/kpis\.ts changed/);
  });

  it("never lets a build carry the preview's problems", async () => {
    // What a preview of broken exports leaves in Framework's cache, newer than its loader.
    const cached = join(clone, "src", ".observablehq", "cache", "data", "site", "preview-status.json");
    writeFileSync(
      cached,
      JSON.stringify({ problems: [{ file: "orders.csv", rule: "missing-column", message: "a value from the export" }] })
    );
    await new Promise<void>((resolve) => {
      dev.once("exit", () => resolve());
      process.kill(-dev.pid!, "SIGTERM");
    });
    const prepared = spawnSync("npx", ["tsx", "scripts/prepare-site.ts"], {
      cwd: clone,
      env: { ...process.env, CVA_DATA: dataDir, CVA_WAREHOUSE: join(clone, ".cva") },
      encoding: "utf-8"
    });
    expect(prepared.status, prepared.stderr).toBe(0);
    // Written again by the build's preparation, with the build's status: no problems.
    expect(JSON.parse(readFileSync(cached, "utf-8"))).toEqual({
      problems: [],
      checkedAt: null,
      goodAt: null,
      provenance: null
    });
    expect(existsSync(join(clone, "src", ".observablehq", "cache", "data", "site.zip"))).toBe(false);
  });
});
