import { describe, expect, it } from "vitest";
import { bfgs } from "../loaders/stats/bfgs.js";
import { nelderMead } from "../loaders/stats/nelder-mead.js";

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
    const fit = bfgs((x) => ({
      value: x.reduce((s, xi, i) => s + scales[i]! * (xi - i) ** 2, 0),
      gradient: x.map((xi, i) => 2 * scales[i]! * (xi - i))
    }), [5, 5, 5, 5], { maxStep: 100 });
    fit.x.forEach((xi, i) => expect(xi).toBeCloseTo(i, 5));
  });

  it("given the inverse Hessian, takes the Newton step at once; without it, learns the curvature over several steps", () => {
    const scales = [1e6, 1, 1e-2, 3e4];
    const quadratic = (x: number[]) => ({
      value: x.reduce((s, xi, i) => s + scales[i]! * (xi - i) ** 2, 0),
      gradient: x.map((xi, i) => 2 * scales[i]! * (xi - i))
    });
    const informed = bfgs(quadratic, [0.5, 1.5, 2.5, 3.5], { maxStep: 100, inverseHessian: scales.map((c, i) => scales.map((_, j) => (i === j ? 1 / (2 * c) : 0))) });
    informed.x.forEach((xi, i) => expect(xi).toBeCloseTo(i, 9));
    expect(informed.evaluations).toBe(2);
    const blind = bfgs(quadratic, [0.5, 1.5, 2.5, 3.5], { maxStep: 100 });
    expect(blind.evaluations).toBeGreaterThan(informed.evaluations);
    expect(informed.inverseHessian[1]![1]).toBeCloseTo(0.5, 9);
  });

  it("stops when the decrease left is below the objective's rounding, without halving the step dozens of times", () => {
    // A sum of a million terms near 1e15 cannot show a change of 1e-4: the start is as good as it gets.
    const flat = ([x]: number[]) => ({ value: 1e15 + (x! - 3) ** 2, gradient: [2 * (x! - 3)] });
    const fit = bfgs(flat, [3.01]);
    expect(fit.converged).toBe(true);
    expect(fit.evaluations).toBeLessThan(5);
    expect(fit.x[0]).toBeCloseTo(3.01, 6);
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
