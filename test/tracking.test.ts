import { csvParse } from "d3-dsv";
import { readFileSync } from "node:fs";
import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { beforeAll, describe, expect, it } from "vitest";
import { ATTRIBUTES, TREND, WAVES } from "../scripts/sample/model.js";
import { yearEarlier } from "../loaders/metrics/tracking/wave-changes.js";
import { useSampleWarehouse } from "./support/sample-warehouse.js";
import { surveyTables } from "./support/survey-folder.js";
import { publicDataset, sharedDataset } from "./support/datasets.js";

const BRAND_RATINGS = sharedDataset("chapman-feit", "rintro-chapter8.csv");
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

/** Two-sided p of Student's t by Simpson integration of its density: independent of stdlib. */
function tTwoSided(t: number, df: number): number {
  const lnGamma = (z: number): number => {
    const g = [
      676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
      -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
    ];
    if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
    let x = 0.99999999999980993;
    for (let i = 0; i < 8; ++i) x += g[i]! / (z - 1 + i + 1);
    const w = z - 1 + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (z - 0.5) * Math.log(w) - w + Math.log(x);
  };
  const c = Math.exp(lnGamma((df + 1) / 2) - lnGamma(df / 2)) / Math.sqrt(df * Math.PI);
  const density = (x: number) => c * Math.pow(1 + (x * x) / df, -(df + 1) / 2);
  const steps = 20000;
  const a = 0;
  const b = Math.abs(t);
  const h = (b - a) / steps;
  let sum = density(a) + density(b);
  for (let i = 1; i < steps; ++i) sum += (i % 2 ? 4 : 2) * density(a + i * h);
  return 1 - 2 * ((sum * h) / 3);
}

describe.skipIf(!BRAND_RATINGS)("competitor ratings of 10 brands on 9 adjectives (Chapman & Feit ch. 8)", () => {
  const rows = BRAND_RATINGS ? csvParse(readFileSync(BRAND_RATINGS, "utf-8")) : [];
  const adjectives = ["perform", "leader", "latest", "fun", "serious", "bargain", "value", "trendy", "rebuy"];
  const brands = [...new Set(rows.map((r) => r.brand!))].sort();
  // Each row is one respondent rating one brand: independent samples.
  const spec = {
    config: {
      brand: brands[0]!,
      competitors: brands.slice(1),
      attributes: adjectives.map((id) => ({ id, label: id, group: "quality", owner: "Marketing" }))
    },
    respondents: rows.map((r) => ({
      scores: { [r.brand!]: Object.fromEntries(adjectives.map((a) => [a, Number(r[a])])) }
    }))
  };
  let tables: Record<"competitor-ratings" | "perceptual-map", Record<string, any>[]>;
  beforeAll(async () => {
    tables = await surveyTables(spec, ["competitor-ratings", "perceptual-map"]);
  });
  const scores = (brand: string, adjective: string) =>
    rows.filter((r) => r.brand === brand).map((r) => Number(r[adjective]));

  it("gives every brand's mean, 95% CI and rank as an independent computation does", () => {
    const all = tables["competitor-ratings"].filter((r) => r.breakdown === "All");
    for (const adjective of adjectives) {
      const means = brands.map((b) => mean(scores(b, adjective)));
      const ranked = [...brands].sort((a, b) => means[brands.indexOf(b)]! - means[brands.indexOf(a)]!);
      for (const [i, brand] of brands.entries()) {
        const row = all.find((r) => r.brand === brand && r.attribute === adjective)!;
        const xs = scores(brand, adjective);
        const half = 1.984217 * (sd(xs) / Math.sqrt(xs.length)); // t(0.975, 99)
        expect(row.n).toBe(100);
        expect(row.mean).toBeCloseTo(means[i]!, 3);
        expect(row.ci_low).toBeCloseTo(means[i]! - half, 3);
        expect(row.ci_high).toBeCloseTo(means[i]! + half, 3);
        expect(row.rank, `${brand} ${adjective}`).toBe(ranked.indexOf(brand) + 1);
        if (i > 0) expect(row.test).toBe("welch"); // nobody rated two brands
      }
    }
  });

  it("explains the same variance on the first two principal components as an SVD of the standardized brand means", () => {
    const means = brands.map((b) => adjectives.map((a) => mean(scores(b, a))));
    const z = new Matrix(means);
    for (let j = 0; j < adjectives.length; ++j) {
      const column = z.getColumn(j);
      z.setColumn(
        j,
        column.map((v) => (v - mean(column)) / sd(column))
      );
    }
    const singular = new SingularValueDecomposition(z).diagonal;
    const total = singular.reduce((s, v) => s + v * v, 0);
    const map = tables["perceptual-map"];
    expect(map[0]!.explained_pc1).toBeCloseTo(singular[0]! ** 2 / total, 4);
    expect(map[0]!.explained_pc2).toBeCloseTo(singular[1]! ** 2 / total, 4);
    expect(map.filter((r) => r.kind === "brand").map((r) => r.name)).toEqual(brands);
    expect(map.filter((r) => r.kind === "attribute").map((r) => r.name)).toEqual(adjectives);
  });
});

