/**
 * The three "buy till you die" models of repeat purchasing that the CLV fit chooses among by
 * holdout error: BG/NBD (Fader, Hardie & Lee 2005), MBG/NBD (Batislam, Denizel & Filiztekin
 * 2007: a customer may also drop out before the first repeat) and Pareto/NBD (Schmittlein,
 * Morrison & Colombo 1987: drop-out in continuous time). All three take the same sufficient
 * statistics per customer (x repeat purchases, last at t_x, observed for T periods), grouped.
 */
import gammaln from "@stdlib/math-base-special-gammaln";
import type { ValueAndGradient } from "../../core/stats/bfgs.js";
import {
  bgNbdLogLikelihood,
  everyNthRow,
  expectedPurchases as bgNbdExpected,
  fitBgNbd,
  fitFromSubsample,
  hypergeometric2F1,
  hypergeometricOneB,
  indexOf,
  lnBeta,
  logSumExp,
  probabilityAlive as bgNbdAlive,
  type FitOptions,
  type RfmCounts
} from "./clv-models.js";

export type PurchaseModelName = "bg-nbd" | "mbg-nbd" | "pareto-nbd";

/** A model's parameters by name: r, alpha, a, b (BG/NBD, MBG/NBD) or r, alpha, s, beta (Pareto/NBD). */
export type PurchaseParams = Readonly<Record<string, number>>;

export interface PurchaseFit {
  params: PurchaseParams;
  logLikelihood: number;
  /** BFGS's inverse Hessian at the optimum, over log-parameters, when BFGS finished the fit. */
  inverseHessian?: number[][];
}

export interface PurchaseModel {
  name: PurchaseModelName;
  /** How the pages name it. */
  label: string;
  /** Maximum-likelihood fit on grouped statistics; `from`, a fit on similar data to start at. */
  fit(counts: RfmCounts, from?: PurchaseParams, options?: FitOptions): PurchaseFit;
  logLikelihood(params: PurchaseParams, x: number, tx: number, T: number): number;
  /** P(still a customer at T | x, t_x, T). */
  probabilityAlive(params: PurchaseParams, x: number, tx: number, T: number): number;
  /** Expected repeat purchases in the next t periods given (x, t_x, T). */
  expectedPurchases(params: PurchaseParams, t: number, x: number, tx: number, T: number): number;
}

type BgParams = { r: number; alpha: number; a: number; b: number };
type ParetoParams = { r: number; alpha: number; s: number; beta: number };
const bg = (p: PurchaseParams) => p as unknown as BgParams;
const pareto = (p: PurchaseParams) => p as unknown as ParetoParams;

/** MBG/NBD log-likelihood of one customer (Batislam et al. 2007, eq. 4). */
export function mbgNbdLogLikelihood(params: PurchaseParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = bg(params);
  const common = gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + lnBeta(a, b + x + 1) - lnBeta(a, b);
  const alive = -(r + x) * Math.log(alpha + T);
  // Unlike BG/NBD, the drop-out term is there at x = 0 too: a customer can leave right after the first purchase.
  const died = Math.log(a) - Math.log(b + x) - (r + x) * Math.log(alpha + tx);
  return common + logSumExp(alive, died);
}

function mbgNbdAlive(params: PurchaseParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = bg(params);
  return 1 / (1 + (a / (b + x)) * Math.pow((alpha + T) / (alpha + tx), r + x));
}

/** MBG/NBD conditional expectation (Batislam et al. 2007, eq. 9). */
function mbgNbdExpected(params: PurchaseParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = bg(params);
  const ratio = (alpha + T) / (alpha + T + t);
  const first =
    ((a + b + x) / (a - 1)) *
    (1 - Math.pow(ratio, r + x) * hypergeometric2F1(r + x, b + x + 1, a + b + x, t / (alpha + T + t)));
  return first * mbgNbdAlive(params, x, tx, T);
}

/**
 * log A0 of the Pareto/NBD likelihood (Fader & Hardie 2005, "A note on deriving the Pareto/NBD
 * model", eqs. 19-20): a difference of two terms, taken in logs so it does not cancel to zero.
 */
function paretoLogA0(params: ParetoParams, x: number, tx: number, T: number): number {
  const atTx = paretoA0Term(params, x, tx);
  const atT = paretoA0Term(params, x, T);
  // A customer who bought on the last day (t_x = T) has A0 = 0: only the "alive" term remains.
  return atTx > atT ? atTx + Math.log1p(-Math.exp(atT - atTx)) : -Infinity;
}

/** One of A0's two terms, at t = t_x or t = T: ln 2F1(r+s+x, ·; r+s+x+1; |α−β| / (max(α, β) + t)) − (r+s+x) ln(max(α, β) + t). */
function paretoA0Term({ r, alpha, s, beta }: ParetoParams, x: number, t: number): number {
  const [larger, second] = alpha < beta ? [beta, r + x] : [alpha, s + 1];
  const rsx = r + s + x;
  const z = Math.abs(alpha - beta) / (larger + t);
  // Euler: 2F1(a, b; a + 1; z) = (1 − z)^(1 − b) 2F1(1, a + 1 − b; a + 1; z), and a + 1 − b < a + 1:
  // the form whose continued fraction converges fast near z = 1.
  return (
    (1 - second) * Math.log1p(-z) +
    Math.log(hypergeometricOneB(rsx + 1 - second, rsx + 1, z)) -
    rsx * Math.log(larger + t)
  );
}

