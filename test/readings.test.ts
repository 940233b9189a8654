import { describe, expect, it } from "vitest";
import {
  clvCaveat,
  restatementNote,
  formatKpi,
  formatKpiChange,
  headToHeadReading,
  kpiReading,
  valueMapReading,
  whatWhoReading,
  winRateReading
} from "../src/components/readings.js";

describe("the plain-language readings", () => {
  it("valueMapReading(rows, brand) names our zone and the best-value brand", () => {
    const rows = [
      {
        brand: "Us",
        quality_score: 106.3,
        relative_price: 108.2,
        price_basis: "perceived",
        value_distance: -1.3,
        zone: "fair value",
        suppressed: false
      },
      {
        brand: "B",
        quality_score: 92.5,
        relative_price: 88.0,
        price_basis: "perceived",
        value_distance: 6.2,
        zone: "better value",
        suppressed: false
      }
    ];
    expect(valueMapReading(rows, "Us")).toBe(
      "Us offers fair value: a quality score of 106 (100 = the competitors' average) at a relative price of 108 (from price satisfaction). B offers the best value, 6.2 points below the fair-value line."
    );
    expect(valueMapReading([{ brand: "Us", suppressed: true }], "Us")).toBe(
      "Too few respondents rated Us to place it on the value map."
    );
  });

  it("headToHeadReading(rows, competitor) names only significant leads and the net", () => {
    const row = (label: string, gap: number, significant: boolean) => ({
      label,
      gap,
      significant,
      suppressed: false,
      net_weighted_gap: 0.25
    });
    expect(
      headToHeadReading([row("Service", -1.24, true), row("Product quality", 0.9, true), row("Image", 0.1, false)], "B")
    ).toBe(
      "We lead B on product quality by 0.9 points; B leads on service by 1.2 points. Weighted by importance, we are ahead by 0.25 points."
    );
    expect(headToHeadReading([row("Image", 0.1, false)], "B")).toBe(
      "No attribute differs significantly between us and B. Weighted by importance, we are ahead by 0.25 points."
    );
  });

  it("winRateReading(rows, competitor) compares the last quarter with the table's baseline, tested", () => {
    const rows = [
      { quarter: "2023-Q1", competitor: "B", won: 58, lost: 42, win_rate: 0.58, ci_low: 0.48, ci_high: 0.67 },
      { quarter: "2025-Q3", competitor: "B", won: 50, lost: 50, win_rate: 0.5, ci_low: 0.4, ci_high: 0.6 },
      {
        quarter: "2025-Q4",
        competitor: "B",
        won: 40,
        lost: 60,
        win_rate: 0.4,
        ci_low: 0.31,
        ci_high: 0.5,
        previous_quarter: "2025-Q3",
        change: -0.1,
        p_value: 0.1573,
        significant: false
      }
    ];
    // The baseline is the previous quarter with deals (2025-Q3), never the first on record.
    expect(winRateReading(rows, "B")).toBe(
      "Against B we won 40% in 2025-Q4 (95% CI 31%-50%, 100 deals), down 10 points from 50% in 2025-Q3 (within chance, p = 0.16)."
    );
    Object.assign(rows[2]!, { change: -0.18, p_value: 0.0109, significant: true, previous_quarter: "2023-Q1" });
    expect(winRateReading(rows, "B")).toBe(
      "Against B we won 40% in 2025-Q4 (95% CI 31%-50%, 100 deals), down 18 points from 58% in 2023-Q1 (a significant change)."
    );
    expect(winRateReading(rows.slice(0, 1), "B")).toBe("Against B we won 58% in 2023-Q1 (95% CI 48%-67%, 100 deals).");
    expect(winRateReading(rows, "C")).toBe("No deals recorded against C.");
  });

  it("restatementNote says what was published, what the exports say now, and why the model differs", () => {
    const row = {
      restated: true,
      published: 0.9062,
      published_as_of: "2025-09-30",
      published_model: null,
      current: 0.9157,
      current_as_of: "2026-01-05",
      current_model: null
    };
    expect(restatementNote(row, "share")).toBe(
      "Restated: 90.6% when published, with the exports of 2025-09-30; 91.6% with the exports of 2026-01-05."
    );
    const clv = {
      ...row,
      published: 68_170_000,
      current: 67_310_000,
      published_model: "bg-nbd",
      current_model: "pareto-nbd"
    };
    expect(restatementNote(clv, "currency")).toBe(
      "Restated: $68.2M when published, with the exports of 2025-09-30; $67.3M with the exports of 2026-01-05 (the lifetime value model is now Pareto/NBD, was BG/NBD)."
    );
    expect(restatementNote({ ...row, restated: false }, "share")).toBe("");
    expect(restatementNote(undefined, "share")).toBe("");
  });

  it("clvCaveat(all) says how far the holdout check's predictions fell from what happened", () => {
    const all = { model: "pareto-nbd", frequency: "all", customers: 100, actual: 16.49, predicted: 19.32 };
    // $67.31M scaled by 16.49 / 19.32 is $57.45M, shown to three figures.
    expect(clvCaveat(all, { label: "Pareto/NBD", value: 67_310_000 })).toBe(
      "Holdout check of Pareto/NBD, the best of three models: it over-predicted purchases by 17% (19.32 per customer against 16.49); scaled to what happened, about $57.5M. Read this figure as an upper estimate."
    );
    expect(clvCaveat({ ...all, actual: 2, predicted: 2.06 }, { label: "BG/NBD" })).toBe(
      "Holdout check of BG/NBD, the best of three models: it predicted 2.06 purchases per customer where 2.00 happened."
    );
    expect(clvCaveat(undefined)).toBe("");
  });

  it("whatWhoReading(rows) lists the three biggest priorities with their owners", () => {
    const rows = [
      { label: "Price", owner: "Pricing", best_competitor: "B", gap_to_best: -1.2, priority: 0.68 },
      { label: "Service", owner: "Customer service", best_competitor: "C", gap_to_best: -0.4, priority: 0.05 },
      { label: "Quality", owner: "Product", best_competitor: "B", gap_to_best: 0.9, priority: 0 }
    ];
    expect(whatWhoReading(rows)).toBe(
      "Fix first: price (Pricing; B is 1.2 points ahead) and service (Customer service; C is 0.4 points ahead)."
    );
    // Behind, but nothing both significant and measured: not "we lead".
    const behind = rows.map((r) => ({ ...r, priority: 0 }));
    expect(whatWhoReading(behind)).toMatch(/^Nothing to fix first: /);
    expect(whatWhoReading([rows[2]!])).toBe("We lead every competitor on every attribute: nothing to catch up on.");
  });
});