describe("paired tests on the fast-food survey (mkt4320/ffattrib.csv: every respondent rates every brand)", () => {
  const rows = csvParse(readFileSync(publicDataset("mkt4320", "ffattrib.csv"), "utf-8"));
  const attributes = ["taste", "speed", "value", "variety", "clean", "conv", "healthy"];
  const brands = [...new Set(rows.map((r) => r.rest!))];
  const ours = "Subway";
  const ids = [...new Set(rows.map((r) => r.id!))];
  const spec = {
    config: {
      brand: ours,
      competitors: brands.filter((b) => b !== ours),
      scales: { rating: { min: 1, max: 5 } },
      attributes: attributes.map((id) => ({ id, label: id, group: "quality", owner: "Ops" }))
    },
    respondents: ids.map((id) => ({
      scores: Object.fromEntries(
        rows
          .filter((r) => r.id === id)
          .map((r) => [r.rest!, Object.fromEntries(attributes.map((a) => [a, Number(r[a])]))])
      )
    }))
  };

  it("tests our gap to each competitor within respondents, with Holm's correction across attributes", async () => {
    const { "competitor-ratings": ratings } = await surveyTables(spec, ["competitor-ratings"]);
    for (const competitor of ["Wendy's", "Chipotle"]) {
      const family = attributes.map((attribute) => {
        const differences = ids.map(
          (id) =>
            Number(rows.find((r) => r.id === id && r.rest === ours)![attribute]) -
            Number(rows.find((r) => r.id === id && r.rest === competitor)![attribute])
        );
        const t = mean(differences) / (sd(differences) / Math.sqrt(differences.length));
        return { attribute, gap: mean(differences), t, p: tTwoSided(t, differences.length - 1) };
      });
      // Holm, by hand: sort, multiply the k-th smallest by (m - k + 1), keep monotone.
      const sorted = [...family].sort((a, b) => a.p - b.p);
      let running = 0;
      const holm = new Map(
        sorted.map((f, k) => [f.attribute, (running = Math.max(running, Math.min(1, (family.length - k) * f.p)))])
      );
      for (const f of family) {
        const row = ratings.find(
          (r) => r.breakdown === "All" && r.brand === competitor && r.attribute === f.attribute
        )!;
        expect(row).toMatchObject({ test: "paired", n_pairs: 40 });
        expect(row.gap).toBeCloseTo(f.gap, 3);
        expect(row.t).toBeCloseTo(f.t, 3);
        expect(row.p_value).toBeCloseTo(f.p, 4);
        expect(row.p_holm).toBeCloseTo(holm.get(f.attribute)!, 4);
        expect(row.significant).toBe(holm.get(f.attribute)! < 0.05);
      }
    }
  });
});

describe("yearEarlier(wave)", () => {
  it("maps quarterly wave labels to the same quarter a year before", () => {
    expect(yearEarlier("2025-Q3")).toBe("2024-Q3");
    expect(yearEarlier("2025-07")).toBeNull();
  });
});

describe("competitor ratings and tracking on the sample data", () => {
  const { rows, context } = useSampleWarehouse();

  it(`flags ${TREND.brand}'s ${TREND.attribute} gain as significant year over year, and no change that was not built in`, async () => {
    const changes = await rows("wave-changes");
    const flagged = changes.filter((r) => r.significant_year || r.significant_prev);
    expect(flagged.length).toBeGreaterThan(0);
    for (const row of flagged) expect(`${row.brand} ${row.attribute}`).toBe(`${TREND.brand} ${TREND.attribute}`);
    const last = changes.find(
      (r) => r.wave === WAVES.at(-1) && r.brand === TREND.brand && r.attribute === TREND.attribute
    )!;
    expect(last.significant_year).toBe(true);
    expect(last.year_ci_low).toBeLessThan(4 * TREND.perWave);
    expect(last.year_ci_high).toBeGreaterThan(4 * TREND.perWave);
    expect(
      changes.filter((r) => r.attribute === "delivery").every((r) => !r.significant_prev && !r.significant_year)
    ).toBe(true);
  });

  it("breaks ratings down by segment and region, ranks brands within each, and suppresses small cells", async () => {
    const ratings = await rows("competitor-ratings");
    expect(new Set(ratings.map((r) => r.breakdown))).toEqual(new Set(["All", "segment", "region"]));
    const pq = ratings.filter(
      (r) => r.wave === WAVES.at(-1) && r.breakdown === "All" && r.attribute === "product_quality"
    );
    expect(pq.find((r) => r.rank === 1)!.brand).toBe("Northwind");
    for (const row of ratings.filter((r) => r.n < context().config!.minCellSize))
      expect(row).toMatchObject({ suppressed: true, mean: null, rank: null });
    expect(ratings.filter((r) => r.breakdown === "All").every((r) => !r.suppressed)).toBe(true);
  });

  it("shares of preference sum to 1 in every wave and breakdown, and we are preferred most", async () => {
    const shares = (await rows("share-of-preference")).filter((r) => !r.suppressed);
    const sums = new Map<string, number>();
    for (const r of shares)
      sums.set(
        `${r.wave} ${r.breakdown} ${r.breakdown_value}`,
        (sums.get(`${r.wave} ${r.breakdown} ${r.breakdown_value}`) ?? 0) + r.share
      );
    for (const [slice, sum] of sums) expect(sum, slice).toBeCloseTo(1, 3);
    const latest = shares
      .filter((r) => r.wave === WAVES.at(-1) && r.breakdown === "All")
      .sort((a, b) => b.share - a.share);
    expect(latest[0]!.brand).toBe("Northwind");
  });

  it("maps the brands in two dimensions, with a loading for every attribute", async () => {
    const map = (await rows("perceptual-map")).filter((r) => r.wave === WAVES.at(-1));
    expect(map.filter((r) => r.kind === "attribute").map((r) => r.name)).toEqual(ATTRIBUTES.map((a) => a.id));
    expect(map[0]!.explained_pc1 + map[0]!.explained_pc2).toBeGreaterThan(0.7);
  });
});
