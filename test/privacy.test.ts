import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableOfFolder } from "../loaders/index.js";
import { tableRows } from "../loaders/publish/table-output.js";
import { PROJECT_DIR } from "./support/project.js";
import { useSampleWarehouse } from "./support/sample-warehouse.js";

const CONFIG = {
  brand: "Us",
  competitors: ["Them"],
  attributes: [
    { id: "quality", label: "Quality", group: "quality", owner: "Product" },
    { id: "price", label: "Price", group: "price", owner: "Pricing" }
  ],
  privacy: { names: ["Sam Okafor", "Wilhelmina"] }
};
const CUSTOMERS = `customer_id,name,email,phone
C1,Maria Lopez,maria@x.example,+1 202-555-0101
C2,Grace Price,grace@x.example,
`;
// Comment, then the published text expected.
const CASES: [string, string][] = [
  ["Call me on +1 202-555-0101 or 202.555.0199.", "Call me on [phone] or [phone]."],
  ["Mail maria.lopez@alder-labs.example, thanks!", "Mail [email], thanks!"],
  ["Order 2024-02-01 arrived late; 3 boxes of 12.", "Order 2024-02-01 arrived late; 3 boxes of 12."],
  ["Thanks to Maria Lopez for the help.", "Thanks to [name] for the help."],
  ["Maria Lopez helped a lot.", "[name] helped a lot."],
  // A known surname that starts a sentence on its own is an ordinary word; mid-sentence it is a name.
  ["Price went up. Ask Price about it.", "Price went up. Ask [name] about it."],
  ["Ask for Mr. Henderson or Dr Ng.", "Ask for Mr. [name] or Dr [name]."],
  ["Sam Okafor and Wilhelmina were great.", "[name] and [name] were great."],
  ["Great prices, grace period too.", "Great prices, grace period too."],
  ['=HYPERLINK("http://x") <script>alert(1)</script>', '=HYPERLINK("http://x") <script>alert(1)</script>']
];

describe("comments are published redacted", () => {
  let dataDir: string;
  let warehouseDir: string;
  const write = (config: object) => {
    writeFileSync(join(dataDir, "cva.config.json"), JSON.stringify(config));
    writeFileSync(join(dataDir, "customers.csv"), CUSTOMERS);
    writeFileSync(join(dataDir, "orders.csv"), "order_id,customer_id,ordered_at,amount\nO1,C1,2025-01-01,1\n");
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    writeFileSync(
      join(dataDir, "responses.csv"),
      [
        "respondent_id,wave,responded_at,overall_satisfaction,likelihood_to_recommend,comment",
        ...CASES.map(
          ([comment], i) => `R${i + 1},2025-Q1,2025-02-${String(10 + i).padStart(2, "0")},7,${i % 11},${quote(comment)}`
        )
      ].join("\n") + "\n"
    );
    writeFileSync(
      join(dataDir, "ratings.csv"),
      "respondent_id,wave,brand,attribute,score\n" +
        CASES.map((_, i) => `R${i + 1},2025-Q1,Us,quality,7`).join("\n") +
        "\n"
    );
  };
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "cva-privacy-"));
    warehouseDir = mkdtempSync(join(tmpdir(), "cva-privacy-wh-"));
  });
  afterAll(() => [dataDir, warehouseDir].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("masks emails, phone numbers, CRM and configured names, titles' names; leaves dates, numbers and ordinary words", async () => {
    write(CONFIG);
    const rows = (await tableOfFolder(dataDir, "comments", { warehouseDir })) as { comment: string; group: string }[];
    expect(rows.map((r) => r.comment).sort()).toEqual(CASES.map(([, expected]) => expected).sort());
    // Loyalty groups from likelihood to recommend (i % 11 for respondent i + 1).
    expect(new Set(rows.map((r) => r.group))).toEqual(new Set(["detractor", "passive", "promoter"]));
  });

  it("publishes no comment at all with privacy.comments: none", async () => {
    write({ ...CONFIG, privacy: { comments: "none" } });
    expect(await tableOfFolder(dataDir, "comments", { warehouseDir })).toEqual([]);
  });
});

