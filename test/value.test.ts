import { csvParse } from "d3-dsv";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Random } from "../scripts/sample/random.js";
import { holm, meanInterval, pairedTest, welchTest, wilsonInterval } from "../loaders/core/stats/intervals.js";
import { relativeWeights } from "../loaders/core/stats/relative-weights.js";
import { surveyTables } from "./support/survey-folder.js";
import { publicDataset, sharedDataset } from "./support/datasets.js";

const PARK = sharedDataset("chapman-feit", "rintro-chapter7.csv");
const find = (rows: Record<string, unknown>[], match: Record<string, unknown>) =>
  rows.find((r) => Object.entries(match).every(([k, v]) => r[k] === v))!;
const repeat = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));

describe("Gale's worked examples, through ingest and the tables", () => {
  // Yang (2005) tables 5.3 and 5.4, restating Gale (1994): quality weights 40/30/10/5/15 with
  // performance ratios 3.0/2.0/1.5/1.4/2.0 score 232; a weighted price-satisfaction sum of
  // 118.7 gives a relative price of 100 / 118.7 = 84.2.
  const quality = [
    ["q1", 40, 9, 3],
    ["q2", 30, 8, 4],
    ["q3", 10, 6, 4],
    ["q4", 5, 7, 5],
    ["q5", 15, 8, 4]
  ] as const;
  const config = {
    brand: "Us",
    competitors: ["Them"],
    attributes: [
      ...quality.map(([id, weight]) => ({ id, label: id, group: "quality", owner: "Ops", weight })),
      { id: "p1", label: "Price", group: "price", owner: "Pricing", weight: 100 }
    ]
  };
  // 200 respondents: 187 rate our price 6 and 13 rate it 5 (mean 5.935); all rate theirs 5.
  const respondents = repeat(200, (i) => ({
    scores: {
      Us: { ...Object.fromEntries(quality.map(([id, , ours]) => [id, ours])), p1: i < 187 ? 6 : 5 },
      Them: { ...Object.fromEntries(quality.map(([id, , , theirs]) => [id, theirs])), p1: 5 }
    }
  }));

  it("quality score: 40×3.0 + 30×2.0 + 10×1.5 + 5×1.4 + 15×2.0 = 232", async () => {
    const { "quality-profile": profile, "quality-score": scores } = await surveyTables({ config, respondents }, [
      "quality-profile",
      "quality-score"
    ]);
    for (const [id, weight, ours, theirs] of quality) {
      expect(find(profile, { attribute: id, brand: "Us", segment: "All" })).toMatchObject({
        weight,
        weight_source: "config",
        ratio: ours / theirs
      });
    }
    expect(find(scores, { brand: "Us", segment: "All" })).toMatchObject({ score: 232, se: 0, suppressed: false });
  });

  it("relative price: 100 × 100 / 118.7 = 84.2", async () => {
    const { "relative-price": prices } = await surveyTables({ config, respondents }, ["relative-price"]);
    const ours = find(prices, { brand: "Us", segment: "All" });
    expect(ours.price_score).toBe(118.7);
    expect(ours.relative_price).toBeCloseTo(84.2, 1);
    expect(ours.price_basis).toBe("perceived");
  });
});

