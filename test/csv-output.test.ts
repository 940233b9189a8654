import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTableOfFolder } from "../loaders/index.js";

describe("CSV output of a table (cva table --format csv, the site's CSV files)", () => {
  it("neutralizes cells a spreadsheet would run as formulas, and keeps negative numbers numeric", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cva-csv-out-"));
    const warehouseDir = mkdtempSync(join(tmpdir(), "cva-csv-out-wh-"));
    try {
      // Line 3's amount is text a spreadsheet would evaluate; the rejects table quotes it back.
      writeFileSync(
        join(dir, "orders.csv"),
        'order_id,customer_id,ordered_at,amount\nO1,C1,2025-01-01,-12.50\nO2,C1,2025-01-02,"=HYPERLINK(""http://x"")"\nO3,C2,2025-01-03,5\n'
      );
      const out = join(dir, "rejects.out.csv");
      await writeTableOfFolder(dir, "rejects", "csv", { out }, { warehouseDir });
      // The message starts with a quotation mark: no formula, left as it is.
      expect(readFileSync(out, "utf-8")).toContain(
        `orders.csv,3,amount,"'=HYPERLINK(""http://x"")",not-a-number,"""=HYPERLINK`
      );
      const revenue = join(dir, "revenue.out.csv");
      await writeTableOfFolder(dir, "revenue-by-quarter", "csv", { out: revenue }, { warehouseDir });
      expect(readFileSync(revenue, "utf-8").split("\n")[1]).toMatch(/^2025-Q1,-7\.5,/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(warehouseDir, { recursive: true, force: true });
    }
  });
});
