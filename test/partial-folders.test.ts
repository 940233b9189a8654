import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStaticServer, type StaticServer } from "../scripts/static-server.js";
import { launchChromium } from "../scripts/chromium.js";
import { npmRun, PROJECT_DIR, scratchClone, type CommandResult } from "./support/project.js";

// A survey without the CRM, and the CRM without a survey: each folder ingests as it is, and
// every page of its site either shows what the folder holds or says which export it needs.
const SURVEY_FILES = ["responses.csv", "ratings.csv", "importance.csv", "recommendations.csv"];

function folderOf(keep: (file: string) => boolean, config: (c: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "cva-partial-"));
  for (const file of readdirSync(join(PROJECT_DIR, "data")).filter((f) => f.endsWith(".csv") && keep(f)))
    cpSync(join(PROJECT_DIR, "data", file), join(dir, file));
  const c = JSON.parse(readFileSync(join(PROJECT_DIR, "data", "cva.config.json"), "utf-8"));
  config(c);
  writeFileSync(join(dir, "cva.config.json"), JSON.stringify(c));
  return dir;
}

const FOLDERS = {
  "survey only": () =>
    folderOf(
      (f) => SURVEY_FILES.includes(f),
      () => {}
    ),
  "CRM only": () =>
    folderOf(
      (f) => !SURVEY_FILES.includes(f),
      (c) => ["brand", "competitors", "attributes"].forEach((k) => delete c[k])
    )
};

for (const [label, make] of Object.entries(FOLDERS)) {
  describe(`a site built from the ${label}`, () => {
    let clone: string, data: string, build: CommandResult, browser: Browser, server: StaticServer;
    beforeAll(async () => {
      clone = scratchClone();
      data = make();
      build = npmRun(clone, "build", { env: { CVA_DATA: data } });
      if (build.status !== 0) return;
      server = await startStaticServer(join(clone, "dist"));
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      [clone, data].forEach((d) => d && rmSync(d, { recursive: true, force: true }));
    });

    it("builds with no placeholder files", () => {
      expect(build.status, build.output).toBe(0);
    });

    it("shows no undefined, NaN or Invalid Date on any page, and no page error; pages without their export say which it is", async () => {
      expect(build.status, build.output).toBe(0);
      const pages = readdirSync(join(clone, "dist"), { recursive: true, encoding: "utf-8" })
        .filter((f) => f.endsWith(".html") && !f.startsWith("_") && f !== "explore.html")
        .map((f) => f.replace(/(index)?\.html$/, ""));
      const found: string[] = [];
      const notes: Record<string, number> = {};
      for (const path of pages) {
        const page = await browser.newPage();
        page.on("pageerror", (error) => found.push(`${path}: ${error.message}`));
        page.on(
          "console",
          (message) => message.type() === "error" && found.push(`${path}: ${message.text().split("\n")[0]}`)
        );
        await page.goto(`${server.url}${path}`, { waitUntil: "networkidle" });
        const text = await page.locator("#observablehq-main").innerText();
        for (const bad of text.match(/.{0,30}\b(undefined|NaN|Invalid Date)\b.{0,30}/g) ?? [])
          found.push(`${path}: ${bad}`);
        notes[path] = await page.locator(".missing-input").count();
        await page.close();
      }
      expect(found).toEqual([]);
      const needing =
        label === "survey only"
          ? ["customers", "retention", "levers", "won-lost"]
          : ["value-map", "quality-profile", "competitors", "trends", "loyalty", "drivers"];
      for (const path of needing) expect(notes[path], path).toBeGreaterThan(0);
      expect(notes[""], "the overview").toBe(label === "survey only" ? 1 : 0);
      // Every page in turn (about 30): some 40 s alone, more beside the other site tests.
    }, 180_000);
  });
}