describe("on the fast-food attribute survey (mkt4320/ffattrib.csv: 40 respondents x 8 restaurants x 7 attributes)", () => {
  const rows = csvParse(readFileSync(publicDataset("mkt4320", "ffattrib.csv"), "utf-8"));
  const attributes = ["taste", "speed", "value", "variety", "clean", "conv", "healthy"];
  const weights = [30, 10, 20, 10, 15, 10, 5];
  const brands = [...new Set(rows.map((r) => r.rest!))];
  const ours = "Subway";
  const config = {
    brand: ours,
    competitors: brands.filter((b) => b !== ours),
    attributes: attributes.map((id, i) => ({ id, label: id, group: "quality", owner: "Ops", weight: weights[i] })),
    scales: { rating: { min: 1, max: 5 }, overall_satisfaction: { min: 1, max: 5 } }
  };
  const ids = [...new Set(rows.map((r) => r.id!))];
  const respondents = ids.map((id) => ({
    satisfaction: Number(rows.find((r) => r.id === id)!.pref),
    scores: Object.fromEntries(
      rows
        .filter((r) => r.id === id)
        .map((r) => [r.rest!, Object.fromEntries(attributes.map((a) => [a, Number(r[a])]))])
    )
  }));

  // Independent computation, straight from the file: means, ratio to the other brands' means, score.
  type Rows = readonly (typeof rows)[number][];
  const meanOf = (subset: Rows, brand: string, attribute: string) => {
    const values = subset.filter((r) => r.rest === brand).map((r) => Number(r[attribute]));
    return values.reduce((a, b) => a + b, 0) / values.length;
  };
  const scoreOf = (subset: Rows, brand: string) =>
    attributes.reduce((sum, a, i) => {
      const others = brands.filter((b) => b !== brand).map((b) => meanOf(subset, b, a));
      return sum + weights[i]! * (meanOf(subset, brand, a) / (others.reduce((x, y) => x + y, 0) / others.length));
    }, 0);

  it("every brand's ratios and quality score match an independent computation", async () => {
    const { "quality-profile": profile, "quality-score": scores } = await surveyTables({ config, respondents }, [
      "quality-profile",
      "quality-score"
    ]);
    for (const brand of brands) {
      for (const attribute of attributes) {
        const others = brands.filter((b) => b !== brand).map((b) => meanOf(rows, b, attribute));
        const ratio = meanOf(rows, brand, attribute) / (others.reduce((a, b) => a + b, 0) / others.length);
        expect(find(profile, { brand, attribute, segment: "All" }).ratio, `${brand} ${attribute}`).toBeCloseTo(
          ratio,
          4
        );
      }
      expect(find(scores, { brand, segment: "All" }).score, brand).toBeCloseTo(scoreOf(rows, brand), 2);
    }
  });

  it("the delta-method standard error of a score agrees with a bootstrap over respondents", async () => {
    const { "quality-score": scores } = await surveyTables({ config, respondents }, ["quality-score"]);
    const random = new Random(7);
    const replicates = repeat(2000, () => {
      const sample = repeat(ids.length, () => ids[random.int(ids.length)]!).flatMap((id) =>
        rows.filter((r) => r.id === id)
      );
      return scoreOf(sample, ours);
    });
    const mean = replicates.reduce((a, b) => a + b, 0) / replicates.length;
    const bootstrapSe = Math.sqrt(replicates.reduce((s, x) => s + (x - mean) ** 2, 0) / (replicates.length - 1));
    const se = find(scores, { brand: ours, segment: "All" }).se as number;
    expect(se / bootstrapSe).toBeGreaterThan(0.85);
    expect(se / bootstrapSe).toBeLessThan(1.15);
  });

  it("head-to-head uses the paired test when the same respondents rated both brands", async () => {
    const { "head-to-head": h2h } = await surveyTables({ config, respondents }, ["head-to-head"]);
    const row = find(h2h, { competitor: "Wendy's", attribute: "taste" });
    const differences = ids.map(
      (id) =>
        Number(rows.find((r) => r.id === id && r.rest === ours)!.taste) -
        Number(rows.find((r) => r.id === id && r.rest === "Wendy's")!.taste)
    );
    const mean = differences.reduce((a, b) => a + b, 0) / differences.length;
    const sd = Math.sqrt(differences.reduce((s, d) => s + (d - mean) ** 2, 0) / (differences.length - 1));
    expect(row).toMatchObject({ test: "paired", n_pairs: 40 });
    expect(row.gap).toBeCloseTo(mean, 3);
    expect(row.t).toBeCloseTo(mean / (sd / Math.sqrt(40)), 3);
  });
});

