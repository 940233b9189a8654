import { csvParse } from "d3-dsv";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { contextOf } from "../loaders/warehouse/context.js";
import { Database } from "../loaders/core/db.js";
import { ingestFolder } from "../loaders/ingest/ingest.js";
import { overviewFrom } from "../loaders/site/overview.js";
import { TABLES } from "../loaders/metrics/registry.js";
import { missingInputs } from "../loaders/metrics/table.js";
import { tableRows } from "../loaders/publish/table-output.js";
import { VENDORS, vendorFolder } from "./support/format-folders.js";
import { PROJECT_DIR } from "./support/project.js";

/** The sample with some exports removed, or changed: every table computes, none fails. */
async function withSample(change: (dir: string) => void, check: (db: Database) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cva-partial-"));
  cpSync(join(PROJECT_DIR, "data"), dir, { recursive: true });
  change(dir);
  const db = await Database.open();
  try {
    await ingestFolder(db, dir);
    await check(db);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const sampleCsv = (name: string) => csvParse(readFileSync(join(PROJECT_DIR, "data", `${name}.csv`), "utf-8"));

const remove =
  (...files: string[]) =>
  (dir: string) =>
    files.forEach((f) => rmSync(join(dir, f)));

async function everyTable(db: Database): Promise<Record<string, number>> {
  const context = await contextOf(db);
  const counts: Record<string, number> = {};
  for (const table of TABLES) counts[table.name] = (await tableRows(db, table.name, context)).length;
  return counts;
}

describe("folders that hold part of the exports", () => {
  it("a survey alone: the survey's tables, the orders' tables empty and saying so, KPIs from the survey", async () => {
    await withSample(
      remove(
        "orders.csv",
        "customers.csv",
        "products.csv",
        "activations.csv",
        "opportunities.csv",
        "tickets.csv",
        "events.csv"
      ),
      async (db) => {
        const counts = await everyTable(db);
        expect(counts.nps).toBeGreaterThan(0);
        expect(counts["value-map"]).toBeGreaterThan(0);
        for (const name of ["rfm-segments", "cohort-retention", "clv-params", "churn", "won-lost", "pipeline"])
          expect(counts[name], name).toBe(0);
        const context = await contextOf(db);
        expect(
          missingInputs(
            TABLES.find((t) => t.name === "clv-params")!,
            context.schema
          )
        ).toEqual(["orders"]);
        const kpis = new Set((await tableRows<{ kpi: string }>(db, "kpis")).map((r) => r.kpi));
        expect(kpis).toEqual(new Set(["nps", "quality", "price"]));
        // The last answer of the sample's survey is the figures' date (read with d3-dsv, not DuckDB).
        const lastAnswer = sampleCsv("responses")
          .map((d) => d.responded_at!)
          .filter(Boolean)
          .sort()
          .at(-1);
        const overview = await overviewFrom(db);
        expect(overview).toMatchObject({ asOf: lastAnswer, revenue: 0, orders: 0, customers: 0, revenueByQuarter: [] });
        expect(overview.respondents).toBeGreaterThan(3000);
      }
    );
  });

  it("CRM exports without orders: deals and tickets, no error", async () => {
    await withSample(
      remove("orders.csv", "activations.csv", "responses.csv", "ratings.csv", "importance.csv", "recommendations.csv"),
      async (db) => {
        const counts = await everyTable(db);
        expect(counts["won-lost"]).toBeGreaterThan(0);
        expect(counts.complaints).toBe(0);
        // The latest closed deal or ticket (read with d3-dsv): ISO dates, so the text sorts as the dates do.
        const dates = [
          ...sampleCsv("opportunities").map((d) => d.closed_at!),
          ...sampleCsv("tickets").map((d) => d.opened_at!.slice(0, 10))
        ];
        expect((await overviewFrom(db)).asOf).toBe(
          dates
            .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
            .sort()
            .at(-1)
        );
      }
    );
  });

  it("an NPS-only survey (no satisfaction question): NPS and profiles, no drivers of satisfaction", async () => {
    await withSample(
      (dir) => {
        const path = join(dir, "responses.csv");
        const lines = readFileSync(path, "utf-8").split("\n");
        const at = lines[0]!.split(",").indexOf("overall_satisfaction");
        expect(at).toBeGreaterThan(0);
        // No field of the sample's responses before satisfaction is quoted, so splitting on commas is safe there.
        writeFileSync(
          path,
          lines
            .map((line) =>
              line ? [...line.split(",").slice(0, at), ...line.split(",").slice(at + 1)].join(",") : line
            )
            .join("\n")
        );
      },
      async (db) => {
        const counts = await everyTable(db);
        expect(counts.nps).toBeGreaterThan(0);
        expect(counts["quality-score"]).toBeGreaterThan(0);
        expect(counts.drivers).toBe(0);
        const links = await tableRows<{ link: number }>(db, "linkage");
        expect(links.some((l) => l.link === 1 || l.link === 2)).toBe(false);
      }
    );
  });
});

/** Every table's numbers that are NaN or infinite, as `table.column = value`. */
async function nonFinite(db: Database): Promise<string[]> {
  const context = await contextOf(db);
  const bad: string[] = [];
  for (const table of TABLES) {
    for (const row of await tableRows<Record<string, unknown>>(db, table.name, context)) {
      for (const [column, value] of Object.entries(row))
        if (typeof value === "number" && !Number.isFinite(value)) bad.push(`${table.name}.${column} = ${value}`);
    }
  }
  return [...new Set(bad)];
}

describe("tables on tiny folders: no NaN or infinite number", () => {
  it.each(VENDORS)("each vendor fixture folder (%s)", async (vendor) => {
    const dir = vendorFolder(vendor);
    const db = await Database.open();
    try {
      await ingestFolder(db, dir);
      expect(await nonFinite(db)).toEqual([]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a history of a few weeks (three orders of two customers)", () => {
  it("is too little history for a CLV fit (under 30 customers, 10 of them buying again): no model, and no NaN anywhere", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cva-short-"));
    cpSync(
      join(PROJECT_DIR, "test", "fixtures", "line-items", "orders_export_1.csv"),
      join(dir, "orders_export_1.csv")
    );
    writeFileSync(
      join(dir, "cva.config.json"),
      JSON.stringify({ sources: [{ file: "orders_export_1.csv", format: "shopify" }] })
    );
    const db = await Database.open();
    try {
      await ingestFolder(db, dir);
      expect(await nonFinite(db)).toEqual([]);
      expect(await tableRows(db, "clv-params")).toEqual([]);
      expect(await tableRows(db, "best-customers")).toEqual([]);
      expect((await tableRows(db, "rfm-segments")).length).toBeGreaterThan(0);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
