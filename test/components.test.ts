// The site's small helpers that need no browser: URL state and CSV downloads.
import { describe, expect, it } from "vitest";
import { csvCell, tableCsv } from "../src/components/csv.js";
import { tablesNamed } from "../src/components/sql-tables.js";
import { readParam, withParams } from "../src/components/url-state.js";

describe("url-state", () => {
  it("readParam(search, name, allowed) reads a value, only if it is still a valid one", () => {
    expect(readParam("?wave=2025-Q3&segment=All", "wave")).toBe("2025-Q3");
    expect(readParam("?wave=2025-Q3", "segment")).toBeUndefined();
    expect(readParam("?wave=2025-Q3", "wave", ["2025-Q1", "2025-Q3"])).toBe("2025-Q3");
    // A link from before a wave was dropped from the data opens the page's default instead.
    expect(readParam("?wave=2019-Q1", "wave", ["2025-Q1"])).toBeUndefined();
    expect(readParam("?segment=Small%20business", "segment")).toBe("Small business");
    expect(readParam("?group=segment%00Enterprise", "group")).toBe("segment\u0000Enterprise");
  });

  it("withParams(href, params) sets and removes parameters, keeping the others and the hash", () => {
    expect(withParams("http://127.0.0.1:3000/value-map?segment=All#the-numbers", { wave: "2025-Q3" })).toBe(
      "http://127.0.0.1:3000/value-map?segment=All&wave=2025-Q3#the-numbers"
    );
    expect(withParams("http://h/p?wave=2025-Q3&segment=All", { wave: "2025-Q4", segment: null })).toBe(
      "http://h/p?wave=2025-Q4"
    );
    expect(withParams("http://h/p", { change: 0.5, segment: "Small business" })).toBe(
      "http://h/p?change=0.5&segment=Small+business"
    );
    // Round trip through the two.
    const href = withParams("http://h/p", { segment: 'R&D / "Labs"' });
    expect(readParam(new URL(href).search, "segment")).toBe('R&D / "Labs"');
  });
});

describe("CSV downloads", () => {
  it("csvCell neutralizes formulas in text, keeps numbers numeric and quotes per RFC 4180", () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell("+1 202-555-0101")).toBe("'+1 202-555-0101");
    expect(csvCell("-cmd")).toBe("'-cmd");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell(-12.5)).toBe("-12.5");
    expect(csvCell(0)).toBe("0");
    expect(csvCell(null)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell("a, b")).toBe('"a, b"');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell(true)).toBe("true");
  });

  it("tableCsv writes the shown columns with their headers and formats, in order", () => {
    const rows = [
      { brand: "Us", share: 0.381, n: 357, hidden: "x" },
      { brand: "=cmd", share: null, n: 4, hidden: "y" }
    ];
    const csv = tableCsv(rows, {
      columns: ["brand", "share", "n"],
      header: { share: "Share" },
      format: {
        share: (x: number | null) => (x === null ? "suppressed" : `${Math.round(100 * x)}%`),
        n: (x: number, i: number) => (i === 1 ? { textContent: "<5" } : x)
      }
    });
    expect(csv).toBe("brand,Share,n\r\nUs,38%,357\r\n'=cmd,suppressed,<5\r\n");
  });
});

describe("the explore page's tables, loaded when a query names them", () => {
  const names = ["kpis", "revenue_by_quarter", "nps", "won_lost", "won_lost_reasons"];
  it("finds each table named as a whole word, in any case, and no other", () => {
    expect(tablesNamed("SELECT * FROM Revenue_By_Quarter JOIN kpis USING (quarter)", names)).toEqual([
      "kpis",
      "revenue_by_quarter"
    ]);
    expect(tablesNamed("SELECT * FROM won_lost_reasons", names)).toEqual(["won_lost_reasons"]);
    expect(tablesNamed("DESCRIBE nps", names)).toEqual(["nps"]);
    expect(tablesNamed("SELECT 42 AS npsx, 'kpis_2' AS label", names)).toEqual([]);
  });
});