describe("small cells", () => {
  it("are marked suppressed, with no numbers, and so is every score that needs them", async () => {
    const config = {
      brand: "Us",
      competitors: ["Them"],
      minCellSize: 5,
      attributes: [{ id: "q1", label: "Q1", group: "quality", owner: "Ops", weight: 1 }]
    };
    const respondents = [
      ...repeat(6, () => ({ segment: "Large", scores: { Us: { q1: 8 }, Them: { q1: 6 } } })),
      ...repeat(3, () => ({ segment: "Small", scores: { Us: { q1: 9 }, Them: { q1: 5 } } }))
    ];
    const { "quality-profile": profile, "quality-score": scores } = await surveyTables({ config, respondents }, [
      "quality-profile",
      "quality-score"
    ]);
    const note = "suppressed: fewer than 5 respondents, here or in a cell the totals would give away";
    expect(find(profile, { segment: "Small", brand: "Us" })).toMatchObject({
      n: null,
      mean: null,
      ci_low: null,
      ratio: null,
      suppressed: true,
      note
    });
    expect(find(scores, { segment: "Small", brand: "Us" })).toMatchObject({ score: null, se: null, suppressed: true });
    // All (9) minus Large (6) would be Small's 3 answers: Large is suppressed beside it, and
    // the two together (9 answers) are what the All row publishes anyway.
    expect(find(profile, { segment: "Large", brand: "Us" })).toMatchObject({
      n: null,
      mean: null,
      suppressed: true,
      note
    });
    expect(find(profile, { segment: "All", brand: "Us" })).toMatchObject({ n: 9, mean: 8.333, suppressed: false }); // (6 × 8 + 3 × 9) / 9
  });
});

