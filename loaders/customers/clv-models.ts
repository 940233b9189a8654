import gammaln from "@stdlib/math-base-special-gammaln";
import { nelderMead } from "../stats/nelder-mead.js";

/** One group of customers sharing sufficient statistics (DuckDB aggregates them). */
export interface RfmCount {
  /** Repeat transactions in the calibration period. */
  x: number;
  /** Time of the last transaction, from the first, in periods. */
  t_x: number;
  /** Time from the first transaction to the end of calibration, in periods. */
  T: number;
  /** Customers with these statistics. */
  count: number;
}

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

const lnBeta = (a: number, b: number) => gammaln(a) + gammaln(b) - gammaln(a + b);
const logSumExp = (u: number, v: number) => (u > v ? u + Math.log1p(Math.exp(v - u)) : v + Math.log1p(Math.exp(u - v)));

/** BG/NBD log-likelihood of one customer (Fader, Hardie & Lee 2005, eq. 6). */
export function bgNbdLogLikelihood({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  const common = gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + lnBeta(a, b + x) - lnBeta(a, b);
  const alive = -(r + x) * Math.log(alpha + T);
  if (x === 0) return common + alive;
  const died = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  return common + logSumExp(alive, died);
}

/** Maximum-likelihood BG/NBD fit on log-parameters from the counts of (x, t_x, T). */
export function fitBgNbd(counts: readonly RfmCount[]): { params: BgNbdParams; logLikelihood: number } {
  const toParams = ([lr, la, laa, lb]: number[]): BgNbdParams => ({ r: Math.exp(lr!), alpha: Math.exp(la!), a: Math.exp(laa!), b: Math.exp(lb!) });
  const negativeOf = (counts: readonly RfmCount[]) => {
    // Every term depending on x alone, on T alone or on t_x alone is computed once per
    // distinct value in each evaluation, not once per group: customers share few values of
    // each (x counts purchases; T and t_x are whole days), while groups run to the customers.
    const index = (values: number[]) => {
      const distinct = [...new Set(values)];
      const position = new Map(distinct.map((v, i) => [v, i]));
      return { distinct: Float64Array.from(distinct), of: Uint32Array.from(values, (v) => position.get(v)!) };
    };
    const xs = index(counts.map((c) => c.x));
    const ts = index(counts.map((c) => c.T));
    const txs = index(counts.map((c) => c.t_x));
    const weight = Float64Array.from(counts, (c) => c.count);
    const commonByX = new Float64Array(xs.distinct.length);
    const diedByX = new Float64Array(xs.distinct.length);
    const logAlphaT = new Float64Array(ts.distinct.length);
    const logAlphaTx = new Float64Array(txs.distinct.length);
    return (v: number[]) => {
      const { r, alpha, a, b } = toParams(v);
      xs.distinct.forEach((x, i) => {
        commonByX[i] = gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + lnBeta(a, b + x) - lnBeta(a, b);
        diedByX[i] = x === 0 ? 0 : Math.log(a) - Math.log(b + x - 1);
      });
      ts.distinct.forEach((T, i) => (logAlphaT[i] = Math.log(alpha + T)));
      txs.distinct.forEach((tx, i) => (logAlphaTx[i] = Math.log(alpha + tx)));
      let ll = 0;
      for (let g = 0; g < weight.length; ++g) {
        const xi = xs.of[g]!;
        const x = xs.distinct[xi]!;
        const alive = -(r + x) * logAlphaT[ts.of[g]!]!;
        const tail = x === 0 ? alive : logSumExp(alive, diedByX[xi]! - (r + x) * logAlphaTx[txs.of[g]!]!);
        ll += weight[g]! * (commonByX[xi]! + tail);
      }
      return Number.isFinite(ll) ? -ll : Number.MAX_VALUE;
    };
  };
  const best = fitFromSubsample(counts, negativeOf, 4);
  return { params: toParams(best.x), logLikelihood: -best.value };
}

/** Observations beyond which a fit first runs on an evenly spread subset of them. */
const SUBSAMPLE = 4000;

/**
 * Maximum likelihood by Nelder-Mead on all `observations`, started from the optimum on an
 * evenly spread subset of them when they are many: the full data then only polishes a nearby
 * point, in a fraction of the evaluations. Restarted from its own optimum, since the simplex
 * can stall on a ridge the first time. The subset only chooses where to start: the estimate
 * is the full data's.
 */
function fitFromSubsample<T>(observations: readonly T[], negativeOf: (o: readonly T[]) => (v: number[]) => number, dimensions: number) {
  const origin = Array<number>(dimensions).fill(0);
  let start = origin;
  if (observations.length > SUBSAMPLE) {
    const stride = Math.ceil(observations.length / SUBSAMPLE);
    const subset = observations.filter((_, i) => i % stride === 0);
    const rough = nelderMead(negativeOf(subset), origin);
    start = nelderMead(negativeOf(subset), rough.x).x;
  }
  const negative = negativeOf(observations);
  const first = nelderMead(negative, start, { step: start === origin ? 0.5 : 0.1 });
  return nelderMead(negative, first.x, { step: 0.1 });
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
  if (Math.abs((c - a) * (c - b)) < Math.abs(a * b)) return Math.pow(1 - z, c - a - b) * hypergeometricSeries(c - a, c - b, c, z);
  return hypergeometricSeries(a, b, c, z);
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
export function expectedPurchases({ r, alpha, a, b }: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const first = ((a + b + x - 1) / (a - 1)) *
    (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hypergeometric2F1(r + x, b + x, a + b + x - 1, t / (alpha + T + t)));
  const alive = x === 0 ? 1 : 1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x);
  return first / alive;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** Repeat buyers: their number of repeat transactions and mean repeat spend. */
export interface SpendObservation {
  x: number;
  meanSpend: number;
}

/** Gamma-Gamma log-likelihood of one repeat buyer (Fader, Hardie & Lee 2005b, "RFM and CLV"). */
export function gammaGammaLogLikelihood({ p, q, gamma }: GammaGammaParams, x: number, m: number): number {
  return gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * Math.log(gamma) + (p * x - 1) * Math.log(m) + p * x * Math.log(x) - (p * x + q) * Math.log(gamma + m * x);
}

export function fitGammaGamma(buyers: readonly SpendObservation[]): { params: GammaGammaParams; logLikelihood: number } {
  const toParams = ([lp, lq, lg]: number[]): GammaGammaParams => ({ p: Math.exp(lp!), q: Math.exp(lq!), gamma: Math.exp(lg!) });
  const negativeOf = (buyers: readonly SpendObservation[]) => {
    const xs = [...new Set(buyers.map((c) => c.x))];
    // log m does not depend on the parameters: taken once, not once per evaluation.
    const x = Float64Array.from(buyers, (c) => c.x);
    const m = Float64Array.from(buyers, (c) => c.meanSpend);
    const logM = m.map(Math.log);
    return (v: number[]) => {
      const { p, q, gamma } = toParams(v);
      // As for BG/NBD: the log-gamma terms depend on x alone.
      const common = new Map(xs.map((x) => [x, gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * Math.log(gamma) + p * x * Math.log(x)]));
      let ll = 0;
      for (let i = 0; i < x.length; ++i) ll += common.get(x[i]!)! + (p * x[i]! - 1) * logM[i]! - (p * x[i]! + q) * Math.log(gamma + m[i]! * x[i]!);
      return Number.isFinite(ll) ? -ll : Number.MAX_VALUE;
    };
  };
  const best = fitFromSubsample(buyers, negativeOf, 3);
  return { params: toParams(best.x), logLikelihood: -best.value };
}

/** E[spend per transaction | x, m] = (γ + x m) p / (p x + q − 1). */
export function expectedSpend({ p, q, gamma }: GammaGammaParams, x: number, meanSpend: number | null, population: number): number {
  if (!x || meanSpend === null) return population;
  return ((gamma + x * meanSpend) * p) / (p * x + q - 1);
}