/** Pareto/NBD log-likelihood of one customer (Fader & Hardie 2005, eq. 18). */
export function paretoNbdLogLikelihood(params: PurchaseParams, x: number, tx: number, T: number): number {
  const p = pareto(params);
  const { r, alpha, s, beta } = p;
  const common = gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + s * Math.log(beta);
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const died = Math.log(s) - Math.log(r + s + x) + paretoLogA0(p, x, tx, T);
  return common + (died === -Infinity ? alive : logSumExp(alive, died));
}

/** P(alive) of Pareto/NBD (Fader & Hardie 2005, eq. 37). */
function paretoNbdAlive(params: PurchaseParams, x: number, tx: number, T: number): number {
  const p = pareto(params);
  const { r, alpha, s, beta } = p;
  const logOdds =
    Math.log(s) -
    Math.log(r + s + x) +
    (r + x) * Math.log(alpha + T) +
    s * Math.log(beta + T) +
    paretoLogA0(p, x, tx, T);
  return 1 / (1 + Math.exp(logOdds));
}

/** Pareto/NBD conditional expectation (Fader & Hardie 2005, eq. 41); its s → 1 limit is a logarithm. */
function paretoNbdExpected(params: PurchaseParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = pareto(params);
  const remaining =
    Math.abs(s - 1) < 1e-9
      ? (beta + T) * Math.log((beta + T + t) / (beta + T))
      : ((beta + T) * (1 - Math.pow((beta + T) / (beta + T + t), s - 1))) / (s - 1);
  return ((r + x) / (alpha + T)) * remaining * paretoNbdAlive(params, x, tx, T);
}

/**
 * Customers' groups indexed by their distinct x, and by their distinct (x, t) pairs for t = t_x
 * and t = T: every term of the MBG/NBD and Pareto/NBD likelihoods but the last sum depends on
 * x alone or on one such pair, and at a million customers the pairs are tens of thousands
 * where the groups are hundreds of thousands (the hypergeometric series runs once per pair).
 */
interface GroupIndex {
  x: { distinct: Float64Array; of: Uint32Array };
  /** x of each pair, by position among the distinct x; and the pair's t. */
  withTx: { x: Uint32Array; t: Float64Array; of: Uint32Array };
  withT: { x: Uint32Array; t: Float64Array; of: Uint32Array };
  count: Float64Array;
}

function pairsOf(xOf: Uint32Array, t: Float64Array): GroupIndex["withTx"] {
  const position = new Map<number, Map<number, number>>();
  const xs: number[] = [];
  const ts: number[] = [];
  const of = new Uint32Array(t.length);
  for (let g = 0; g < t.length; ++g) {
    let byT = position.get(xOf[g]!);
    if (!byT) position.set(xOf[g]!, (byT = new Map()));
    let i = byT.get(t[g]!);
    if (i === undefined) {
      byT.set(t[g]!, (i = xs.length));
      xs.push(xOf[g]!);
      ts.push(t[g]!);
    }
    of[g] = i;
  }
  return { x: Uint32Array.from(xs), t: Float64Array.from(ts), of };
}

function groupIndexOf(counts: RfmCounts): GroupIndex {
  const x = indexOf(counts.x);
  return { x, withTx: pairsOf(x.of, counts.t_x), withT: pairsOf(x.of, counts.T), count: counts.count };
}

/** The negative log-likelihood over log-parameters, and its gradient by central differences. */
function withNumericGradient(value: (v: number[]) => number): (v: number[]) => ValueAndGradient {
  return (v) => {
    const h = 1e-6;
    return {
      value: value(v),
      gradient: v.map((_, i) => {
        const up = v.slice(),
          down = v.slice();
        up[i]! += h;
        down[i]! -= h;
        return (value(up) - value(down)) / (2 * h);
      })
    };
  };
}

/** What the MBG/NBD fit minimizes over (log r, log α, log a, log b). */
function mbgNbdObjective(counts: RfmCounts): (v: number[]) => ValueAndGradient {
  const index = groupIndexOf(counts);
  const { x, withTx, withT, count } = index;
  const common = new Float64Array(x.distinct.length);
  const logDeath = new Float64Array(x.distinct.length);
  const alive = new Float64Array(withT.t.length);
  const died = new Float64Array(withTx.t.length);
  return withNumericGradient((v) => {
    const [r, alpha, a, b] = v.map(Math.exp) as [number, number, number, number];
    x.distinct.forEach((xi, i) => {
      common[i] = gammaln(r + xi) - gammaln(r) + r * Math.log(alpha) + lnBeta(a, b + xi + 1) - lnBeta(a, b);
      logDeath[i] = Math.log(a) - Math.log(b + xi);
    });
    withT.t.forEach((T, p) => (alive[p] = -(r + x.distinct[withT.x[p]!]!) * Math.log(alpha + T)));
    withTx.t.forEach((tx, p) => {
      const xi = withTx.x[p]!;
      died[p] = logDeath[xi]! - (r + x.distinct[xi]!) * Math.log(alpha + tx);
    });
    let ll = 0;
    for (let g = 0; g < count.length; ++g)
      ll += count[g]! * (common[x.of[g]!]! + logSumExp(alive[withT.of[g]!]!, died[withTx.of[g]!]!));
    return Number.isFinite(ll) ? -ll : Infinity;
  });
}

