import { csvParse } from "d3-dsv";
import { inverse, Matrix } from "ml-matrix";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { npsInterval, stratifiedProportionTest, twoProportionTest } from "../loaders/core/stats/intervals.js";
import { ATTRIBUTES } from "../scripts/sample/model.js";
import { useSampleWarehouse } from "./support/sample-warehouse.js";
import { surveyTables } from "./support/survey-folder.js";
import { sharedDataset } from "./support/datasets.js";
import { PROJECT_DIR } from "./support/project.js";
import { sampleExports } from "./support/sample-exports.js";

const PARK = sharedDataset("chapman-feit", "rintro-chapter7.csv");

describe.skipIf(!PARK)("drivers on the amusement-park survey (Chapman & Feit, ch. 7)", () => {
  // Converted into the contract: one "brand" (the park) rated on four attributes, overall
  // satisfaction as the outcome; all on a 0-100 scale.
  const park = PARK ? csvParse(readFileSync(PARK, "utf-8")) : [];
  const attributes = ["rides", "games", "wait", "clean"];
  const spec = {
    config: {
      brand: "Park",
      competitors: ["Other"],
      attributes: attributes.map((id) => ({ id, label: id, group: "quality", owner: "Operations" })),
      scales: { rating: { min: 0, max: 100 }, overall_satisfaction: { min: 0, max: 100 } }
    },
    respondents: park.map((r) => ({
      satisfaction: Number(r.overall),
      scores: { Park: Object.fromEntries(attributes.map((a) => [a, Number(r[a])])) }
    }))
  };

  it("reproduces the published OLS fit to 5 decimals, and the shares of R² sum to it", async () => {
    const { drivers } = await surveyTables(spec, ["drivers"]);
    const pooled = drivers.filter((d) => d.wave === "All waves");
    const coefficient = (a: string) => pooled.find((d) => d.attribute === a)!.coefficient as number;
    expect(pooled[0]!.intercept).toBeCloseTo(-131.40919, 5);
    expect(coefficient("rides")).toBeCloseTo(0.52908, 5);
    expect(coefficient("games")).toBeCloseTo(0.15334, 5);
    expect(coefficient("wait")).toBeCloseTo(0.55333, 5);
    expect(coefficient("clean")).toBeCloseTo(0.98421, 5);
    const rSquared = pooled[0]!.r_squared as number;
    expect(rSquared).toBeCloseTo(0.5586, 4);
    expect(pooled.reduce((s, d) => s + (d.relative_weight as number), 0)).toBeCloseTo(rSquared, 6);
    expect(pooled.reduce((s, d) => s + (d.shapley as number), 0)).toBeCloseTo(rSquared, 6);
    expect(pooled.map((d) => d.n)).toEqual([500, 500, 500, 500]);
  });

  it("gives each coefficient its HC3 standard error, as the sandwich computed row by row", async () => {
    const { drivers } = await surveyTables(spec, ["drivers"]);
    const pooled = drivers.filter((d) => d.wave === "All waves");
    // HC3 from the 500 rows directly: (Z'Z)⁻¹ Z' diag(e² / (1 − h)²) Z (Z'Z)⁻¹.
    const z = new Matrix(park.map((r) => [1, ...attributes.map((a) => Number(r[a]))]));
    const y = Matrix.columnVector(park.map((r) => Number(r.overall)));
    const a = inverse(z.transpose().mmul(z));
    const b = a.mmul(z.transpose()).mmul(y);
    const e = y.clone().sub(z.mmul(b));
    const omega = Matrix.zeros(park.length, park.length);
    park.forEach((_, i) => {
      const zi = z.getRowVector(i);
      const h = zi.mmul(a).mmul(zi.transpose()).get(0, 0);
      omega.set(i, i, e.get(i, 0) ** 2 / (1 - h) ** 2);
    });
    const covariance = a.mmul(z.transpose()).mmul(omega).mmul(z).mmul(a);
    attributes.forEach((attribute, j) => {
      const row = pooled.find((d) => d.attribute === attribute)!;
      const se = Math.sqrt(covariance.get(j + 1, j + 1));
      expect(row.se).toBeCloseTo(se, 5);
      // 95% t interval on n − p − 1 = 495 degrees of freedom (t = 1.964768).
      expect(row.ci_low).toBeCloseTo((row.coefficient as number) - 1.964768 * se, 4);
      expect(row.ci_high).toBeCloseTo((row.coefficient as number) + 1.964768 * se, 4);
    });
    // Cleanliness is a clear driver; games (0.153) is the weakest of the four.
    expect(pooled.find((d) => d.attribute === "clean")!.p_value).toBeLessThan(1e-6);
    expect(pooled.find((d) => d.attribute === "games")!.p_value).toBeGreaterThan(
      pooled.find((d) => d.attribute === "clean")!.p_value as number
    );
  });
});

