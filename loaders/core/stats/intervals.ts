/**
 * Confidence intervals and tests on summary statistics. The sums run in DuckDB; these take the
 * small aggregated rows. Distributions come from stdlib (stdlib.io), not hand-rolled code.
 */
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";

export const CONFIDENCE = 0.95;

export interface Interval {
  low: number;
  high: number;
}

/** Student-t interval of a mean: mean ± t(0.975, n−1) × sd / √n. Null below two observations. */
export function meanInterval(mean: number, sd: number, n: number, confidence = CONFIDENCE): Interval | null {
  if (n < 2 || !Number.isFinite(sd)) return null;
  const half = tQuantile(1 - (1 - confidence) / 2, n - 1) * (sd / Math.sqrt(n));
  return { low: mean - half, high: mean + half };
}

/** Normal interval from an estimate and its standard error (delta method). */
export function normalInterval(estimate: number, se: number, confidence = CONFIDENCE): Interval | null {
  if (!Number.isFinite(se)) return null;
  const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  return { low: estimate - z * se, high: estimate + z * se };
}

/** Wilson score interval of a proportion k / n (Wilson 1927); null when n = 0. */
export function wilsonInterval(k: number, n: number, confidence = CONFIDENCE): Interval | null {
  if (n === 0) return null;
  const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  const p = k / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Interval of a Net Promoter Score, in points (−100 to 100), from the counts of promoters and
 * detractors among n answers: the adjusted Wald interval that Rocks (2016, The American
 * Statistician 70(4)) found the best of six in coverage for the trinomial, which adds ¾ of a
 * promoter, ¾ of a detractor and 3 answers (n' = n + 3, p' = (P + ¾) / n', d' = (D + ¾) / n')
 * and takes p' − d' ± z √((p' + d' − (p' − d')²) / n'). It can still pass ±100 for a few
 * answers all on one side, so it is cut at the scale's ends, as a share is. Null when n = 0.
 */
export function npsInterval(
  promoters: number,
  detractors: number,
  n: number,
  confidence = CONFIDENCE
): Interval | null {
  if (n === 0) return null;
  const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  const m = n + 3;
  const [p, d] = [(promoters + 0.75) / m, (detractors + 0.75) / m];
  const half = z * Math.sqrt((p + d - (p - d) ** 2) / m);
  return { low: Math.max(-100, 100 * (p - d - half)), high: Math.min(100, 100 * (p - d + half)) };
}

/** Two shares compared: their difference (first − second), its interval and test. */
export interface ProportionsTest extends Interval {
  difference: number;
  z: number;
  /** Two-sided p-value. */
  p: number;
}

/**
 * Two independent shares k1 / n1 and k2 / n2 compared: the z-test on the pooled share
 * (Agresti, Categorical Data Analysis, 3rd ed., §2.1.3) and Newcombe's hybrid score interval
 * of the difference (Newcombe 1998, Statistics in Medicine 17, method 10, from each share's
 * Wilson interval), which keeps to [−1, 1] and agrees with the score test where the Wald
 * interval, at small n, calls a significant difference one that may be zero. Null when either
 * group is empty.
 */
export function twoProportionTest(
  k1: number,
  n1: number,
  k2: number,
  n2: number,
  confidence = CONFIDENCE
): ProportionsTest | null {
  if (n1 === 0 || n2 === 0) return null;
  const [p1, p2, pooled] = [k1 / n1, k2 / n2, (k1 + k2) / (n1 + n2)];
  const difference = p1 - p2;
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = se0 === 0 ? 0 : difference / se0;
  const [w1, w2] = [wilsonInterval(k1, n1, confidence)!, wilsonInterval(k2, n2, confidence)!];
  return {
    difference,
    z,
    p: 2 * (1 - normalCdf(Math.abs(z), 0, 1)),
    low: difference - Math.hypot(p1 - w1.low, w2.high - p2),
    high: difference + Math.hypot(w1.high - p1, p2 - w2.low)
  };
}

/** One stratum of a stratified comparison of shares: k1 of n1 against k2 of n2. */
export interface ProportionsStratum {
  k1: number;
  n1: number;
  k2: number;
  n2: number;
}

/** Two shares compared within strata: the Mantel-Haenszel difference and the CMH test. */
export interface StratifiedProportionsTest {
  /** Mantel-Haenszel risk difference (first − second), strata weighted by n1 n2 / N. */
  difference: number;
  z: number;
  /** Two-sided p-value. */
  p: number;
}

/**
 * Two shares compared within strata, so that a third variable the groups differ on (the number
 * of purchases a customer made) cannot make the difference: the Cochran-Mantel-Haenszel test
 * without continuity correction (Agresti, Categorical Data Analysis, 3rd ed., §6.4.2) and the
 * Mantel-Haenszel weighted difference (Greenland & Robins 1985). Strata holding one group only
 * say nothing and are skipped; null when no stratum holds both.
 */
export function stratifiedProportionTest(strata: readonly ProportionsStratum[]): StratifiedProportionsTest | null {
  let [observed, expected, variance, weighted, weights] = [0, 0, 0, 0, 0];
  for (const { k1, n1, k2, n2 } of strata) {
    const n = n1 + n2;
    if (n1 === 0 || n2 === 0 || n < 2) continue;
    const retained = k1 + k2;
    observed += k1;
    expected += (n1 * retained) / n;
    variance += (n1 * n2 * retained * (n - retained)) / (n * n * (n - 1));
    weighted += (k1 * n2 - k2 * n1) / n;
    weights += (n1 * n2) / n;
  }
  if (weights === 0) return null;
  const z = variance === 0 ? 0 : (observed - expected) / Math.sqrt(variance);
  return { difference: weighted / weights, z, p: 2 * (1 - normalCdf(Math.abs(z), 0, 1)) };
}

export interface TestResult {
  /** Difference of means (first − second). */
  difference: number;
  t: number;
  df: number;
  /** Two-sided p-value. */
  p: number;
  test: "paired" | "welch";
}

/** Paired t-test on n differences with mean `meanDiff` and standard deviation `sdDiff`. */
export function pairedTest(meanDiff: number, sdDiff: number, n: number): TestResult | null {
  if (n < 2) return null;
  const se = sdDiff / Math.sqrt(n);
  const t = se === 0 ? (meanDiff === 0 ? 0 : Math.sign(meanDiff) * Infinity) : meanDiff / se;
  return { difference: meanDiff, t, df: n - 1, p: twoSided(t, n - 1), test: "paired" };
}

/** Welch's unequal-variances t-test with the Welch-Satterthwaite degrees of freedom. */
export function welchTest(m1: number, s1: number, n1: number, m2: number, s2: number, n2: number): TestResult | null {
  if (n1 < 2 || n2 < 2) return null;
  const v1 = (s1 * s1) / n1;
  const v2 = (s2 * s2) / n2;
  const se = Math.sqrt(v1 + v2);
  const difference = m1 - m2;
  const df = se === 0 ? n1 + n2 - 2 : (v1 + v2) ** 2 / ((v1 * v1) / (n1 - 1) + (v2 * v2) / (n2 - 1));
  const t = se === 0 ? (difference === 0 ? 0 : Math.sign(difference) * Infinity) : difference / se;
  return { difference, t, df, p: twoSided(t, df), test: "welch" };
}

/** Two-sided p-value of a t statistic on df degrees of freedom. */
export function twoSided(t: number, df: number): number {
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/**
 * Holm's step-down adjustment of a family of p-values (Holm 1979): controls the family-wise
 * error rate. Returns adjusted p-values in the input order; nulls stay null.
 */
export function holm(pValues: readonly (number | null)[]): (number | null)[] {
  const order = pValues
    .map((p, i) => [p, i] as const)
    .filter(([p]) => p !== null)
    .sort((a, b) => a[0]! - b[0]!);
  const m = order.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p!));
    adjusted[i] = running;
  });
  return adjusted;
}
