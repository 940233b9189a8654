import gammaln from "@stdlib/math-base-special-gammaln";
import digamma from "@stdlib/math-base-special-digamma";
import { bfgs, type ValueAndGradient } from "../../core/stats/bfgs.js";
import { nelderMead } from "../../core/stats/nelder-mead.js";

/**
 * Groups of customers sharing sufficient statistics (DuckDB aggregates them), column by
 * column: with recency and age in days, groups run to the customers, and a million of them
 * are four arrays rather than a million objects.
 */
export interface RfmCounts {
  /** Repeat transactions in the calibration period. */
  readonly x: Float64Array;
  /** Time of the last transaction, from the first, in periods. */
  readonly t_x: Float64Array;
  /** Time from the first transaction to the end of calibration, in periods. */
  readonly T: Float64Array;
  /** Customers with these statistics. */
  readonly count: Float64Array;
}

/** One group of customers, as tests and small folders write them. */
export interface RfmCount {
  x: number;
  t_x: number;
  T: number;
  count: number;
}

/** RFM counts from one record per group. */
export function rfmCountsOf(groups: readonly RfmCount[]): RfmCounts {
  return {
    x: Float64Array.from(groups, (g) => g.x),
    t_x: Float64Array.from(groups, (g) => g.t_x),
    T: Float64Array.from(groups, (g) => g.T),
    count: Float64Array.from(groups, (g) => g.count)
  };
}

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export const lnBeta = (a: number, b: number) => gammaln(a) + gammaln(b) - gammaln(a + b);
export const logSumExp = (u: number, v: number) =>
  u > v ? u + Math.log1p(Math.exp(v - u)) : v + Math.log1p(Math.exp(u - v));

