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
  // The log-gamma and log-beta terms depend on x alone, and customers share few values of x:
  // computed once per x in each evaluation rather than once per group.
  const xs = [...new Set(counts.map((c) => c.x))];
  const negative = (v: number[]) => {
    const { r, alpha, a, b } = toParams(v);
    const common = new Map(xs.map((x) => [x, gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + lnBeta(a, b + x) - lnBeta(a, b)]));
    let ll = 0;
    for (const { x, t_x, T, count } of counts) {
      const alive = -(r + x) * Math.log(alpha + T);
      const tail = x === 0 ? alive : logSumExp(alive, Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + t_x));
      ll += count * (common.get(x)! + tail);
    }
    return Number.isFinite(ll) ? -ll : Number.MAX_VALUE;
  };
  // Restarted from its own optimum: the simplex can stall on a ridge the first time.
  let best = nelderMead(negative, [0, 0, 0, 0]);
  best = nelderMead(negative, best.x);
  return { params: toParams(best.x), logLikelihood: -best.value };
}

/** P(alive | x, t_x, T) (Fader, Hardie & Lee 2005, eq. 11). */
export function probabilityAlive({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  return 1 / (1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x));
}

/** Gauss hypergeometric 2F1(a, b; c; z) by its series, for 0 <= z < 1. */
export function hypergeometric2F1(a: number, b: number, c: number, z: number): number {
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
  const xs = [...new Set(buyers.map((c) => c.x))];
  const negative = (v: number[]) => {
    const { p, q, gamma } = toParams(v);
    // As for BG/NBD: the log-gamma terms depend on x alone.
    const common = new Map(xs.map((x) => [x, gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * Math.log(gamma) + p * x * Math.log(x)]));
    let ll = 0;
    for (const { x, meanSpend: m } of buyers) ll += common.get(x)! + (p * x - 1) * Math.log(m) - (p * x + q) * Math.log(gamma + m * x);
    return Number.isFinite(ll) ? -ll : Number.MAX_VALUE;
  };
  let best = nelderMead(negative, [0, 0, 0]);
  best = nelderMead(negative, best.x);
  return { params: toParams(best.x), logLikelihood: -best.value };
}

/** E[spend per transaction | x, m] = (γ + x m) p / (p x + q − 1). */
export function expectedSpend({ p, q, gamma }: GammaGammaParams, x: number, meanSpend: number | null, population: number): number {
  if (!x || meanSpend === null) return population;
  return ((gamma + x * meanSpend) * p) / (p * x + q - 1);
}