describe("the tracking readings", () => {
  it("competitorReading(rows, brand) names where we lead every competitor and who beats us where", async () => {
    const { competitorReading } = await import("../src/components/readings.js");
    const row = (brand: string, label: string, gap: number, significant: boolean) => ({
      brand,
      label,
      gap,
      significant,
      is_ours: false,
      suppressed: false
    });
    expect(
      competitorReading(
        [
          row("B", "Quality", 0.8, true),
          row("C", "Quality", 0.5, true),
          row("B", "Service", -0.4, true),
          row("C", "Service", 0.1, false)
        ],
        "Us"
      )
    ).toBe(
      "Us is rated significantly above every competitor on quality; it is rated significantly below B on service (by 0.4 points). Tests are paired where respondents rated both brands, Holm-corrected across attributes."
    );
  });

  it("trendsReading(rows, wave) reports only significant changes, and how many were compared", async () => {
    const { trendsReading } = await import("../src/components/readings.js");
    const rows = [
      {
        wave: "2025-Q4",
        brand: "G",
        label: "Service",
        significant_year: true,
        significant_prev: false,
        change_year: 0.68,
        year_ci_low: 0.48,
        year_ci_high: 0.88,
        p_holm_year: 0,
        p_holm_prev: 1
      },
      {
        wave: "2025-Q4",
        brand: "G",
        label: "Price",
        significant_year: false,
        significant_prev: false,
        change_year: 0.1,
        p_holm_year: 1,
        p_holm_prev: 1
      }
    ];
    expect(trendsReading(rows, "2025-Q4")).toBe(
      "G rose 0.7 points on service over the year to 2025-Q4 (95% CI 0.48 to 0.88). No other brand's rating on any attribute changed significantly (2 brand-attribute comparisons, Holm-corrected)."
    );
    expect(trendsReading(rows.slice(1), "2025-Q4")).toBe(
      "No brand's rating on any attribute changed significantly (1 brand-attribute comparison, Holm-corrected)."
    );
  });

  it("formatKpi and formatKpiChange write each unit and change the way the cards show them", () => {
    expect(formatKpi(9811101.05, "currency")).toBe("$9.8M");
    expect(formatKpi(2926, "count")).toBe("2,926");
    expect(formatKpi(0.9035, "share")).toBe("90.4%");
    expect(formatKpi(11.39, "score")).toBe("+11");
    expect(formatKpi(-4.2, "score")).toBe("−4");
    expect(formatKpi(106.26, "index")).toBe("106.3");
    expect(formatKpi(null, "index")).toBe("–");
    const row = {
      kpi: "revenue",
      unit: "currency",
      quarter: "2025-Q4",
      previous_quarter: "2025-Q3",
      change: 0.1241,
      change_kind: "relative",
      significant: null,
      complete: true
    };
    expect(formatKpiChange(row)).toBe("▲ 12.4% vs 2025-Q3");
    expect(formatKpiChange({ ...row, unit: "share", change: -0.0122, change_kind: "difference" })).toBe(
      "▼ 1.2 pts vs 2025-Q3"
    );
    expect(formatKpiChange({ ...row, unit: "index", change: -0.02, change_kind: "difference" })).toBe(
      "■ unchanged vs 2025-Q3"
    );
    expect(formatKpiChange({ ...row, change: null, previous_quarter: null })).toBe("first quarter on record");
  });

  it("kpiReading says what a figure is, how it moved and whether that is beyond noise", () => {
    const base = { quarter: "2025-Q4", previous_quarter: "2025-Q3", wave: "2025-Q4", complete: true };
    expect(
      kpiReading({
        ...base,
        kpi: "revenue",
        unit: "currency",
        value: 9811101.05,
        change: 0.1241,
        change_kind: "relative",
        significant: null
      })
    ).toBe("Net revenue of $9.8M in 2025-Q4 (up 12.4% from 2025-Q3).");
    expect(
      kpiReading({
        ...base,
        kpi: "revenue",
        unit: "currency",
        value: 2e6,
        change: -0.5,
        change_kind: "relative",
        significant: null,
        complete: false
      })
    ).toBe("Net revenue of $2M in 2025-Q4 (down 50.0% from 2025-Q3); the quarter is not over in the export.");
    expect(
      kpiReading({
        ...base,
        kpi: "nps",
        unit: "score",
        value: 11.39,
        change: 6.5,
        change_kind: "difference",
        significant: false
      })
    ).toBe("Net Promoter Score +11 in the 2025-Q4 survey (up 6.5 pts from 2025-Q3, within sampling noise).");
    expect(
      kpiReading({
        ...base,
        kpi: "retention",
        unit: "share",
        value: 0.9157,
        change: -0.0143,
        change_kind: "difference",
        significant: true
      })
    ).toBe(
      "91.6% of the customers active at the start of 2025-Q4 were kept (down 1.4 pts from 2025-Q3, beyond sampling noise)."
    );
    expect(
      kpiReading({
        ...base,
        kpi: "quality",
        unit: "index",
        value: 106.71,
        change: -0.02,
        change_kind: "difference",
        significant: false
      })
    ).toBe("Customers rate our quality at 106.7, where 100 is the competitors' average (unchanged from 2025-Q3).");
    expect(
      kpiReading({
        ...base,
        kpi: "price",
        unit: "index",
        value: 96.2,
        change: null,
        change_kind: null,
        significant: null,
        previous_quarter: null
      })
    ).toBe("Our price is seen at 96.2 against the competitors' 100 (cheaper).");
  });
});