describe("the one priority list (what-who)", () => {
  it("ranks by measured effect × significant gap, so an attribute that moves nothing never leads", async () => {
    // By construction: satisfaction follows s strongly and m less; z moves nothing. The
    // competitor rates 1 point above us on s and m, 3 points above on z, 1 below on l.
    const random = new Random(11);
    const clamp = (x: number) => Math.max(1, Math.min(10, x));
    const respondents = repeat(300, () => {
      const us = { s: 2 + random.int(6), m: 2 + random.int(6), z: 2 + random.int(5), l: 2 + random.int(7) };
      const noise = random.normal(0, 0.7);
      return {
        satisfaction: clamp(Math.round(1 + 0.6 * us.s + 0.3 * us.m + 0.2 * us.l + noise)),
        scores: { Us: us, Them: { s: us.s + 1, m: us.m + 1, z: us.z + 3, l: us.l - 1 } }
      };
    });
    const attributes = ["s", "m", "z", "l"].map((id) => ({
      id,
      label: id.toUpperCase(),
      group: "quality",
      owner: "Ops"
    }));
    const { "what-who": rows } = await surveyTables(
      { config: { brand: "Us", competitors: ["Them"], attributes }, respondents },
      ["what-who"]
    );
    const row = (id: string) => rows.find((r) => r.attribute === id) as Record<string, any>;
    expect(row("s").priority).toBeGreaterThan(row("m").priority);
    expect(row("m").priority).toBeGreaterThan(0);
    // z: the largest gap of all, but no effect on satisfaction: priority 0, and the reason says so.
    expect(row("z")).toMatchObject({ priority: 0, gap_significant: true });
    expect(row("z").gap_to_best).toBeCloseTo(-3, 6);
    expect(row("z").effect_p).toBeGreaterThan(0.05);
    expect(row("z").reason).toMatch(/^behind; no measured effect \(p = /);
    // l: we lead.
    expect(row("l")).toMatchObject({ priority: 0, reason: "we lead (+1.00)" });
    // priority = importance (% of R²) / 100 × how far we trail.
    expect(row("s").priority).toBeCloseTo((row("s").importance / 100) * 1, 4);
  });
});

describe("drivers from too few respondents", () => {
  it("are not published below minCellSize, and are above it", async () => {
    const random = new Random(5);
    const respondents = repeat(8, () => {
      const q1 = 1 + random.int(10);
      return { satisfaction: q1, scores: { Us: { q1, q2: 1 + random.int(10) }, Them: { q1: 5, q2: 5 } } };
    });
    const attributes = [
      { id: "q1", label: "Q1", group: "quality", owner: "Ops" },
      { id: "q2", label: "Q2", group: "quality", owner: "Ops" }
    ];
    const spec = (minCellSize: number) => ({
      config: { brand: "Us", competitors: ["Them"], minCellSize, attributes },
      respondents
    });
    // 8 complete respondents, 2 predictors: a fit exists (8 > 3), but 8 < 10.
    expect((await surveyTables(spec(10), ["drivers"])).drivers).toEqual([]);
    const published = (await surveyTables(spec(5), ["drivers"])).drivers;
    expect(published.map((d) => [d.wave, d.attribute, d.n])).toEqual([
      ["2025-Q1", "q1", 8],
      ["2025-Q1", "q2", 8],
      ["All waves", "q1", 8],
      ["All waves", "q2", 8]
    ]);
  });
});

describe("attribute weights", () => {
  const attributes = [
    { id: "q1", label: "Q1", group: "quality", owner: "Ops" },
    { id: "q2", label: "Q2", group: "quality", owner: "Ops" }
  ];
  const random = new Random(3);
  // Satisfaction driven by q1 only, so derived weights favour q1.
  const respondents = repeat(60, () => {
    const q1 = 1 + random.int(10);
    const q2 = 1 + random.int(10);
    return {
      satisfaction: Math.max(1, Math.min(10, Math.round(q1 + random.normal(0, 1)))),
      scores: { Us: { q1, q2 }, Them: { q1: 5, q2: 5 } }
    };
  });

  it("come from stated importance when the survey has it, normalized to 100", async () => {
    const importance = repeat(60, () => ({ q1: 9, q2: 3 }));
    const { "quality-profile": profile } = await surveyTables(
      { config: { brand: "Us", competitors: ["Them"], attributes }, respondents, importance },
      ["quality-profile"]
    );
    expect(find(profile, { attribute: "q1", brand: "Us", segment: "All" })).toMatchObject({
      weight: 75,
      weight_source: "stated"
    });
    expect(find(profile, { attribute: "q2", brand: "Us", segment: "All" })).toMatchObject({
      weight: 25,
      weight_source: "stated"
    });
  });

  it("are derived from key-driver analysis (relative weights) without stated or configured ones", async () => {
    const { "quality-profile": profile } = await surveyTables(
      { config: { brand: "Us", competitors: ["Them"], attributes }, respondents },
      ["quality-profile"]
    );
    const q1 = find(profile, { attribute: "q1", brand: "Us", segment: "All" });
    const q2 = find(profile, { attribute: "q2", brand: "Us", segment: "All" });
    expect(q1.weight_source).toBe("derived");
    expect((q1.weight as number) + (q2.weight as number)).toBeCloseTo(100, 1);
    expect(q1.weight as number).toBeGreaterThan(90);
  });
});

describe("relativeWeights(rxx, rxy)", () => {
  it.skipIf(!PARK)("sums to the R² of the published amusement-park regression (Chapman & Feit ch. 7: 0.5586)", () => {
    const park = csvParse(readFileSync(PARK!, "utf-8"));
    const columns = ["rides", "games", "wait", "clean"];
    const values = (c: string) => park.map((r) => Number(r[c]));
    const corr = (a: number[], b: number[]) => {
      const ma = a.reduce((x, y) => x + y, 0) / a.length;
      const mb = b.reduce((x, y) => x + y, 0) / b.length;
      const cov = a.reduce((s, x, i) => s + (x - ma) * (b[i]! - mb), 0);
      return cov / Math.sqrt(a.reduce((s, x) => s + (x - ma) ** 2, 0) * b.reduce((s, x) => s + (x - mb) ** 2, 0));
    };
    const rxx = columns.map((a) => columns.map((b) => corr(values(a), values(b))));
    const rxy = columns.map((a) => corr(values(a), values("overall")));
    const { weights, rSquared } = relativeWeights(rxx, rxy);
    expect(rSquared).toBeCloseTo(0.5586, 4);
    expect(weights.every((w) => w > 0)).toBe(true);
  });

  it("gives an uncorrelated predictor's weight as its squared correlation", () => {
    const { weights, rSquared } = relativeWeights(
      [
        [1, 0],
        [0, 1]
      ],
      [0.6, 0.3]
    );
    expect(weights[0]).toBeCloseTo(0.36, 10);
    expect(weights[1]).toBeCloseTo(0.09, 10);
    expect(rSquared).toBeCloseTo(0.45, 10);
  });
});

describe("intervals and tests", () => {
  it("wilsonInterval(k, n) matches the published example (Newcombe 1998: 81/263 -> 0.2553-0.3662)", () => {
    const interval = wilsonInterval(81, 263)!;
    expect(interval.low).toBeCloseTo(0.2553, 4);
    expect(interval.high).toBeCloseTo(0.3662, 4);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it("meanInterval uses Student's t: n = 10, sd = 1 gives ± 2.262 / √10", () => {
    const interval = meanInterval(5, 1, 10)!;
    expect(interval.high - 5).toBeCloseTo(2.2622 / Math.sqrt(10), 4);
    expect(meanInterval(5, 1, 1)).toBeNull();
  });

  it("welchTest and pairedTest give the textbook t, df and two-sided p", () => {
    const welch = welchTest(5, 2, 20, 4, 3, 30)!;
    const se = Math.sqrt(4 / 20 + 9 / 30);
    expect(welch.t).toBeCloseTo(1 / se, 10);
    expect(welch.df).toBeCloseTo((4 / 20 + 9 / 30) ** 2 / ((4 / 20) ** 2 / 19 + (9 / 30) ** 2 / 29), 10);
    expect(pairedTest(2.228 * (1 / Math.sqrt(11)), 1, 11)!.p).toBeCloseTo(0.05, 3); // t(0.975, 10) = 2.228
  });

  it("holm(p) multiplies the k-th smallest by (m - k + 1) and keeps the order monotone", () => {
    expect(holm([0.01, 0.04, 0.03, null])).toEqual([0.03, 0.06, 0.06, null]);
  });
});

describe("the value map with actual prices", () => {
  it("uses 100 × price / mean competitor price, and the signed distance to the fair-value line", async () => {
    // Quality ratios 8/5 = 1.6 (Us) and 5/8 = 0.625 (Them) on one attribute: scores 160 and 62.5.
    // Prices 120 and 100: relative price 120 (Us), 83.33 (Them). Slope 2, band 10:
    // Us: d = (2 × 60 - 20) / √5 = 44.72 -> better value; Them: (2 × -37.5 + 16.67) / √5 = -26.09 -> worse.
    const config = {
      brand: "Us",
      competitors: ["Them"],
      prices: { Us: 120, Them: 100 },
      fairValue: { slope: 2, band: 10 },
      attributes: [{ id: "q", label: "Q", group: "quality", owner: "Ops", weight: 1 }]
    };
    const respondents = repeat(12, () => ({ scores: { Us: { q: 8 }, Them: { q: 5 } } }));
    const { "value-map": map } = await surveyTables({ config, respondents }, ["value-map"]);
    expect(find(map, { brand: "Us", segment: "All" })).toMatchObject({
      quality_score: 160,
      relative_price: 120,
      price_basis: "actual",
      value_distance: 44.72,
      zone: "better value",
      suppressed: false
    });
    expect(find(map, { brand: "Them", segment: "All" })).toMatchObject({
      quality_score: 62.5,
      relative_price: 83.33,
      value_distance: -26.09,
      zone: "worse value"
    });
  });
});

describe("brand-comparison: our NPS and quality against each competitor's, within the respondents who rated both", () => {
  // 40 respondents rate us and A; 6 of them also rate B (below the minimum cell of 10).
  // Quality, weights q1 60 / q2 40: ours 0.6×8 + 0.4×6 = 7.2 for everyone; A's 0.6×6 + 0.4×6 =
  // 6.0 for the even respondents, 0.6×7 + 0.4×6 = 6.6 for the odd: differences 1.2 and 0.6,
  // mean 0.9, theirs 6.3. NPS: ours 10 (promoter) for the first 20 and 5 (detractor) for the
  // rest, NPS 0; A's 3 (detractor) for the first 30 and 8 (passive) for the rest, NPS −75.
  // Per respondent +100 − (−100) = 200 (20 of them), −100 − (−100) = 0 (10), −100 − 0 = −100
  // (10): mean 75 = 0 − (−75), sample sd √(675000 / 39) = 131.56.
  const config = {
    brand: "Us",
    competitors: ["A", "B"],
    attributes: [
      { id: "q1", label: "q1", group: "quality", owner: "Ops", weight: 60 },
      { id: "q2", label: "q2", group: "quality", owner: "Ops", weight: 40 }
    ]
  };
  const respondents = repeat(40, (i) => ({
    scores: {
      Us: { q1: 8, q2: 6 },
      A: { q1: i % 2 ? 7 : 6, q2: 6 },
      ...(i < 6 ? { B: { q1: 5, q2: 5 } } : {})
    },
    recommend: { Us: i < 20 ? 10 : 5, A: i < 30 ? 3 : 8, ...(i < 6 ? { B: 9 } : {}) }
  }));

  it("tests each difference by a paired t test and suppresses a competitor rated by too few", async () => {
    const { "brand-comparison": rows } = await surveyTables({ config, respondents }, ["brand-comparison"]);
    const nps = find(rows, { measure: "nps", competitor: "A" });
    const sd = Math.sqrt(675000 / 39);
    const npsTest = pairedTest(75, sd, 40)!;
    const npsInterval = meanInterval(75, sd, 40)!;
    expect(nps).toMatchObject({ wave: "2025-Q1", unit: "NPS points", n: 40, ours: 0, theirs: -75, difference: 75 });
    expect(nps.ci_low).toBeCloseTo(npsInterval.low, 2);
    expect(nps.ci_high).toBeCloseTo(npsInterval.high, 2);
    expect(nps.p_value).toBeCloseTo(npsTest.p, 6);
    expect(npsTest.p).toBeLessThan(0.001);
    // B's six pairs are published as nothing but the fact of suppression.
    expect(find(rows, { measure: "nps", competitor: "B" })).toMatchObject({
      n: null,
      ours: null,
      difference: null,
      p_value: null,
      suppressed: true
    });
    // Holm over the one competitor with a test leaves its p-value as it is.
    expect(nps.p_holm).toBe(nps.p_value);
    expect(nps.significant).toBe(true);

    const quality = find(rows, { measure: "quality", competitor: "A" });
    const qualitySd = 0.3 * Math.sqrt(40 / 39);
    expect(quality).toMatchObject({ unit: "rating points", n: 40, ours: 7.2, theirs: 6.3, difference: 0.9 });
    expect(quality.p_value).toBeCloseTo(pairedTest(0.9, qualitySd, 40)!.p, 6);
    expect(quality.ci_low).toBeCloseTo(meanInterval(0.9, qualitySd, 40)!.low, 3);
    expect(find(rows, { measure: "quality", competitor: "B" }).suppressed).toBe(true);
  });
});

describe("value-factors: per segment, with the sixth factor, overall value", () => {
  // Segments A and B of 12 respondents each, C of 3 (below the minimum cell of 10). Product
  // (q1, weight 100): we rate 8 in A and 6 in B and C, the competitor 4 everywhere.
  // Perceived value: 6 in A, 4 in B, 5 in C.
  const config = {
    brand: "Us",
    competitors: ["Them"],
    attributes: [{ id: "q1", label: "q1", group: "quality", owner: "Ops", weight: 100, factor: "product" }]
  };
  const respondents = repeat(27, (i) => {
    const segment = i < 12 ? "A" : i < 24 ? "B" : "C";
    return {
      segment,
      satisfaction: 7,
      perceivedValue: segment === "A" ? 6 : segment === "B" ? 4 : 5,
      scores: { Us: { q1: segment === "A" ? 8 : 6 }, Them: { q1: 4 } }
    };
  });

  it("scores each factor per segment, and overall value from the perceived value question", async () => {
    const { "value-factors": rows } = await surveyTables({ config, respondents }, ["value-factors"]);
    // B: 100 × 6 / 4 = 150. All: our mean (12×8 + 15×6) / 27 = 6.889, ratio 6.889 / 4.
    expect(find(rows, { segment: "B", brand: "Us", factor: "product" })).toMatchObject({
      mean: 6,
      score: 150,
      suppressed: false
    });
    expect(find(rows, { segment: "All", brand: "Us", factor: "product" })).toMatchObject({
      mean: 6.889,
      score: round2((100 * (12 * 8 + 15 * 6)) / 27 / 4)
    });
    // Overall: (12×6 + 12×4 + 3×5) / 27 = 5; B 4; ours only, with no score.
    expect(find(rows, { segment: "All", factor: "overall" })).toMatchObject({
      brand: "Us",
      attributes: 0,
      mean: 5,
      score: null
    });
    expect(find(rows, { segment: "B", factor: "overall" }).mean).toBe(4);
    expect(rows.filter((r) => r.factor === "overall" && r.brand === "Them")).toEqual([]);
    // C is too small, and A (the first of the equal siblings) is suppressed with it, else C
    // would follow from All − A − B.
    for (const segment of ["A", "C"]) {
      expect(find(rows, { segment, factor: "overall" })).toMatchObject({ mean: null, suppressed: true });
      expect(find(rows, { segment, brand: "Us", factor: "product" })).toMatchObject({
        mean: null,
        score: null,
        suppressed: true
      });
    }
  });
});

const round2 = (x: number) => Math.round(100 * x) / 100;
