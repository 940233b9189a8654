import { inverse, Matrix, solve } from "ml-matrix";

/** Sufficient statistics of a regression, as DuckDB aggregates return them. */
export interface Moments {
  n: number;
  /** Means of the predictors, then the outcome last. */
  means: number[];
  /** Sample covariance matrix of the predictors and the outcome (outcome last). */
  covariance: number[][];
}

export interface OlsFit {
  n: number;
  intercept: number;
  /** Unstandardized coefficients, in predictor order. */
  coefficients: number[];
  /** Standardized coefficients (betas): coefficient × sd(x) / sd(y). */
  betas: number[];
  rSquared: number;
}

/**
 * Ordinary least squares from means and covariances: b = Sxx⁻¹ sxy, intercept = ȳ − b·x̄,
 * R² = b·sxy / syy. Exactly the normal-equations solution on the raw data, without ever holding
 * the rows: DuckDB computes the moments in one pass.
 */
export function olsFromMoments({ n, means, covariance }: Moments): OlsFit {
  const p = means.length - 1;
  const sxx = new Matrix(covariance.slice(0, p).map((row) => row.slice(0, p)));
  const sxy = Matrix.columnVector(covariance.slice(0, p).map((row) => row[p]!));
  const syy = covariance[p]![p]!;
  const coefficients = solve(sxx, sxy).getColumn(0);
  const intercept = means[p]! - coefficients.reduce((sum, b, j) => sum + b * means[j]!, 0);
  const explained = coefficients.reduce((sum, b, j) => sum + b * sxy.get(j, 0), 0);
  const sdY = Math.sqrt(syy);
  return {
    n,
    intercept,
    coefficients,
    betas: coefficients.map((b, j) => (b * Math.sqrt(covariance[j]![j]!)) / sdY),
    rSquared: explained / syy
  };
}

/** R² of the regression on a subset of predictors, from the correlation matrices. */
export function rSquaredOf(rxx: number[][], rxy: number[], subset: readonly number[]): number {
  if (subset.length === 0) return 0;
  const r = new Matrix(subset.map((i) => subset.map((j) => rxx[i]![j]!)));
  const ry = Matrix.columnVector(subset.map((i) => rxy[i]!));
  const beta = solve(r, ry);
  return beta.getColumn(0).reduce((sum, b, k) => sum + b * ry.get(k, 0), 0);
}

export const MAX_SHAPLEY_PREDICTORS = 15;

/**
 * Shapley values of R² (LMG: Lindeman, Merenda & Gold 1980; Grömping 2006): each predictor's
 * average increase in R² when added, over all orders of entry. Exact, over all 2^p subsets, for
 * up to 15 predictors. They sum to the full model's R².
 */
export function shapleyShares(rxx: number[][], rxy: number[]): number[] {
  const p = rxy.length;
  if (p > MAX_SHAPLEY_PREDICTORS)
    throw new Error(`Shapley shares are exact for at most ${MAX_SHAPLEY_PREDICTORS} predictors (got ${p})`);
  const r2 = new Float64Array(1 << p);
  for (let mask = 1; mask < 1 << p; ++mask) {
    const subset: number[] = [];
    for (let j = 0; j < p; ++j) if (mask & (1 << j)) subset.push(j);
    r2[mask] = rSquaredOf(rxx, rxy, subset);
  }
  const factorial = [1];
  for (let k = 1; k <= p; ++k) factorial.push(factorial[k - 1]! * k);
  const shares = new Array<number>(p).fill(0);
  for (let mask = 0; mask < 1 << p; ++mask) {
    const size = popcount(mask);
    const weight = (factorial[size]! * factorial[p - size - 1]!) / factorial[p]!;
    for (let j = 0; j < p; ++j) {
      if (mask & (1 << j)) continue;
      shares[j]! += weight * (r2[mask | (1 << j)]! - r2[mask]!);
    }
  }
  return shares;
}

function popcount(mask: number): number {
  let count = 0;
  for (let m = mask; m; m &= m - 1) ++count;
  return count;
}

/**
 * (Z'Z)⁻¹ of a regression with an intercept, from the moments alone: Z = [1, x], so Z'Z has n,
 * then n·x̄, then (n − 1)·S_xx + n·x̄x̄' (the predictors' sample covariances and means).
 */
export function inverseCrossProduct({ n, means, covariance }: Moments): number[][] {
  const p = means.length - 1;
  const zz = Array.from({ length: p + 1 }, (_, i) =>
    Array.from({ length: p + 1 }, (__, j) => {
      if (i === 0 && j === 0) return n;
      if (i === 0 || j === 0) return n * means[Math.max(i, j) - 1]!;
      return (n - 1) * covariance[i - 1]![j - 1]! + n * means[i - 1]! * means[j - 1]!;
    })
  );
  return inverse(new Matrix(zz)).to2DArray();
}

/**
 * The HC3 sandwich (MacKinnon & White 1985; Long & Ervin 2000): A M A, where A = (Z'Z)⁻¹ and
 * M = Σ_i z_i z_i' e_i² / (1 − h_i)², the meat summed over the respondents (in SQL). Returns
 * the covariance matrix of (intercept, coefficients).
 */
export function sandwich(inverseZz: number[][], meat: number[][]): number[][] {
  const a = new Matrix(inverseZz);
  return a.mmul(new Matrix(meat)).mmul(a).to2DArray();
}
