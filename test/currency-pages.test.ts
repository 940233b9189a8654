import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatMoney, moneyFormat } from "../src/components/format.js";
import { formatKpi, kpiReading, linkageReading } from "../src/components/readings.js";
import { PROJECT_DIR } from "./support/project.js";

describe("money in the reports' currency", () => {
  it("formats headline and whole amounts in the config's currency", () => {
    expect(formatMoney(9811101.05)).toBe("$9.8M");
    expect(formatMoney(9811101.05, "EUR")).toBe("€9.8M");
    expect(formatMoney(540000, "MXN")).toBe("MX$540K");
    expect(moneyFormat("COP")(1234.4)).toBe("COP\u00a01,234");
    expect(moneyFormat("GBP")(null)).toBe("");
    expect(formatKpi(2e6, "currency", "EUR")).toBe("€2M");
    expect(
      kpiReading(
        { kpi: "revenue", unit: "currency", value: 2e6, quarter: "2025-Q4", change: null, complete: true },
        "EUR"
      )
    ).toBe("Net revenue of €2M in 2025-Q4.");
    expect(linkageReading([{ link: 4, value: -120.4 }], [], "EUR")).toBe(
      "They spent €120 less per customer over those six months."
    );
  });

  // Every page takes the currency from data/report-config.json: none writes one of its own.
  const pages = [
    ...readdirSync(join(PROJECT_DIR, "src"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => join("src", f)),
    join("src", "quarters", "[quarter].md"),
    ...readdirSync(join(PROJECT_DIR, "src", "components"))
      .filter((f) => f.endsWith(".js") && f !== "format.js")
      .map((f) => join("src", "components", f))
  ];
  it.each(pages)("%s writes no currency of its own", (page) => {
    const text = readFileSync(join(PROJECT_DIR, page), "utf-8");
    const hardCoded = [...text.matchAll(/d3\.format\("\$|"\$[,~]|\(\$\)|US dollars|\(USD\)|`\$\$\{/g)].map((m) => m[0]);
    expect(hardCoded).toEqual([]);
  });
});