/** BG/NBD log-likelihood of one customer (Fader, Hardie & Lee 2005, eq. 6). */
export function bgNbdLogLikelihood({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  const common = gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + lnBeta(a, b + x) - lnBeta(a, b);
  const alive = -(r + x) * Math.log(alpha + T);
  if (x === 0) return common + alive;
  const died = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  return common + logSumExp(alive, died);
}

/**
 * Maximum-likelihood BG/NBD fit on log-parameters from the counts of (x, t_x, T), by BFGS on
 * the analytic gradient.
 */
export function fitBgNbd(
  counts: RfmCounts,
  from?: BgNbdParams,
  options?: FitOptions
): { params: BgNbdParams; logLikelihood: number; inverseHessian?: number[][] } {
  const start = from && [from.r, from.alpha, from.a, from.b].map(Math.log);
  const best = fitFromSubsample(counts, everyNthRow(counts), bgNbdObjective, 4, start, options);
  return {
    params: bgNbdParamsOf(best.x),
    logLikelihood: -best.value,
    ...(best.inverseHessian ? { inverseHessian: best.inverseHessian } : {})
  };
}

const bgNbdParamsOf = ([lr, la, laa, lb]: number[]): BgNbdParams => ({
  r: Math.exp(lr!),
  alpha: Math.exp(la!),
  a: Math.exp(laa!),
  b: Math.exp(lb!)
});

/**
 * What the BG/NBD fit minimizes, as a function of the log-parameters (log r, log α, log a,
 * log b): the negative log-likelihood of `counts` and its gradient.
 */
export function bgNbdObjective(counts: RfmCounts): (v: number[]) => ValueAndGradient {
  // Every term depending on x alone, on T alone or on t_x alone is computed once per
  // distinct value in each evaluation, not once per group: customers share few values of
  // each (x counts purchases; T and t_x are whole days), while groups run to the customers.
  const xs = indexOf(counts.x);
  const ts = indexOf(counts.T);
  const txs = indexOf(counts.t_x);
  const weight = counts.count;
  const weightByX = new Float64Array(xs.distinct.length);
  weight.forEach((w, g) => {
    const xi = xs.of[g]!;
    weightByX[xi] = weightByX[xi]! + w;
  });
  const deadWeightByX = new Float64Array(xs.distinct.length);
  const logAlphaT = new Float64Array(ts.distinct.length);
  const inverseAlphaT = new Float64Array(ts.distinct.length);
  const logAlphaTx = new Float64Array(txs.distinct.length);
  const inverseAlphaTx = new Float64Array(txs.distinct.length);
  const logDeathByX = new Float64Array(xs.distinct.length);
  return (v: number[]): ValueAndGradient => {
    const { r, alpha, a, b } = bgNbdParamsOf(v);
    xs.distinct.forEach((x, i) => (logDeathByX[i] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : 0));
    ts.distinct.forEach((T, i) => ((logAlphaT[i] = Math.log(alpha + T)), (inverseAlphaT[i] = 1 / (alpha + T))));
    txs.distinct.forEach((tx, i) => ((logAlphaTx[i] = Math.log(alpha + tx)), (inverseAlphaTx[i] = 1 / (alpha + tx))));
    deadWeightByX.fill(0);
    // Per group: the log of P(alive at T) + P(dropped out after t_x) terms, and the share w of
    // the first, through which the gradient splits between the two.
    let ll = 0,
      dr = 0,
      dalpha = 0;
    for (let g = 0; g < weight.length; ++g) {
      const xi = xs.of[g]!;
      const x = xs.distinct[xi]!;
      const ti = ts.of[g]!;
      const alive = -(r + x) * logAlphaT[ti]!;
      if (x === 0) {
        ll += weight[g]! * alive;
        dr -= weight[g]! * logAlphaT[ti]!;
        dalpha -= weight[g]! * (r + x) * inverseAlphaT[ti]!;
        continue;
      }
      const txi = txs.of[g]!;
      const died = logDeathByX[xi]! - (r + x) * logAlphaTx[txi]!;
      let tail: number, w: number;
      if (died > alive) {
        const e = Math.exp(alive - died);
        tail = died + Math.log1p(e);
        w = e / (1 + e);
      } else {
        const e = Math.exp(died - alive);
        tail = alive + Math.log1p(e);
        w = 1 / (1 + e);
      }
      ll += weight[g]! * tail;
      dr -= weight[g]! * (w * logAlphaT[ti]! + (1 - w) * logAlphaTx[txi]!);
      dalpha -= weight[g]! * (r + x) * (w * inverseAlphaT[ti]! + (1 - w) * inverseAlphaTx[txi]!);
      deadWeightByX[xi] = deadWeightByX[xi]! + weight[g]! * (1 - w);
    }
    let da = 0,
      db = 0;
    xs.distinct.forEach((x, i) => {
      const n = weightByX[i]!;
      ll +=
        n *
        (gammaln(r + x) -
          gammaln(r) +
          r * Math.log(alpha) +
          gammaln(b + x) -
          gammaln(a + b + x) -
          gammaln(b) +
          gammaln(a + b));
      dr += n * (digamma(r + x) - digamma(r) + Math.log(alpha));
      dalpha += (n * r) / alpha;
      da += n * (digamma(a + b) - digamma(a + b + x)) + deadWeightByX[i]! / a;
      db +=
        n * (digamma(b + x) - digamma(a + b + x) - digamma(b) + digamma(a + b)) -
        (x > 0 ? deadWeightByX[i]! / (b + x - 1) : 0);
    });
    // Minimized: the negative log-likelihood, its gradient by log-parameter (d/d log r = r d/dr).
    return { value: -ll, gradient: [-r * dr, -alpha * dalpha, -a * da, -b * db] };
  };
}

/** The distinct values of a column and, for each row, the position of its value among them. */
export function indexOf(values: ArrayLike<number> & Iterable<number>): { distinct: Float64Array; of: Uint32Array } {
  const distinct = [...new Set(values)];
  const position = new Map(distinct.map((v, i) => [v, i]));
  return { distinct: Float64Array.from(distinct), of: Uint32Array.from(values, (v) => position.get(v)!) };
}

/** Observations beyond which a fit first runs on an evenly spread subset of them. */
const SUBSAMPLE = 4000;

/** How many observations there are, and every stride-th of them (the same kind of collection). */
export interface Subsets<T> {
  size: number;
  everyNth: (stride: number) => T;
}

/** Observations held column by column: every stride-th row of each column. */
export function everyNthRow<T extends Record<keyof T, Float64Array>>(columns: T): Subsets<T> {
  const entries = Object.entries(columns) as [string, Float64Array][];
  return {
    size: entries[0]?.[1].length ?? 0,
    everyNth: (stride) =>
      Object.fromEntries(entries.map(([name, values]) => [name, values.filter((_, i) => i % stride === 0)])) as T
  };
}

/** How a fit is made: when BFGS may stop early, and where a warm start's curvature comes from. */
export interface FitOptions {
  /** See BfgsOptions.gain. */
  gain?: number;
  /** With `from`: the inverse Hessian there (over log-parameters), from that fit, scaled to these observations. */
  inverseHessian?: number[][];
}

/**
 * Maximum likelihood by BFGS on all `observations`, started from the optimum on an evenly
 * spread subset of them when they are many: the full data then only polishes a nearby point,
 * in a few passes over it. The subset only chooses where to start: the estimate is the full
 * data's. Should BFGS stop short of its tolerance (a flat ridge), Nelder-Mead finishes.
 */
export function fitFromSubsample<T>(
  observations: T,
  subsets: Subsets<T>,
  negativeOf: (o: T) => (v: number[]) => ValueAndGradient,
  dimensions: number,
  /** A nearby optimum (a fit on similar data) to start from instead: the subset is then skipped. */
  from?: number[],
  options: FitOptions = {}
): { x: number[]; value: number; inverseHessian?: number[][] } {
  const negative = negativeOf(observations);
  // A start from another fit that these observations cannot even evaluate is no start.
  if (from && !Number.isFinite(negative(from).value))
    [from, options] = [undefined, { ...options, inverseHessian: undefined }];
  let start = from ?? Array<number>(dimensions).fill(0);
  // Nowhere to start (the data cannot be evaluated at the default either): no fit, which the
  // callers read as "no model" from its value, rather than an error that stops the table.
  if (!Number.isFinite(negative(start).value)) return { x: start, value: Infinity };
  let inverseHessian: number[][] | undefined;
  if (!from && subsets.size > SUBSAMPLE) {
    const stride = Math.ceil(subsets.size / SUBSAMPLE);
    const subset = bfgs(negativeOf(subsets.everyNth(stride)), start);
    start = subset.x;
    // The subset's curvature, scaled to all the data: a log-likelihood is a sum over the
    // observations, so its Hessian grows with them and the inverse shrinks by the same ratio.
    // With it, BFGS on all the data takes full steps from the first (at a million customers,
    // 126 passes over them became a handful).
    const ratio = subset.value / negative(start).value;
    if (Number.isFinite(ratio) && ratio > 0)
      inverseHessian = subset.inverseHessian.map((row) => row.map((v) => v * ratio));
  }
  inverseHessian ??= options.inverseHessian;
  const fit = bfgs(negative, start, { inverseHessian, ...(options.gain ? { gain: options.gain } : {}) });
  if (fit.converged) return fit;
  const valueOf = (v: number[]) => {
    const { value } = negative(v);
    return Number.isFinite(value) ? value : Number.MAX_VALUE;
  };
  return nelderMead(valueOf, fit.x, { step: 0.1 });
}

/** P(alive | x, t_x, T) (Fader, Hardie & Lee 2005, eq. 11). */
export function probabilityAlive({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  return 1 / (1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x));
}

/**
 * Gauss hypergeometric 2F1(a, b; c; z) for 0 <= z < 1, by its series. In BG/NBD a and b grow
 * with a customer's purchases x, and near z = 1 the series then needs thousands of terms;
 * Euler's transformation 2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z) trades
 * them for c - a and c - b, which stay small, so a few dozen terms do (Abramowitz & Stegun 15.3.3).
 */
export function hypergeometric2F1(a: number, b: number, c: number, z: number): number {
  if (Math.abs((c - a) * (c - b)) < Math.abs(a * b))
    return Math.pow(1 - z, c - a - b) * hypergeometricSeries(c - a, c - b, c, z);
  return hypergeometricSeries(a, b, c, z);
}

/**
 * 2F1(1, b; c; z) for 0 <= z < 1 and b < c, the form Pareto/NBD's likelihood takes after
 * Euler's transformation. Near z = 1 its series needs tens of thousands of terms (z = 0.999
 * when the drop-out rate's scale β dwarfs the purchase rate's α, as on a homogeneous history);
 * Gauss's continued fraction for 2F1(b, 1; c; z) (Cuyt et al., Handbook of Continued
 * Fractions for Special Functions, 2008, 15.3.5), evaluated by the modified Lentz method, needs
 * a few hundred. Below z = 0.5 the series is the cheaper.
 */
export function hypergeometricOneB(b: number, c: number, z: number): number {
  if (z <= 0.5) return hypergeometricSeries(1, b, c, z);
  // 2F1(A, 1; C + 1; z) = 1 / (1 − k1 z / (1 − k2 z / (1 − …))), with A = b and C = c − 1.
  const [A, C] = [b, c - 1];
  const tiny = 1e-300;
  let f = 1,
    lentzC = 1,
    lentzD = 0;
  for (let j = 1; j < 100_000; ++j) {
    const n = Math.floor(j / 2);
    const k =
      j === 1
        ? A / (C + 1)
        : j % 2 === 0
          ? (n * (C - A + n)) / ((C + 2 * n - 1) * (C + 2 * n))
          : ((A + n) * (C + n)) / ((C + 2 * n) * (C + 2 * n + 1));
    const a = -k * z;
    lentzD = 1 + a * lentzD;
    lentzD = 1 / (Math.abs(lentzD) < tiny ? tiny : lentzD);
    lentzC = 1 + a / lentzC;
    if (Math.abs(lentzC) < tiny) lentzC = tiny;
    const delta = lentzC * lentzD;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return 1 / f;
}

function hypergeometricSeries(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 10_000; ++k) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (Math.abs(term) < 1e-15 * Math.abs(sum)) break;
  }
  return sum;
}