/** What the Pareto/NBD fit minimizes over (log r, log α, log s, log β). */
function paretoNbdObjective(counts: RfmCounts): (v: number[]) => ValueAndGradient {
  const { x, withTx, withT, count } = groupIndexOf(counts);
  const common = new Float64Array(x.distinct.length);
  const logShare = new Float64Array(x.distinct.length);
  const alive = new Float64Array(withT.t.length);
  const termT = new Float64Array(withT.t.length);
  const termTx = new Float64Array(withTx.t.length);
  return withNumericGradient((v) => {
    const [r, alpha, s, beta] = v.map(Math.exp) as [number, number, number, number];
    const params = { r, alpha, s, beta };
    x.distinct.forEach((xi, i) => {
      common[i] = gammaln(r + xi) - gammaln(r) + r * Math.log(alpha) + s * Math.log(beta);
      logShare[i] = Math.log(s) - Math.log(r + s + xi);
    });
    withT.t.forEach((T, p) => {
      const xi = x.distinct[withT.x[p]!]!;
      alive[p] = -(r + xi) * Math.log(alpha + T) - s * Math.log(beta + T);
      termT[p] = paretoA0Term(params, xi, T);
    });
    withTx.t.forEach((tx, p) => (termTx[p] = paretoA0Term(params, x.distinct[withTx.x[p]!]!, tx)));
    let ll = 0;
    for (let g = 0; g < count.length; ++g) {
      const [atTx, atT] = [termTx[withTx.of[g]!]!, termT[withT.of[g]!]!];
      const live = alive[withT.of[g]!]!;
      const tail = atTx > atT ? logSumExp(live, logShare[x.of[g]!]! + atTx + Math.log1p(-Math.exp(atT - atTx))) : live;
      ll += count[g]! * (common[x.of[g]!]! + tail);
    }
    return Number.isFinite(ll) ? -ll : Infinity;
  });
}

function fitWith(
  objective: (counts: RfmCounts) => (v: number[]) => ValueAndGradient,
  names: readonly string[]
): PurchaseModel["fit"] {
  return (counts, from, options) => {
    const start = from && names.map((name) => Math.log(from[name]!));
    // Converged, too, once an iteration gains under 1e-6 in log-likelihood: on a short or
    // homogeneous history the drop-out heterogeneity is not identified (Pareto/NBD's s and β,
    // MBG/NBD's a and b run off together along a flat ridge), and Nelder-Mead then wandered
    // that ridge for thousands of evaluations (18 s on a 400-customer folder) for no gain.
    const best = fitFromSubsample(counts, everyNthRow(counts), objective, names.length, start, {
      gain: 1e-6,
      ...options
    });
    return {
      params: Object.fromEntries(names.map((name, i) => [name, Math.exp(best.x[i]!)])),
      logLikelihood: -best.value,
      ...(best.inverseHessian ? { inverseHessian: best.inverseHessian } : {})
    };
  };
}

export const PURCHASE_MODELS: readonly PurchaseModel[] = [
  {
    name: "bg-nbd",
    label: "BG/NBD",
    fit: (counts, from, options) => {
      const { params, logLikelihood, inverseHessian } = fitBgNbd(counts, from && bg(from), options);
      return { params: { ...params }, logLikelihood, ...(inverseHessian ? { inverseHessian } : {}) };
    },
    logLikelihood: (p, x, tx, T) => bgNbdLogLikelihood(bg(p), x, tx, T),
    probabilityAlive: (p, x, tx, T) => bgNbdAlive(bg(p), x, tx, T),
    expectedPurchases: (p, t, x, tx, T) => bgNbdExpected(bg(p), t, x, tx, T)
  },
  {
    name: "mbg-nbd",
    label: "MBG/NBD",
    fit: fitWith(mbgNbdObjective, ["r", "alpha", "a", "b"]),
    logLikelihood: mbgNbdLogLikelihood,
    probabilityAlive: mbgNbdAlive,
    expectedPurchases: mbgNbdExpected
  },
  {
    name: "pareto-nbd",
    label: "Pareto/NBD",
    fit: fitWith(paretoNbdObjective, ["r", "alpha", "s", "beta"]),
    logLikelihood: paretoNbdLogLikelihood,
    probabilityAlive: paretoNbdAlive,
    expectedPurchases: paretoNbdExpected
  }
];

export const purchaseModel = (name: PurchaseModelName): PurchaseModel => PURCHASE_MODELS.find((m) => m.name === name)!;
