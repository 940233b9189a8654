import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableOfFolder } from "../loaders/index.js";
import { PROJECT_DIR } from "./support/project.js";

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
