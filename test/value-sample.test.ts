import { csvParse } from "d3-dsv";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ATTRIBUTES, COMPETITORS, OUR_BRAND, TREND, WAVES } from "../scripts/sample/model.js";
import { TABLES } from "../loaders/metrics/registry.js";
import { PROJECT_DIR } from "./support/project.js";
import { useSampleWarehouse } from "./support/sample-warehouse.js";

// The customer value tables on the sample data recover what docs/sample-data.md says the
// generator built in (the model's parameters are imported, not restated).
describe("customer value analysis of the sample data", () => {
  const { rows } = useSampleWarehouse();
  const first = WAVES[0];
  const last = WAVES.at(-1)!;

  it("every table's rows have exactly its declared columns, in order", async () => {
    for (const table of TABLES) {
      const result = await rows(table.name);
      if (table.kind !== "query") expect(result.length, table.name).toBeGreaterThan(0);
      if (result.length) expect(Object.keys(result[0]!), table.name).toEqual(table.columns.map(([name]) => name));
    }
  });

  it("weights come from stated importance and sum to 100 per wave and group", async () => {
    const profile = await rows("quality-profile");
    for (const wave of WAVES) {
      const ours = profile.filter((r) => r.wave === wave && r.segment === "All" && r.is_ours);
      expect(ours.every((r) => r.weight_source === "stated")).toBe(true);
      expect(ours.reduce((s, r) => s + r.weight, 0)).toBeCloseTo(100, 1);
    }
  });

  it(`shows ${TREND.brand} gaining on ${TREND.attribute}: behind us in the first wave, ahead in the last, both significant`, async () => {
    const h2h = (await rows("head-to-head")).filter(
      (r) => r.competitor === TREND.brand && r.attribute === TREND.attribute
    );
    const start = h2h.find((r) => r.wave === first)!;
    const end = h2h.find((r) => r.wave === last)!;
    const model = ATTRIBUTES.find((a) => a.id === TREND.attribute)!.means;
    expect(start.gap).toBeCloseTo(model[OUR_BRAND] - model[TREND.brand], 0);
    expect(end.gap).toBeCloseTo(model[OUR_BRAND] - model[TREND.brand] - TREND.perWave * (WAVES.length - 1), 0);
    expect(start).toMatchObject({ test: "paired", significant: true });
    expect(end.gap).toBeLessThan(0);
    expect(end.significant).toBe(true);
    const profile = (await rows("quality-profile")).filter(
      (r) => r.brand === TREND.brand && r.attribute === TREND.attribute && r.segment === "All"
    );
    expect(profile.find((r) => r.wave === last)!.ratio - profile.find((r) => r.wave === first)!.ratio).toBeGreaterThan(
      0.1
    );
  });

  it("has us leading every competitor on product quality in every wave, significantly", async () => {
    const h2h = (await rows("head-to-head")).filter((r) => r.attribute === "product_quality");
    expect(h2h).toHaveLength(WAVES.length * COMPETITORS.length);
    for (const row of h2h) expect(row, `${row.wave} ${row.competitor}`).toMatchObject({ significant: true });
    for (const row of h2h) expect(row.gap).toBeGreaterThan(0);
  });

  it("puts Fabrikam, the cheapest, at the lowest relative price and us above parity", async () => {
    const prices = (await rows("relative-price")).filter((r) => r.segment === "All");
    for (const wave of WAVES) {
      const inWave = prices.filter((r) => r.wave === wave).sort((a, b) => a.relative_price - b.relative_price);
      expect(inWave[0]!.brand).toBe("Fabrikam");
      expect(inWave.find((r) => r.is_ours)!.relative_price).toBeGreaterThan(100);
    }
  });

  it("ranks price first on the what/who list, owned by Pricing, with Fabrikam the best", async () => {
    const latest = (await rows("what-who")).filter((r) => r.wave === last).sort((a, b) => b.priority - a.priority);
    expect(latest[0]).toMatchObject({ attribute: "price", owner: "Pricing", best_competitor: "Fabrikam" });
  });

  it("shows our win rate against Globex falling as its service improves", async () => {
    const globex = (await rows("won-lost")).filter((r) => r.competitor === "Globex");
    const year = (y: string) => {
      const q = globex.filter((r) => r.quarter.startsWith(y));
      return q.reduce((s, r) => s + r.won, 0) / q.reduce((s, r) => s + r.won + r.lost, 0);
    };
    expect(year("2023") - year("2025")).toBeGreaterThan(0.1);
    const lost = (await rows("won-lost-reasons")).filter((r) => r.competitor === "Globex" && r.outcome === "lost");
    expect(lost[0]!.reason).toBe("Service");
  });

  it("compares each quarter's win rate with the previous quarter of deals, by a two-proportion test", async () => {
    // Counted from opportunities.csv: All deals closed in 2025-Q3 and 2025-Q4.
    const deals = csvParse(readFileSync(join(PROJECT_DIR, "data", "opportunities.csv"), "utf-8"));
    const count = (from: string, to: string, outcome: string) =>
      deals.filter((d) => d.closed_at! >= from && d.closed_at! < to && d.outcome === outcome).length;
    const [won, lost] = [count("2025-10-01", "2026-01-01", "won"), count("2025-10-01", "2026-01-01", "lost")];
    const [wonBefore, lostBefore] = [
      count("2025-07-01", "2025-10-01", "won"),
      count("2025-07-01", "2025-10-01", "lost")
    ];
    const row = (await rows("won-lost")).find((r) => r.quarter === "2025-Q4" && r.competitor === "All deals")!;
    expect([row.won, row.lost]).toEqual([won, lost]);
    // z on the pooled share, by hand.
    const pooled = (won + wonBefore) / (won + lost + wonBefore + lostBefore);
    const z =
      (won / (won + lost) - wonBefore / (wonBefore + lostBefore)) /
      Math.sqrt(pooled * (1 - pooled) * (1 / (won + lost) + 1 / (wonBefore + lostBefore)));
    expect(row.previous_quarter).toBe("2025-Q3");
    expect(row.change).toBeCloseTo(won / (won + lost) - wonBefore / (wonBefore + lostBefore), 4);
    expect(row.significant).toBe(Math.abs(z) > 1.959964);
    expect(row.change_ci_low).toBeLessThan(row.change);
    expect(row.change_ci_high).toBeGreaterThan(row.change);
    const first = (await rows("won-lost")).find((r) => r.quarter === "2023-Q1" && r.competitor === "All deals")!;
    expect(first).toMatchObject({ previous_quarter: null, change: null, significant: null });
  });

  it("places the key events on the timeline with our score and win rate of their quarter", async () => {
    const events = await rows("key-events");
    const launch = events.find((e) => e.brand === "Globex")!;
    expect(launch).toMatchObject({ date: "2024-01-15", quarter: "2024-Q1" });
    expect(launch.our_quality_score).toBeGreaterThan(100);
    expect(launch.win_rate).toBeGreaterThan(0);
  });
});