describe("twoProportionTest(k1, n1, k2, n2)", () => {
  it("reproduces Agresti's aspirin example (CDA 3rd ed., §2.2): a difference of 0.0077, z = 5.0", () => {
    // Physicians' Health Study: heart attacks 189 of 11,034 on placebo, 104 of 11,037 on aspirin.
    const test = twoProportionTest(189, 11034, 104, 11037)!;
    expect(test.difference).toBeCloseTo(0.0077, 4);
    expect(test.z).toBeCloseTo(5.0, 2);
    expect(test.p).toBeLessThan(1e-6);
    expect(twoProportionTest(5, 10, 5, 10)).toMatchObject({ difference: 0, z: 0, p: 1 });
    expect(twoProportionTest(1, 0, 1, 2)).toBeNull();
  });

  it("gives Newcombe's published intervals (1998, table II, method 10)", () => {
    const a = twoProportionTest(56, 70, 48, 80)!;
    expect([a.low, a.high].map((x) => x.toFixed(4))).toEqual(["0.0524", "0.3339"]);
    const b = twoProportionTest(9, 10, 3, 10)!;
    expect([b.low, b.high].map((x) => x.toFixed(4))).toEqual(["0.1705", "0.8090"]);
  });
});

describe("stratifiedProportionTest(strata)", () => {
  it("is the CMH test and the Mantel-Haenszel difference, computed by hand on two strata", () => {
    // A: 8/10 vs 3/5, N 15, 11 retained: E = 110 / 15, Var = 10·5·11·4 / (15²·14) = 0.698413.
    // B: 2/4 vs 6/12, N 16, 8 retained: E = 2, Var = 4·12·8·8 / (16²·15) = 0.8.
    // z = (10 − 9.3333) / √1.498413 = 0.544619; MH difference = (10/15 + 0) / (50/15 + 48/16) = 2/19.
    const test = stratifiedProportionTest([
      { k1: 8, n1: 10, k2: 3, n2: 5 },
      { k1: 2, n1: 4, k2: 6, n2: 12 },
      { k1: 1, n1: 1, k2: 0, n2: 0 }
    ])!;
    expect(test.z).toBeCloseTo(0.544619, 5);
    expect(test.p).toBeCloseTo(0.586015, 5);
    expect(test.difference).toBeCloseTo(2 / 19, 10);
    expect(stratifiedProportionTest([{ k1: 1, n1: 2, k2: 0, n2: 0 }])).toBeNull();
  });

  it("on one stratum is the pooled two-proportion test scaled by √((N − 1) / N)", () => {
    const [k1, n1, k2, n2] = [56, 70, 48, 80];
    const one = stratifiedProportionTest([{ k1, n1, k2, n2 }])!;
    const pooled = twoProportionTest(k1, n1, k2, n2)!;
    expect(one.z).toBeCloseTo(pooled.z * Math.sqrt(149 / 150), 10);
    expect(one.difference).toBeCloseTo(pooled.difference, 10);
  });
});

describe("npsInterval(promoters, detractors, n)", () => {
  it("is the adjusted Wald interval, cut at ±100 for a few answers all on one side", () => {
    // 4 promoters of 4: p' = 4.75 / 7, d' = 0.75 / 7; 57.14 ± 1.96 × 25.61 = 6.94 to 107.34 → 100.
    const all = npsInterval(4, 0, 4)!;
    expect(all.low).toBeCloseTo(6.944178, 5);
    expect(all.high).toBe(100);
    expect(npsInterval(0, 4, 4)).toEqual({ low: -100, high: -all.low });
    expect(npsInterval(0, 0, 0)).toBeNull();
  });
});