describe("the sample's comments", () => {
  it("keep none of the personal details the generator wrote into them", async () => {
    const warehouseDir = mkdtempSync(join(tmpdir(), "cva-privacy-sample-"));
    try {
      const published = JSON.stringify(await tableOfFolder(join(PROJECT_DIR, "data"), "comments", { warehouseDir }));
      // The generator's own phrasing, read independently of the redaction's rules.
      const raw = readFileSync(join(PROJECT_DIR, "data", "responses.csv"), "utf-8");
      const pii = [
        ...[...raw.matchAll(/call me back on ([^.]+)\./g)].map((m) => m[1]!),
        ...[...raw.matchAll(/reach me at (\S+)\./g)].map((m) => m[1]!),
        ...[...raw.matchAll(/Thanks to (.+?) for the help/g)].map((m) => m[1]!)
      ];
      expect(pii.length).toBeGreaterThan(50);
      expect(pii.filter((value) => published.includes(value))).toEqual([]);
      expect(published).toContain("[phone]");
      expect(published).toContain("[email]");
      expect(published).toContain("[name]");
    } finally {
      rmSync(warehouseDir, { recursive: true, force: true });
    }
  });
});

describe("suppression holds against an attacker with the published tables (the sample, minCellSize 100)", () => {
  const sample = useSampleWarehouse();
  /** The tables under a minimum cell size: 100 as published, 1 for the true figures. */
  const withMinimum = (minCellSize: number) => {
    const base = sample.context();
    return { ...base, config: { ...base.config!, minCellSize }, memo: new Map() };
  };
  const tableAt = (name: string, minCellSize: number) =>
    tableRows<Record<string, any>>(sample.db(), name, withMinimum(minCellSize));

  /** How each table's cells add up: its slice keys, its breakdown, the figures that are means over n. */
  const TABLES = [
    { name: "nps", slice: ["wave", "brand"], breakdown: segmentOf, figures: { nps: 0.005, promoters: 0.00005 } },
    {
      name: "satisfaction",
      slice: ["wave", "measure"],
      breakdown: segmentOf,
      figures: { mean: 0.0005, top2: 0.00005 }
    },
    { name: "quality-profile", slice: ["wave", "brand", "attribute"], breakdown: segmentOf, figures: { mean: 0.0005 } },
    {
      name: "competitor-ratings",
      slice: ["wave", "brand", "attribute"],
      breakdown: breakdownOf,
      figures: { mean: 0.0005, top2: 0.00005 }
    },
    { name: "share-of-preference", slice: ["wave", "brand"], breakdown: breakdownOf, figures: { share: 0.00005 } }
  ] as const;

  /**
   * Every suppressed cell the published rows give away: for each breakdown of each slice, the
   * whole minus the published parts is the hidden part (its count and its figures). A cell
   * that is the whole of its hidden part (no other suppressed cell, nobody in no segment) is
   * undone: the subtraction yields its own figure, within the published rounding.
   */
  function undone(table: (typeof TABLES)[number], published: Record<string, any>[], truth: Record<string, any>[]) {
    const key = (r: Record<string, any>) => table.slice.map((c) => r[c]).join("|");
    const found: string[] = [];
    const slices = new Map<string, Record<string, any>[]>();
    for (const r of published) slices.set(key(r), [...(slices.get(key(r)) ?? []), r]);
    const trueOf = new Map(truth.map((r) => [`${key(r)}|${table.breakdown(r).join("|")}`, r]));
    for (const rows of slices.values()) {
      const whole = rows.find((r) => table.breakdown(r)[0] === "All");
      if (!whole || whole.n === null) continue;
      for (const name of new Set(rows.map((r) => table.breakdown(r)[0]).filter((b) => b !== "All"))) {
        const parts = rows.filter((r) => table.breakdown(r)[0] === name);
        const hidden = parts.filter((r) => r.suppressed);
        const shown = parts.filter((r) => !r.suppressed);
        const hiddenN = whole.n - shown.reduce((sum, r) => sum + r.n, 0);
        for (const [figure, halfUnit] of Object.entries(table.figures)) {
          const estimate = (whole.n * whole[figure] - shown.reduce((sum, r) => sum + r.n * r[figure], 0)) / hiddenN;
          const slack = (halfUnit * (whole.n + shown.reduce((sum, r) => sum + r.n, 0))) / hiddenN;
          for (const r of hidden) {
            const actual = trueOf.get(`${key(r)}|${table.breakdown(r).join("|")}`)!;
            if (actual.n === hiddenN && Math.abs(estimate - actual[figure]) <= slack)
              found.push(`${table.name} ${key(r)} ${table.breakdown(r)}: ${figure}`);
          }
        }
      }
    }
    return found;
  }

  it("suppresses cells at 100, and withholds their counts", async () => {
    for (const table of TABLES) {
      const rows = await tableAt(table.name, 100);
      const suppressed = rows.filter((r) => r.suppressed && table.breakdown(r)[0] !== "All");
      expect(suppressed.length, table.name).toBeGreaterThan(0);
      expect(suppressed.every((r) => r.n === null)).toBe(true);
    }
  });

  it("no suppressed cell can be worked out from the whole and its published siblings", async () => {
    for (const table of TABLES) {
      const [published, truth] = [await tableAt(table.name, 100), await tableAt(table.name, 1)];
      expect(undone(table, published, truth), table.name).toEqual([]);
    }
  });

  it("publishes no comment from a wave's segment of fewer respondents than the minimum", async () => {
    const sizes = await sample
      .db()
      .rows<{ wave: string; segment: string; n: number }>(
        `SELECT wave, segment, count(*)::INTEGER AS n FROM responses GROUP BY ALL`
      );
    const sizeOf = (r: Record<string, any>) => sizes.find((s) => s.wave === r.wave && s.segment === r.segment)!.n;
    const [published, all] = [await tableAt("comments", 100), await tableAt("comments", 1)];
    expect(published.length).toBeGreaterThan(0);
    expect(published.every((r) => sizeOf(r) >= 100)).toBe(true);
    expect(all.some((r) => sizeOf(r) < 100)).toBe(true);
  });

  it("publishes no loyalty group and no revenue at risk counted from fewer respondents than the minimum", async () => {
    const [groups, allGroups] = [await tableAt("loyalty-groups", 100), await tableAt("loyalty-groups", 1)];
    const small = allGroups.filter((g) => g.n < 100).map((g) => g.group);
    for (const g of groups)
      if (small.includes(g.group))
        expect(g).toMatchObject({ n: null, retention: null, revenue: null, suppressed: true });
      else expect(g.suppressed).toBe(false);
    const [risk, allRisk] = [
      (await tableAt("linkage", 100)).find((l) => l.link === 5),
      (await tableAt("linkage", 1)).find((l) => l.link === 5)
    ];
    // The sample's latest wave links 68 detractors: below 100, above 1.
    expect(allRisk).toMatchObject({ n: 68 });
    expect(allRisk!.value).toBeGreaterThan(0);
    expect(risk).toMatchObject({ value: null, n: null });
  });

  it("the same attack undoes suppression by the minimum alone (the attacker is not toothless)", async () => {
    let undoneCells = 0;
    for (const table of TABLES) {
      const truth = await tableAt(table.name, 1);
      // What publishing would have been without complements: cells under 100 nulled, counts kept.
      const primaryOnly = truth.map((r) =>
        r.n < 100
          ? { ...r, ...Object.fromEntries(Object.keys(table.figures).map((f) => [f, null])), suppressed: true }
          : r
      );
      undoneCells += undone(table, primaryOnly, truth).length;
    }
    expect(undoneCells).toBeGreaterThan(0);
  });
});

function segmentOf(r: Record<string, any>): [string, string] {
  return r.segment === "All" ? ["All", "All"] : ["segment", r.segment];
}
function breakdownOf(r: Record<string, any>): [string, string] {
  return [r.breakdown, r.breakdown_value];
}
