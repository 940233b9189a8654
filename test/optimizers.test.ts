import { describe, expect, it } from "vitest";
import { bfgs } from "../loaders/core/stats/bfgs.js";
import { nelderMead } from "../loaders/core/stats/nelder-mead.js";

// Rosenbrock's valley: minimum 0 at (1, 1), reached along a narrow curved ridge.
const rosenbrock = ([x, y]: number[]) => ({
  value: 100 * (y! - x! ** 2) ** 2 + (1 - x!) ** 2,
  gradient: [-400 * x! * (y! - x! ** 2) - 2 * (1 - x!), 200 * (y! - x! ** 2)]
});

describe("bfgs", () => {
  it("finds Rosenbrock's minimum from the classic start (-1.2, 1)", () => {
    const fit = bfgs(rosenbrock, [-1.2, 1]);
    expect(fit.converged).toBe(true);
    expect(fit.x[0]).toBeCloseTo(1, 6);
    expect(fit.x[1]).toBeCloseTo(1, 6);
    expect(fit.evaluations).toBeLessThan(200);
  });

  it("solves a badly scaled quadratic exactly: minimum of Σ c_i (x_i - i)² at x_i = i", () => {
    const scales = [1e6, 1, 1e-2, 3e4];
    const fit = bfgs(
      (x) => ({
        value: x.reduce((s, xi, i) => s + scales[i]! * (xi - i) ** 2, 0),
        gradient: x.map((xi, i) => 2 * scales[i]! * (xi - i))
      }),
      [5, 5, 5, 5],
      { maxStep: 100 }
    );
    fit.x.forEach((xi, i) => expect(xi).toBeCloseTo(i, 5));
  });

  it("given the inverse Hessian, takes the Newton step at once; without it, learns the curvature over several steps", () => {
    const scales = [1e6, 1, 1e-2, 3e4];
    const quadratic = (x: number[]) => ({
      value: x.reduce((s, xi, i) => s + scales[i]! * (xi - i) ** 2, 0),
      gradient: x.map((xi, i) => 2 * scales[i]! * (xi - i))
    });
    const informed = bfgs(quadratic, [0.5, 1.5, 2.5, 3.5], {
      maxStep: 100,
      inverseHessian: scales.map((c, i) => scales.map((_, j) => (i === j ? 1 / (2 * c) : 0)))
    });
    informed.x.forEach((xi, i) => expect(xi).toBeCloseTo(i, 9));
    expect(informed.evaluations).toBe(2);
    const blind = bfgs(quadratic, [0.5, 1.5, 2.5, 3.5], { maxStep: 100 });
    expect(blind.evaluations).toBeGreaterThan(informed.evaluations);
    expect(informed.inverseHessian[1]![1]).toBeCloseTo(0.5, 9);
  });

  it("stops when the decrease left is below the objective's rounding, without halving the step dozens of times", () => {
    // Like a sum over a million customers: the value carries noise of about 1e-12 of itself,
    // which hides the last steps to an impossibly small gradient.
    const noisy = ([x]: number[]) => ({
      value: 1e6 + (x! - 3) ** 4 + 1e-6 * Math.sin(1e9 * x!),
      gradient: [4 * (x! - 3) ** 3]
    });
    const fit = bfgs(noisy, [3.7], { tolerance: 1e-30 });
    expect(fit.x[0]).toBeCloseTo(3, 1);
    expect(fit.evaluations).toBeLessThan(30);
  });

  it("backs off from steps where the objective is not finite", () => {
    // log-barrier: undefined for x <= 0; minimum at x = 1.
    const fit = bfgs(([x]) => ({ value: x! > 0 ? x! - Math.log(x!) : NaN, gradient: [1 - 1 / x!] }), [0.05]);
    expect(fit.x[0]).toBeCloseTo(1, 6);
  });

  it("refuses a start where the objective is not finite", () => {
    expect(() => bfgs(() => ({ value: Infinity, gradient: [0] }), [0])).toThrow(/not finite at the start/);
  });
});

describe("nelderMead", () => {
  it("finds Rosenbrock's minimum without derivatives", () => {
    const fit = nelderMead((x) => rosenbrock(x).value, [-1.2, 1]);
    expect(fit.x[0]).toBeCloseTo(1, 4);
    expect(fit.x[1]).toBeCloseTo(1, 4);
  });
});
