import { describe, expect, it } from "vitest";
import { headToHeadReading, valueMapReading, whatWhoReading, winRateReading } from "../src/components/readings.js";

describe("the plain-language readings", () => {
  it("valueMapReading(rows, brand) names our zone and the best-value brand", () => {
    const rows = [
      { brand: "Us", quality_score: 106.3, relative_price: 108.2, price_basis: "perceived", value_distance: -1.3, zone: "fair value", suppressed: false },
      { brand: "B", quality_score: 92.5, relative_price: 88.0, price_basis: "perceived", value_distance: 6.2, zone: "better value", suppressed: false }
    ];
    expect(valueMapReading(rows, "Us")).toBe(
      "Us offers fair value: a quality score of 106 (100 = the competitors' average) at a relative price of 108 (from price satisfaction). B offers the best value, 6.2 points below the fair-value line.");
    expect(valueMapReading([{ brand: "Us", suppressed: true }], "Us")).toBe("Too few respondents rated Us to place it on the value map.");
  });

  it("headToHeadReading(rows, competitor) names only significant leads and the net", () => {
    const row = (label: string, gap: number, significant: boolean) => ({ label, gap, significant, suppressed: false, net_weighted_gap: 0.25 });
    expect(headToHeadReading([row("Service", -1.24, true), row("Product quality", 0.9, true), row("Image", 0.1, false)], "B")).toBe(
      "We lead B on product quality by 0.9 points; B leads on service by 1.2 points. Weighted by importance, we are ahead by 0.25 points.");
    expect(headToHeadReading([row("Image", 0.1, false)], "B")).toBe("No attribute differs significantly between us and B. Weighted by importance, we are ahead by 0.25 points.");
  });

  it("winRateReading(rows, competitor) compares the last quarter with the first", () => {
    const rows = [
      { quarter: "2023-Q1", competitor: "B", won: 58, lost: 42, win_rate: 0.58, ci_low: 0.48, ci_high: 0.67 },
      { quarter: "2025-Q4", competitor: "B", won: 40, lost: 60, win_rate: 0.4, ci_low: 0.31, ci_high: 0.47 }
    ];
    expect(winRateReading(rows, "B")).toBe("Against B we won 40% in 2025-Q4 (95% CI 31%-47%, 100 deals), down from 58% in 2023-Q1.");
    rows[1]!.ci_high = 0.5;
    expect(winRateReading(rows, "B")).toBe(
      "Against B we won 40% in 2025-Q4 (95% CI 31%-50%, 100 deals), down from 58% in 2023-Q1 (the intervals overlap: treat the change with caution).");
    expect(winRateReading(rows, "C")).toBe("No deals recorded against C.");
  });

  it("whatWhoReading(rows) lists the three biggest priorities with their owners", () => {
    const rows = [
      { label: "Price", owner: "Pricing", best_competitor: "B", gap_to_best: -1.2, priority: 0.68 },
      { label: "Service", owner: "Customer service", best_competitor: "C", gap_to_best: -0.4, priority: 0.05 },
      { label: "Quality", owner: "Product", best_competitor: "B", gap_to_best: 0.9, priority: 0 }
    ];
    expect(whatWhoReading(rows)).toBe("Fix first: price (Pricing; B is 1.2 points ahead) and service (Customer service; C is 0.4 points ahead).");
  });
});

describe("the tracking readings", () => {
  it("competitorReading(rows, brand) names where we lead every competitor and who beats us where", async () => {
    const { competitorReading } = await import("../src/components/readings.js");
    const row = (brand: string, label: string, gap: number, significant: boolean) => ({ brand, label, gap, significant, is_ours: false, suppressed: false });
    expect(competitorReading([row("B", "Quality", 0.8, true), row("C", "Quality", 0.5, true), row("B", "Service", -0.4, true), row("C", "Service", 0.1, false)], "Us")).toBe(
      "Us is rated significantly above every competitor on quality; it is rated significantly below B on service (by 0.4 points). Tests are paired where respondents rated both brands, Holm-corrected across attributes.");
  });

  it("trendsReading(rows, wave) reports only significant changes, and how many were compared", async () => {
    const { trendsReading } = await import("../src/components/readings.js");
    const rows = [
      { wave: "2025-Q4", brand: "G", label: "Service", significant_year: true, significant_prev: false, change_year: 0.68, year_ci_low: 0.48, year_ci_high: 0.88, p_holm_year: 0, p_holm_prev: 1 },
      { wave: "2025-Q4", brand: "G", label: "Price", significant_year: false, significant_prev: false, change_year: 0.1, p_holm_year: 1, p_holm_prev: 1 }
    ];
    expect(trendsReading(rows, "2025-Q4")).toBe(
      "G rose 0.7 points on service over the year to 2025-Q4 (95% CI 0.48 to 0.88). No other brand's rating on any attribute changed significantly (2 brand-attribute comparisons, Holm-corrected).");
    expect(trendsReading(rows.slice(1), "2025-Q4")).toBe("No brand's rating on any attribute changed significantly (1 brand-attribute comparison, Holm-corrected).");
  });
});
