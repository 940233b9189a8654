/**
 * Quasi-Newton minimization by BFGS (Nocedal & Wright 2006, algorithm 6.1) with a backtracking
 * line search on the Armijo condition. For maximum-likelihood fits with an analytic gradient:
 * a few dozen evaluations where Nelder-Mead needs several hundred, which matters when one
 * evaluation is a pass over a million customers.
 */
export interface ValueAndGradient {
  value: number;
  gradient: number[];
}

export interface BfgsOptions {
  /** Converged when every |gradient component| <= tolerance × max(1, |value|). */
  tolerance?: number;
  maxIterations?: number;
  /** The largest move of any coordinate in one step: log-parameters must not overflow exp(). */
  maxStep?: number;
  /**
   * A first approximation of the inverse Hessian (e.g. a fit on a subset's, scaled): without
   * one, the identity, rescaled after the first step.
   */
  inverseHessian?: number[][];
  /**
   * Converged too once an iteration lowers the objective by less than this (absolute): for a
   * negative log-likelihood, a gain far below what a confidence interval resolves.
   */
  gain?: number;
}

export interface BfgsResult {
  x: number[];
  value: number;
  gradient: number[];
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** The inverse Hessian approximation at the end. */
  inverseHessian: number[][];
}

const STALL_FACTOR = 1000;
/** Relative rounding of an objective that sums many terms: decreases below it are noise. */
const ROUNDING = 1e-12;
const dot = (u: readonly number[], v: readonly number[]) => u.reduce((s, ui, i) => s + ui * v[i]!, 0);
const largest = (u: readonly number[]) => Math.max(...u.map(Math.abs));

export function bfgs(
  f: (x: number[]) => ValueAndGradient,
  start: number[],
  { tolerance = 1e-9, maxIterations = 500, maxStep = 2, inverseHessian, gain }: BfgsOptions = {}
): BfgsResult {
  const n = start.length;
  let x = start.slice();
  let { value, gradient } = f(x);
  let evaluations = 1;
  if (!Number.isFinite(value)) throw new Error("bfgs: the objective is not finite at the start");
  // Inverse Hessian approximation; identity until the first step tells its scale.
  let h: number[][] =
    inverseHessian?.map((row) => row.slice()) ??
    Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  let iterations = 0;
  let stalled = false;
  let gained = false;
  const converged = () => largest(gradient) <= tolerance * Math.max(1, Math.abs(value));
  for (; iterations < maxIterations && !converged(); ++iterations) {
    let direction = h.map((row) => -dot(row, gradient));
    if (dot(direction, gradient) >= 0) {
      // Not a descent direction (rounding): fall back to steepest descent and restart the approximation.
      direction = gradient.map((g) => -g);
      h = h.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
    }
    const scale = largest(direction);
    if (scale > maxStep) direction = direction.map((d) => (d * maxStep) / scale);
    const slope = dot(direction, gradient);
    let step = 1;
    let next: ValueAndGradient | undefined;
    let candidate = x;
    for (let tries = 0; tries < 60; ++tries, step /= 2) {
      // A decrease below the sum's rounding cannot be seen: halving further only spends
      // evaluations (dozens, each a pass over every customer) before stalling anyway.
      if (tries > 0 && -step * slope <= ROUNDING * Math.abs(value)) break;
      candidate = x.map((xi, i) => xi + step * direction[i]!);
      const trial = f(candidate);
      evaluations += 1;
      if (Number.isFinite(trial.value) && trial.value <= value + 1e-4 * step * slope) {
        next = trial;
        break;
      }
    }
    // No decrease even for a tiny step: the objective's rounding hides any further gain.
    if (!next) {
      stalled = true;
      break;
    }
    const s = candidate.map((c, i) => c - x[i]!);
    const y = next.gradient.map((g, i) => g - gradient[i]!);
    const sy = dot(s, y);
    if (iterations === 0 && sy > 0 && !inverseHessian) {
      const yy = dot(y, y);
      h = h.map((row) => row.map((v) => (v * sy) / yy));
    }
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1 / (yᵀ s)
      const rho = 1 / sy;
      const hy = h.map((row) => dot(row, y));
      const yhy = dot(y, hy);
      h = h.map((row, i) =>
        row.map((v, j) => v - rho * (hy[i]! * s[j]! + s[i]! * hy[j]!) + (rho * rho * yhy + rho) * s[i]! * s[j]!)
      );
    }
    const previous = value;
    x = candidate;
    ({ value, gradient } = next);
    if (Math.abs(previous - value) <= 1e-15 * Math.abs(value) && largest(s) <= 1e-12) {
      stalled = true;
      break;
    }
    if (gain !== undefined && previous - value < gain) {
      gained = true;
      break;
    }
  }
  // A sum over a million customers carries rounding of about 1e-16 of its value, which hides
  // the last steps to a gradient of 1e-9 of it: stalling within STALL_FACTOR of the tolerance
  // is convergence too (the parameters are then within ~1e-6 of the optimum, relatively).
  const near = largest(gradient) <= STALL_FACTOR * tolerance * Math.max(1, Math.abs(value));
  return {
    x,
    value,
    gradient,
    iterations,
    evaluations,
    converged: converged() || gained || (stalled && near),
    inverseHessian: h
  };
}
