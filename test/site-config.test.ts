// What the site takes from the data outside the pages: the provenance footer, the quarterly
// review pages, and a methodology that covers every table.
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { precomputeTables, TABLES, tableOfFolder } from "../loaders/index.js";
import { provenanceFooter, provenanceTexts, reviewQuarters } from "../loaders/site/site-config.js";
import { PROJECT_DIR } from "./support/project.js";

describe("provenance and quarterly review pages", () => {
  let dataDir: string;
  let warehouseDir: string;
  const modified = new Date("2025-03-04T05:06:07Z");
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "cva-site-config-"));
    warehouseDir = mkdtempSync(join(tmpdir(), "cva-site-config-wh-"));
    // Line 3 is rejected (no amount); the third order is in a later quarter.
    writeFileSync(
      join(dataDir, "orders.csv"),
      "order_id,customer_id,ordered_at,amount\nO1,C1,2025-01-01,10\nO2,C1,2025-02-01,\nO3,C2,2025-04-02,5\n"
    );
    writeFileSync(join(dataDir, "notes.txt"), "not an export\n");
    writeFileSync(join(dataDir, "cva.config.json"), JSON.stringify({ currency: "EUR" }));
    for (const file of ["orders.csv", "cva.config.json"]) utimesSync(join(dataDir, file), modified, modified);
    await precomputeTables({ dataDir, warehouseDir });
  });
  afterAll(() => [dataDir, warehouseDir].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("the provenance table lists each file with rows, rejects, size and modification time", async () => {
    const rows = (await tableOfFolder(dataDir, "provenance", { warehouseDir })) as Record<string, unknown>[];
    expect(rows).toEqual([
      {
        file: "orders.csv",
        export: "orders",
        rows_read: 3,
        rows_rejected: 1,
        bytes: statSync(join(dataDir, "orders.csv")).size,
        modified_at: "2025-03-04 05:06 UTC",
        data_folder: basename(dataDir),
        config_hash: expect.stringMatching(/^[0-9a-f]{12}$/)
      },
      {
        file: "cva.config.json",
        export: null,
        rows_read: null,
        rows_rejected: null,
        bytes: statSync(join(dataDir, "cva.config.json")).size,
        modified_at: "2025-03-04 05:06 UTC",
        data_folder: basename(dataDir),
        config_hash: rows[0]!.config_hash
      }
    ]);
  });

  it("the footer says when and from what the site was built, links the rejects, and never shows the folder's full path", () => {
    const footer = provenanceFooter({ dataDir, warehouseDir, builtAt: new Date("2026-11-22T08:30:00Z") });
    // The markup without the elements a preview updates by key (data-provenance), whose text it keeps.
    const plain = footer.replace(/<(span|code) data-provenance="[^"]*">([^<]*)<\/\1>/g, (_, tag, text) =>
      tag === "code" ? `<code>${text}</code>` : text
    );
    expect(plain).toContain("Built 2026-11-22 08:30 UTC");
    expect(plain).toContain(`<code>${basename(dataDir)}/</code>`);
    expect(plain).toContain("1 export file, 3 rows");
    expect(plain).toContain('<a href="/data-quality">1 row rejected</a>');
    expect(plain).toMatch(/config <code>[0-9a-f]{12}<\/code>/);
    expect(plain).toContain("<td>orders.csv</td><td>3</td><td>1</td><td>2025-03-04 05:06 UTC</td>");
    // Each figure is the text of the element keyed as a preview updates it.
    const { texts } = provenanceTexts({ dataDir, warehouseDir, builtAt: new Date("2026-11-22T08:30:00Z") });
    for (const [key, text] of Object.entries(texts)) expect(footer).toContain(`data-provenance="${key}">${text}<`);
    expect(texts["read:orders.csv"]).toBe("3");
    expect(footer).not.toContain(dataDir);
  });

  it("every quarter with data gets a review page", () => {
    expect(reviewQuarters({ dataDir, warehouseDir })).toEqual(["2025-Q1", "2025-Q2"]);
  });
});

describe("src/methodology.md", () => {
  it("explains every table of the library by name", () => {
    const page = readFileSync(join(PROJECT_DIR, "src", "methodology.md"), "utf-8");
    expect(TABLES.map((t) => t.name).filter((name) => !page.includes(`\`${name}\``))).toEqual([]);
  });
});
