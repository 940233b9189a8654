/**
 * Ordinary least squares by the normal equations and Gaussian elimination with partial
 * pivoting: a test-only cross-check on a few well-conditioned predictors, not library code.
 * Returns [intercept, ...coefficients].
 */
export function leastSquares(x: number[][], y: number[]): number[] {
  const rows = x.map((row) => [1, ...row]);
  const k = rows[0]!.length;
  const a = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k + 1 }, (_, j) => rows.reduce((sum, row, r) => sum + row[i]! * (j < k ? row[j]! : y[r]!), 0))
  );
  for (let col = 0; col < k; ++col) {
    let pivot = col;
    for (let r = col + 1; r < k; ++r) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = 0; r < k; ++r) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      for (let c = col; c <= k; ++c) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row, i) => row[k]! / row[i]!);
}