describe("nps and its standard error, on a hand-computed fixture", () => {
  // 10 answers: promoters 10, 9, 9, 10 (0.4); passives 8, 7 (0.2); detractors 6, 5, 3, 0 (0.4).
  // NPS = 100 (0.4 - 0.4) = 0; SE = 100 √((0.4 + 0.4 - 0²) / 10) = 28.2843.
  // Segment B (20 answers: 10 promoters, 6 passives, 4 detractors): NPS = 30,
  // SE = 100 √((0.5 + 0.2 - 0.3²) / 20) = 17.4642.
  const ltr = [10, 9, 9, 8, 7, 6, 5, 3, 0, 10];
  const b = [...Array(10).fill(9), ...Array(6).fill(7), ...Array(4).fill(2)];
  const config = {
    brand: "Us",
    competitors: ["Them"],
    minCellSize: 5,
    attributes: [{ id: "q", label: "Q", group: "quality", owner: "Ops" }]
  };
  const respondents = [...ltr.map((l) => ({ segment: "A", ltr: l })), ...b.map((l) => ({ segment: "B", ltr: l }))];

  it("counts promoters (9-10), passives (7-8) and detractors (0-6)", async () => {
    const { writeSurveyFolder } = await import("./support/survey-folder.js");
    const { tableOfFolder } = await import("../loaders/index.js");
    const { writeFileSync } = await import("node:fs");
    const dir = writeSurveyFolder({
      config,
      respondents: respondents.map((r) => ({ segment: r.segment, scores: { Us: { q: 5 } } }))
    });
    const warehouseDir = mkdtempSync(join(tmpdir(), "cva-nps-"));
    try {
      writeFileSync(
        join(dir, "responses.csv"),
        [
          "respondent_id,wave,segment,overall_satisfaction,likelihood_to_recommend",
          ...respondents.map((r, i) => `R${i + 1},2025-Q1,${r.segment},7,${r.ltr}`)
        ].join("\n") + "\n"
      );
      const rows = (await tableOfFolder(dir, "nps", { warehouseDir })) as Record<string, unknown>[];
      expect(rows.find((r) => r.segment === "A")).toEqual({
        wave: "2025-Q1",
        segment: "A",
        brand: "Us",
        is_ours: true,
        n: 10,
        promoters: 0.4,
        passives: 0.2,
        detractors: 0.4,
        nps: 0,
        se: 28.284,
        // Adjusted Wald (Rocks 2016): p' = d' = 4.75 / 13, ± 1.96 √(2 × 4.75 / 13 / 13).
        ci_low: -46.47,
        ci_high: 46.47,
        suppressed: false
      });
      expect(rows.find((r) => r.segment === "B")).toMatchObject({
        n: 20,
        promoters: 0.5,
        passives: 0.3,
        detractors: 0.2,
        nps: 30,
        se: 17.464,
        // p' = 10.75 / 23, d' = 4.75 / 23: 26.09 ± 1.96 √((p' + d' − (p' − d')²) / 23).
        ci_low: -5.72,
        ci_high: 57.9
      });
      expect(rows.find((r) => r.segment === "All")).toMatchObject({ n: 30, nps: 20 }); // (14 - 8) / 30
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(warehouseDir, { recursive: true, force: true });
    }
  });
});