/** Expected transactions in the next t periods given (x, t_x, T) (Fader, Hardie & Lee 2005, eq. 10). */
export function expectedPurchases(
  { r, alpha, a, b }: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number
): number {
  const first =
    ((a + b + x - 1) / (a - 1)) *
    (1 -
      Math.pow((alpha + T) / (alpha + T + t), r + x) *
        hypergeometric2F1(r + x, b + x, a + b + x - 1, t / (alpha + T + t)));
  const alive = x === 0 ? 1 : 1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x);
  return first / alive;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/**
 * Repeat buyers, column by column: each one's repeat transactions and mean repeat spend. The
 * Gamma-Gamma likelihood needs every buyer (see gammaGammaObjective): at a million customers,
 * two arrays rather than a million objects.
 */
export interface SpendObservations {
  readonly x: Float64Array;
  readonly meanSpend: Float64Array;
}

/** Spend observations from one record per buyer (tests, small folders). */
export function spendObservationsOf(buyers: readonly { x: number; meanSpend: number }[]): SpendObservations {
  return { x: Float64Array.from(buyers, (b) => b.x), meanSpend: Float64Array.from(buyers, (b) => b.meanSpend) };
}

/** Gamma-Gamma log-likelihood of one repeat buyer (Fader, Hardie & Lee 2005b, "RFM and CLV"). */
export function gammaGammaLogLikelihood({ p, q, gamma }: GammaGammaParams, x: number, m: number): number {
  return (
    gammaln(p * x + q) -
    gammaln(p * x) -
    gammaln(q) +
    q * Math.log(gamma) +
    (p * x - 1) * Math.log(m) +
    p * x * Math.log(x) -
    (p * x + q) * Math.log(gamma + m * x)
  );
}

