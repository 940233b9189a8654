import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bgNbdLogLikelihood,
  bgNbdObjective,
  fitBgNbd,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  gammaGammaObjective,
  rfmCountsOf,
  spendObservationsOf,
  hypergeometric2F1
} from "../loaders/metrics/customers/clv-models.js";
import { tableOfFolder } from "../loaders/index.js";
import { publicDataset } from "./support/datasets.js";

describe("CLV on the CDNOW sample (Fader, Hardie & Lee 2005)", () => {
  let dataDir: string;
  let warehouseDir: string;
  const table = (name: string) => tableOfFolder(dataDir, name, { warehouseDir }) as Promise<Record<string, any>[]>;

  beforeAll(() => {
    // The 1/10 sample as an analyst would load it: one order per line (master id, sample id,
    // yyyymmdd, CDs, dollars). Same-day orders are merged by the model, not here.
    dataDir = mkdtempSync(join(tmpdir(), "cva-cdnow-"));
    warehouseDir = mkdtempSync(join(tmpdir(), "cva-cdnow-wh-"));
    const lines = readFileSync(publicDataset("cdnow", "CDNOW_sample.txt"), "utf-8")
      .split(/\r?\n/)
      .filter((l) => l.trim());
    const orders = lines.map((line, i) => {
      const [, id, date, cds, dollars] = line.trim().split(/\s+/) as [string, string, string, string, string];
      return `S${i + 1},${id},${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)},${dollars},${cds}`;
    });
    writeFileSync(
      join(dataDir, "orders.csv"),
      ["order_id,customer_id,ordered_at,amount,quantity", ...orders].join("\n") + "\n"
    );
  });
  afterAll(() => [dataDir, warehouseDir].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("calibrates on the first 39 weeks and reproduces the published BG/NBD and Gamma-Gamma fits within 0.5%", async () => {
    const params = (await table("clv-params")).filter((p) => p.fit === "calibration");
    const value = (model: string, parameter: string) =>
      params.find((p) => p.model === model && p.parameter === parameter)!;
    expect(value("bg-nbd", "r").calibration_end).toBe("1997-09-30");
    const published: [string, string, number][] = [
      ["bg-nbd", "r", 0.243],
      ["bg-nbd", "alpha", 4.414],
      ["bg-nbd", "a", 0.793],
      ["bg-nbd", "b", 2.426],
      ["gamma-gamma", "p", 6.25],
      ["gamma-gamma", "q", 3.74],
      ["gamma-gamma", "gamma", 15.44]
    ];
    for (const [model, parameter, expected] of published) {
      expect(Math.abs(value(model, parameter).value / expected - 1), `${model} ${parameter}`).toBeLessThan(0.005);
    }
    expect(value("bg-nbd", "r").log_likelihood).toBeCloseTo(-9582.4, 0);
    expect(value("bg-nbd", "r").customers).toBe(2357);
    expect(value("gamma-gamma", "p").customers).toBe(946); // the repeat buyers
  });

  it("checks the calibration fit against the holdout weeks, by calibration frequency", async () => {
    const rows = await table("clv-holdout");
    const holdout = rows.filter((h) => h.frequency !== "all");
    expect(rows.map((h) => h.frequency)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7+", "all"]);
    expect(holdout.reduce((s, h) => s + h.customers, 0)).toBe(2357);
    // Customers who bought more in the first half buy more in the second, as predicted.
    expect(holdout.at(-1)!.actual).toBeGreaterThan(holdout[0]!.actual);
    expect(holdout.at(-1)!.predicted).toBeGreaterThan(holdout[0]!.predicted);
    // The whole base: the groups' means weighted by their customers (to the groups' rounding).
    const all = rows.at(-1)!;
    const weighted = (k: "actual" | "predicted") => holdout.reduce((s, h) => s + h.customers * h[k], 0) / 2357;
    expect(all.customers).toBe(2357);
    expect(all.actual).toBeCloseTo(weighted("actual"), 3);
    expect(all.predicted).toBeCloseTo(weighted("predicted"), 3);
  });

  it("predicts per customer: P(alive), purchases, spend and a discounted CLV", async () => {
    const clv = await table("clv");
    expect(clv).toHaveLength(2357);
    expect(
      clv.filter((c) => !(c.p_alive >= 0 && c.p_alive <= 1 && c.expected_purchases_1y >= 0 && c.clv_3y >= 0))
    ).toEqual([]);
    const gg = Object.fromEntries(
      (await table("clv-params"))
        .filter((p) => p.fit === "full" && p.model === "gamma-gamma")
        .map((p) => [p.parameter, p.value])
    );
    const once = clv.find((c) => c.repeat_purchases === 0)!;
    expect(once.p_alive).toBe(1); // BG/NBD: a customer who never came back has not yet had a chance to drop out
    expect(once.expected_spend).toBeCloseTo((gg.p * gg.gamma) / (gg.q - 1), 1);
    expect(clv[0]!.clv_3y).toBeGreaterThanOrEqual(clv.at(-1)!.clv_3y);
  });
});

describe("the fitted likelihoods", () => {
  it("equal the plain per-customer sums (bgNbdLogLikelihood, gammaGammaLogLikelihood) at the optimum", async () => {
    const { csvParse } = await import("d3-dsv");
    const rows = csvParse(
      readFileSync(publicDataset("cdnow", "cdnow_customers_summary_with_transactions.csv"), "utf-8")
    );
    const customers = rows.map((r) => ({ x: +r.x!, t_x: +r.t_x!, T: +r.T!, count: 1, meanSpend: +r.zbar! }));
    const bg = fitBgNbd(rfmCountsOf(customers));
    expect(customers.reduce((s, c) => s + bgNbdLogLikelihood(bg.params, c.x, c.t_x, c.T), 0)).toBeCloseTo(
      bg.logLikelihood,
      6
    );
    const buyers = customers.filter((c) => c.x > 0);
    const gg = fitGammaGamma(spendObservationsOf(buyers));
    expect(buyers.reduce((s, c) => s + gammaGammaLogLikelihood(gg.params, c.x, c.meanSpend), 0)).toBeCloseTo(
      gg.logLikelihood,
      6
    );
  });
});

describe("the likelihoods' gradients", () => {
  // Central differences of the plain per-customer sums, away from the optimum (where the
  // gradient is not near zero and a wrong sign or factor would show).
  const numericGradient = (f: (v: number[]) => number, v: number[]) =>
    v.map((_, i) => {
      const h = 1e-5;
      const up = v.slice(),
        down = v.slice();
      up[i]! += h;
      down[i]! -= h;
      return (f(up) - f(down)) / (2 * h);
    });

  it("match numerical derivatives of the per-customer log-likelihoods on CDNOW", async () => {
    const { csvParse } = await import("d3-dsv");
    const rows = csvParse(
      readFileSync(publicDataset("cdnow", "cdnow_customers_summary_with_transactions.csv"), "utf-8")
    );
    const customers = rows.map((r) => ({ x: +r.x!, t_x: +r.t_x!, T: +r.T!, count: 1, meanSpend: +r.zbar! }));
    const bgAt = [Math.log(0.3), Math.log(4), Math.log(0.7), Math.log(2.5)];
    const bgSum = ([lr, la, laa, lb]: number[]) => {
      const params = { r: Math.exp(lr!), alpha: Math.exp(la!), a: Math.exp(laa!), b: Math.exp(lb!) };
      return -customers.reduce((s, c) => s + bgNbdLogLikelihood(params, c.x, c.t_x, c.T), 0);
    };
    const bg = bgNbdObjective(rfmCountsOf(customers))(bgAt);
    expect(bg.value).toBeCloseTo(bgSum(bgAt), 6);
    numericGradient(bgSum, bgAt).forEach((d, i) => expect(bg.gradient[i]! / d).toBeCloseTo(1, 5));

    const buyers = customers.filter((c) => c.x > 0);
    const ggAt = [Math.log(5), Math.log(3), Math.log(20)];
    const ggSum = ([lp, lq, lg]: number[]) =>
      -buyers.reduce(
        (s, c) =>
          s + gammaGammaLogLikelihood({ p: Math.exp(lp!), q: Math.exp(lq!), gamma: Math.exp(lg!) }, c.x, c.meanSpend),
        0
      );
    const gg = gammaGammaObjective(spendObservationsOf(buyers))(ggAt);
    expect(gg.value).toBeCloseTo(ggSum(ggAt), 6);
    numericGradient(ggSum, ggAt).forEach((d, i) => expect(gg.gradient[i]! / d).toBeCloseTo(1, 5));
  });
});

describe("hypergeometric2F1(a, b, c, z)", () => {
  it("matches closed forms: 2F1(1, 1; 2; z) = -ln(1 - z)/z and 2F1(a, b; b; z) = (1 - z)^-a", () => {
    expect(hypergeometric2F1(1, 1, 2, 0.5)).toBeCloseTo(-Math.log(0.5) / 0.5, 12);
    expect(hypergeometric2F1(0.7, 2.3, 2.3, 0.4)).toBeCloseTo(Math.pow(0.6, -0.7), 12);
  });
});
