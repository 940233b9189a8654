// Quarters that stay as published: each quarter's figures are computed from the rows dated up
// to its close, the figures of complete quarters are recorded beside the exports when a build
// publishes them, and a later export that changes a closed quarter shows both figures.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CvaError } from "../loaders/core/errors.js";
import { tableOfFolder } from "../loaders/index.js";
import { PUBLISHED_FILE, readPublished } from "../loaders/site/published-quarters.js";
import { recordPublishedQuarters, siteArchiveMembers } from "../loaders/site/site-archive.js";
import { warehouseKey } from "../loaders/warehouse/keys.js";

const scratch = mkdtempSync(join(tmpdir(), "cva-quarters-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Kpi = { quarter: string; kpi: string; value: number | null };
const kpisOf = async (dataDir: string) => (await tableOfFolder(dataDir, "kpis")) as unknown as Kpi[];

/** The sample's exports as they stood at a quarter's close: orders dated after it removed. */
function sampleCutAt(close: string): string {
  const dir = join(scratch, `sample-${close}`);
  cpSync("data", dir, { recursive: true });
  rmSync(join(dir, "published"), { recursive: true, force: true });
  const [header, ...lines] = readFileSync(join(dir, "orders.csv"), "utf-8").trimEnd().split("\n");
  writeFileSync(join(dir, "orders.csv"), [header, ...lines.filter((l) => l.split(",")[2]! <= close)].join("\n") + "\n");
  return dir;
}

describe("a quarter's figures as of its close", () => {
  it(
    "are the same from exports cut at the close and from exports a half-year later",
    { timeout: 600_000 },
    async () => {
      const [cut, later] = [sampleCutAt("2025-06-30"), sampleCutAt("2025-12-31")];
      const [before, after] = [await kpisOf(cut), await kpisOf(later)];
      const closed = before.filter((k) => k.quarter <= "2025-Q2");
      expect(new Set(closed.map((k) => k.kpi))).toEqual(
        new Set(["revenue", "customers", "retention", "nps", "quality", "price", "clv"])
      );
      for (const k of closed) {
        const again = after.find((a) => a.quarter === k.quarter && a.kpi === k.kpi);
        expect(again, `${k.quarter} ${k.kpi}`).toBeDefined();
        if (k.kpi === "clv") {
          // Refitted models, stopped within a tolerance: within the 0.5% the restatement check allows.
          expect(Math.abs(again!.value! / k.value! - 1), `${k.quarter} clv`).toBeLessThan(0.005);
        } else expect(again!.value, `${k.quarter} ${k.kpi}`).toBe(k.value);
      }
    }
  );
});

describe("the published snapshot", () => {
  // 40 customers buying through 2024; the export stops on 2025-01-20, so 2025-Q1 is partial.
  // C1's first order (in Q1) is the one a later export corrects: a first purchase's amount is
  // in the revenue but in no lifetime value model (Gamma-Gamma reads repeat purchases).
  const orders = (firstAmount: number) => {
    const lines = ["order_id,customer_id,ordered_at,amount"];
    for (let c = 1; c <= 40; ++c) {
      lines.push(`A${c},C${c},2024-0${1 + (c % 3)}-1${c % 10},${c === 1 ? firstAmount : 10}`);
      lines.push(`B${c},C${c},2024-0${4 + (c % 3)}-1${c % 10},20`);
      if (c % 2) lines.push(`D${c},C${c},2024-0${7 + (c % 3)}-2${c % 8},15`);
      if (c % 4 === 0) lines.push(`E${c},C${c},2024-1${c % 3}-0${1 + (c % 8)},12`);
    }
    lines.push("F1,C2,2025-01-20,30");
    return lines.join("\n") + "\n";
  };

  it("records each complete quarter once, after the build, without ingesting the exports again", async () => {
    const dir = join(scratch, "crm");
    cpSync(mkdtempSync(join(scratch, "empty-")), dir, { recursive: true });
    writeFileSync(join(dir, "orders.csv"), orders(10));
    const ingestedAs = warehouseKey(dir);
    expect(await recordPublishedQuarters({ dataDir: dir })).toBeGreaterThan(0);
    const figures = readPublished(dir);
    // 2025-Q1 is partial (the export stops on 2025-01-20): it waits for its close.
    expect([...new Set(figures.map((f) => f.quarter))]).toEqual(["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]);
    expect(figures.find((f) => f.quarter === "2024-Q1" && f.kpi === "revenue")).toMatchObject({
      value: 400,
      unit: "currency",
      exportsAsOf: "2025-01-20"
    });
    expect(await recordPublishedQuarters({ dataDir: dir })).toBe(0);
    // The snapshot is not an export: recording it leaves the warehouse's key as it was.
    expect(warehouseKey(dir)).toBe(ingestedAs);
  });

  it("shows a restated quarter beside what was published, and leaves the others as they were", async () => {
    const dir = join(scratch, "crm");
    // A correction to a Q1 order, in a later export: Q1's revenue moves by 100.
    writeFileSync(join(dir, "orders.csv"), orders(110));
    const members = await siteArchiveMembers({ dataDir: dir });
    const rows = JSON.parse(String(members.get("published-quarters.json"))) as Record<string, unknown>[];
    expect(rows.find((r) => r.quarter === "2024-Q1" && r.kpi === "revenue")).toEqual({
      quarter: "2024-Q1",
      kpi: "revenue",
      published: 400,
      published_as_of: "2025-01-20",
      published_model: null,
      current: 500,
      current_as_of: "2025-01-20",
      current_model: null,
      restated: true
    });
    expect(rows.filter((r) => r.restated).map((r) => `${r.quarter} ${r.kpi}`)).toEqual(["2024-Q1 revenue"]);
    // What was published is never overwritten by a later build.
    expect(await recordPublishedQuarters({ dataDir: dir })).toBe(0);
    expect(readPublished(dir).find((f) => f.quarter === "2024-Q1" && f.kpi === "revenue")!.value).toBe(400);
  });

  it("stops on a broken snapshot with its path and what is wrong, in one line", () => {
    const dir = join(scratch, "broken");
    cpSync(join(scratch, "crm"), dir, { recursive: true });
    const file = join(dir, PUBLISHED_FILE);
    expect(existsSync(file)).toBe(true);
    const snapshot = JSON.parse(readFileSync(file, "utf-8"));
    snapshot.figures[0].quarter = "2024 Q1";
    writeFileSync(file, JSON.stringify(snapshot));
    expect(() => readPublished(dir)).toThrow(CvaError);
    expect(() => readPublished(dir)).toThrow(`${file}: figures.0.quarter: a quarter is written YYYY-Qn`);
    writeFileSync(file, "{");
    expect(() => readPublished(dir)).toThrow(/quarters\.json: not JSON/);
  });
});