export function fitGammaGamma(
  buyers: SpendObservations,
  from?: GammaGammaParams,
  options?: FitOptions
): {
  params: GammaGammaParams;
  logLikelihood: number;
} {
  const start = from && [from.p, from.q, from.gamma].map(Math.log);
  const best = fitFromSubsample(buyers, everyNthRow(buyers), gammaGammaObjective, 3, start, options);
  return { params: gammaGammaParamsOf(best.x), logLikelihood: -best.value };
}

const gammaGammaParamsOf = ([lp, lq, lg]: number[]): GammaGammaParams => ({
  p: Math.exp(lp!),
  q: Math.exp(lq!),
  gamma: Math.exp(lg!)
});

/** What the Gamma-Gamma fit minimizes over (log p, log q, log γ): the negative log-likelihood and its gradient. */
export function gammaGammaObjective(buyers: SpendObservations): (v: number[]) => ValueAndGradient {
  // Only log(γ + m x) needs each buyer; every other term sums by x, and Σ log m by x is
  // taken once, not once per evaluation.
  const xs = indexOf(buyers.x);
  const m = buyers.meanSpend;
  const buyersByX = new Float64Array(xs.distinct.length);
  const logMByX = new Float64Array(xs.distinct.length);
  for (let i = 0; i < m.length; ++i) {
    const xi = xs.of[i]!;
    buyersByX[xi] = buyersByX[xi]! + 1;
    logMByX[xi] = logMByX[xi]! + Math.log(m[i]!);
  }
  const logTotalByX = new Float64Array(xs.distinct.length);
  const inverseTotalByX = new Float64Array(xs.distinct.length);
  return (v: number[]): ValueAndGradient => {
    const { p, q, gamma } = gammaGammaParamsOf(v);
    logTotalByX.fill(0);
    inverseTotalByX.fill(0);
    for (let i = 0; i < m.length; ++i) {
      const xi = xs.of[i]!;
      const total = gamma + m[i]! * xs.distinct[xi]!;
      logTotalByX[xi] = logTotalByX[xi]! + Math.log(total);
      inverseTotalByX[xi] = inverseTotalByX[xi]! + 1 / total;
    }
    let ll = 0,
      dp = 0,
      dq = 0,
      dgamma = 0;
    xs.distinct.forEach((x, i) => {
      const n = buyersByX[i]!;
      const px = p * x;
      ll +=
        n * (gammaln(px + q) - gammaln(px) - gammaln(q) + q * Math.log(gamma) + px * Math.log(x)) +
        (px - 1) * logMByX[i]! -
        (px + q) * logTotalByX[i]!;
      dp += n * x * (digamma(px + q) - digamma(px) + Math.log(x)) + x * logMByX[i]! - x * logTotalByX[i]!;
      dq += n * (digamma(px + q) - digamma(q) + Math.log(gamma)) - logTotalByX[i]!;
      dgamma += (n * q) / gamma - (px + q) * inverseTotalByX[i]!;
    });
    return { value: -ll, gradient: [-p * dp, -q * dq, -gamma * dgamma] };
  };
}
