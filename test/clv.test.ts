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
import { purchaseModel } from "../loaders/metrics/customers/purchase-models.js";
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

  it("calibrates on the first 39 weeks and reproduces the published BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma fits within 0.5%", async () => {
    const params = (await table("clv-params")).filter((p) => p.fit === "calibration");
    const value = (model: string, parameter: string) =>
      params.find((p) => p.model === model && p.parameter === parameter)!;
    expect(value("bg-nbd", "r").calibration_end).toBe("1997-09-30");
    const published: [string, string, number][] = [
      ["bg-nbd", "r", 0.243],
      ["bg-nbd", "alpha", 4.414],
      ["bg-nbd", "a", 0.793],
      ["bg-nbd", "b", 2.426],
      // Batislam et al.'s model as BTYDplus fits it on the same data (Platzer, BTYDplus).
      ["mbg-nbd", "r", 0.525],
      ["mbg-nbd", "alpha", 6.183],
      ["mbg-nbd", "a", 0.891],
      ["mbg-nbd", "b", 1.614],
      // Fader & Hardie, "A note on deriving the Pareto/NBD model" (2005), on the same data.
      ["pareto-nbd", "r", 0.553],
      ["pareto-nbd", "alpha", 10.578],
      ["pareto-nbd", "s", 0.606],
      ["pareto-nbd", "beta", 11.669],
      ["gamma-gamma", "p", 6.25],
      ["gamma-gamma", "q", 3.74],
      ["gamma-gamma", "gamma", 15.44]
    ];
    for (const [model, parameter, expected] of published) {
      expect(Math.abs(value(model, parameter).value / expected - 1), `${model} ${parameter}`).toBeLessThan(0.005);
    }
    expect(value("bg-nbd", "r").log_likelihood).toBeCloseTo(-9582.4, 0);
    expect(value("pareto-nbd", "r").log_likelihood).toBeCloseTo(-9595.0, 0);
    expect(value("bg-nbd", "r").customers).toBe(2357);
    expect(value("gamma-gamma", "p").customers).toBe(946); // the repeat buyers
  });

  it("checks each model's calibration fit against the holdout weeks, by calibration frequency", async () => {
    const every = await table("clv-holdout");
    expect([...new Set(every.map((h) => h.model))]).toEqual(["bg-nbd", "mbg-nbd", "pareto-nbd"]);
    const rows = every.filter((h) => h.model === "bg-nbd");
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

  it("chooses the model whose holdout predictions fall closest, and fits only that one on the full history", async () => {
    const holdout = await table("clv-holdout");
    const choice = await table("clv-model-choice");
    expect(choice.map((c) => c.model)).toEqual(["bg-nbd", "mbg-nbd", "pareto-nbd"]);
    for (const c of choice) {
      // The error recomputed from the holdout table: customers x |predicted - actual| by group, per customer.
      const groups = holdout.filter((h) => h.model === c.model && h.frequency !== "all");
      const error = groups.reduce((s, h) => s + h.customers * Math.abs(h.predicted - h.actual), 0) / 2357;
      expect(c.holdout_error).toBeCloseTo(error, 3);
      const all = holdout.find((h) => h.model === c.model && h.frequency === "all")!;
      expect(c.holdout_bias).toBeCloseTo(all.predicted / all.actual - 1, 3);
    }
    const best = choice.reduce((b, c) => (c.holdout_error < b.holdout_error ? c : b));
    expect(choice.filter((c) => c.chosen)).toEqual([best]);
    const full = (await table("clv-params")).filter((p) => p.fit === "full" && p.model !== "gamma-gamma");
    expect(new Set(full.map((p) => p.model))).toEqual(new Set([best.model]));
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
    // The chosen model's own formulas, applied to the customer's statistics.
    const chosen = (await table("clv-model-choice")).find((c) => c.chosen)!;
    const params = Object.fromEntries(
      (await table("clv-params"))
        .filter((p) => p.fit === "full" && p.model === chosen.model)
        .map((p) => [p.parameter, p.value])
    );
    const model = purchaseModel(chosen.model);
    for (const c of [once, clv[0]!, clv[1000]!]) {
      expect(c.p_alive).toBeCloseTo(
        model.probabilityAlive(params, c.repeat_purchases, c.recency_weeks, c.age_weeks),
        3
      );
      expect(c.expected_purchases_1y).toBeCloseTo(
        model.expectedPurchases(params, 52, c.repeat_purchases, c.recency_weeks, c.age_weeks),
        3
      );
    }
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

describe("MBG/NBD and Pareto/NBD", () => {
  const cdnow = async () => {
    const { csvParse } = await import("d3-dsv");
    const rows = csvParse(
      readFileSync(publicDataset("cdnow", "cdnow_customers_summary_with_transactions.csv"), "utf-8")
    );
    return rows.map((r) => ({ x: +r.x!, t_x: +r.t_x!, T: +r.T!, count: 1 }));
  };

  it("fit on grouped terms to the optimum of the plain per-customer sums", async () => {
    const customers = await cdnow();
    for (const model of [purchaseModel("mbg-nbd"), purchaseModel("pareto-nbd")]) {
      const fit = model.fit(rfmCountsOf(customers));
      const sum = customers.reduce((s, c) => s + model.logLikelihood(fit.params, c.x, c.t_x, c.T), 0);
      expect(sum, model.name).toBeCloseTo(fit.logLikelihood, 6);
      // The optimum: moving any parameter 1% either way lowers the plain sum.
      for (const name of Object.keys(fit.params))
        for (const factor of [0.99, 1.01]) {
          const moved = { ...fit.params, [name]: fit.params[name]! * factor };
          expect(customers.reduce((s, c) => s + model.logLikelihood(moved, c.x, c.t_x, c.T), 0)).toBeLessThan(sum);
        }
    }
  });

  it("give the published conditional expectations", () => {
    // Fader & Hardie's BG/NBD worksheet customer (x = 2, t_x = 30.43, T = 38.86): 1.226 in 39 weeks.
    const bg = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    expect(purchaseModel("bg-nbd").expectedPurchases(bg, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 2);
    // The BTYD walkthrough's Pareto/NBD customer (x = 26, t_x = 30.86, T = 31): 25.46 in 52 weeks.
    const pareto = { r: 0.5533, alpha: 10.5776, s: 0.6062, beta: 11.668 };
    expect(purchaseModel("pareto-nbd").expectedPurchases(pareto, 52, 26, 30.86, 31)).toBeCloseTo(25.46, 1);
    // MBG/NBD by its formula: with b large, drop-out is rare and it tends to the NBD's r t / alpha.
    const nearNbd = { r: 0.5, alpha: 5, a: 1.5, b: 1e7 };
    expect(purchaseModel("mbg-nbd").expectedPurchases(nearNbd, 10, 0, 0, 20)).toBeCloseTo((0.5 * 10) / (5 + 20), 4);
    expect(purchaseModel("mbg-nbd").probabilityAlive(nearNbd, 0, 0, 20)).toBeCloseTo(1, 6);
    // Pareto/NBD: a customer who bought on the last day is alive for sure.
    expect(purchaseModel("pareto-nbd").probabilityAlive(pareto, 3, 31, 31)).toBe(1);
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