describe("the loyalty model on the sample data", () => {
  const { rows } = useSampleWarehouse();

  it("finds the attributes the generator made drive satisfaction, with their effect sizes", async () => {
    const pooled = (await rows("drivers")).filter((d) => d.wave === "All waves");
    const drivers = ATTRIBUTES.filter((a) => a.driver >= 0.15)
      .map((a) => a.id)
      .sort();
    expect(
      pooled
        .filter((d) => d.rank <= drivers.length)
        .map((d) => d.attribute)
        .sort()
    ).toEqual(drivers);
    for (const attribute of ATTRIBUTES) {
      expect(pooled.find((d) => d.attribute === attribute.id)!.coefficient, attribute.id).toBeCloseTo(
        attribute.driver,
        1
      );
    }
  });

  it("puts price, a strong driver where we trail, in the concentrate-here quadrant", async () => {
    const latest = (await rows("importance-performance")).filter((r) => r.wave === "2025-Q4");
    expect(latest.find((r) => r.attribute === "price")!.quadrant).toBe("concentrate here");
    expect(latest.find((r) => r.attribute === "product_quality")!.quadrant).toBe("keep up the good work");
  });

  it("links stated loyalty to actual retention and revenue: promoters retain and spend more, significantly", async () => {
    const links = await rows("linkage");
    const retention = links.find((l) => l.link === 3)!;
    const revenue = links.find((l) => l.link === 4)!;
    expect(retention.ci_low).toBeGreaterThan(0);
    expect(revenue.ci_low).toBeGreaterThan(0);
    expect(links.find((l) => l.link === 1)!.value).toBeGreaterThan(0.4);
    expect(links.find((l) => l.link === 5)!.value).toBeGreaterThan(0);
    const groups = await rows("loyalty-groups");
    expect(groups.map((g) => g.group)).toEqual(["promoter", "passive", "detractor"]);
    expect(groups[0]!.retention).toBeGreaterThan(groups[2]!.retention);
  });

  it("scores competitors' NPS from the recommendations export, ours from the responses", async () => {
    const latest = (await rows("nps")).filter((r) => r.wave === "2025-Q4" && r.segment === "All");
    expect(latest.map((r) => r.brand)).toEqual(["Northwind", "Contoso", "Fabrikam", "Globex"]);
    expect(latest.every((r) => r.n > 100 && r.nps !== null)).toBe(true);
    expect(latest[0]).toMatchObject({ is_ours: true });
  });

  it("shows complainers whose complaint was resolved retaining better than those whose was not", async () => {
    const [resolved, unresolved] = await rows("complaint-retention");
    expect(resolved).toMatchObject({ resolution: "resolved" });
    expect(unresolved).toMatchObject({ resolution: "not resolved" });
    expect(resolved!.retention).toBeGreaterThan(unresolved!.retention);
    // Recomputed from the CSV files: each customer's first complaint, observable for 180 days
    // before the last order; retained = an order (not a refund) 91-180 days after it.
    const { orders } = sampleExports();
    const day = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86_400_000;
    const last = Math.max(...orders.map((o) => day(o.ordered_at!)));
    const byCustomer = new Map<string, typeof orders>();
    for (const o of orders) {
      if (!byCustomer.has(o.customer_id!)) byCustomer.set(o.customer_id!, []);
      byCustomer.get(o.customer_id!)!.push(o);
    }
    const first = new Map<string, { opened: number; resolved: boolean }>();
    for (const t of csvParse(readFileSync(join(PROJECT_DIR, "data", "tickets.csv"), "utf-8")))
      if (
        t.kind === "complaint" &&
        (!first.has(t.customer_id!) || day(t.opened_at!) < first.get(t.customer_id!)!.opened)
      )
        first.set(t.customer_id!, { opened: day(t.opened_at!), resolved: t.resolved_at !== "" });
    const tally = { resolved: [0, 0], "not resolved": [0, 0] } as Record<string, [number, number]>;
    for (const [customer, { opened, resolved: isResolved }] of first) {
      if (opened + 180 > last) continue;
      const kept = (byCustomer.get(customer) ?? []).some(
        (o) => Number(o.amount) >= 0 && day(o.ordered_at!) > opened + 90 && day(o.ordered_at!) <= opened + 180
      );
      const counts = tally[isResolved ? "resolved" : "not resolved"]!;
      counts[0] += Number(kept);
      counts[1] += 1;
    }
    expect([resolved!.customers, unresolved!.customers]).toEqual([tally.resolved![1], tally["not resolved"]![1]]);
    expect(resolved!.retention).toBeCloseTo(tally.resolved![0] / tally.resolved![1], 4);
    expect(unresolved!.retention).toBeCloseTo(tally["not resolved"]![0] / tally["not resolved"]![1], 4);
    const test = twoProportionTest(...tally.resolved!, ...tally["not resolved"]!)!;
    expect(resolved).toMatchObject({ p_value: Number(test.p.toFixed(6)), significant: test.p < 0.05 });
    expect(resolved!.difference).toBeCloseTo(test.difference, 4);
    expect(unresolved).toMatchObject({ difference: null, p_value: null, significant: null });
    const complaints = await rows("complaints");
    expect(complaints.every((c) => c.complaint_rate > 0 && c.resolved_share > 0.6)).toBe(true);
  });
});
