import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { hasSurvey, memoized, round, type TableContext } from "../../warehouse/context.js";
import { ALL } from "../survey/breakdowns.js";
import { competitorRatings } from "../survey/competitor-ratings.js";

export interface PerceptualMapRow {
  wave: string;
  /** "brand" (a point) or "attribute" (a loading arrow). */
  kind: "brand" | "attribute";
  name: string;
  pc1: number;
  pc2: number;
  /** Share of the variance of the standardized brand means on each component. */
  explained_pc1: number;
  explained_pc2: number;
}

export interface Pca {
  /** Eigenvalues, largest first. */
  variances: number[];
  /** Rows: observations' scores on the first two components. */
  scores: number[][];
  /** Rows: variables' loadings (eigenvector entries) on the first two components. */
  loadings: number[][];
}

/**
 * Principal components of a matrix whose columns are standardized (mean 0, sample sd 1), as
 * R's prcomp(x, scale = TRUE): eigenvectors of the columns' correlation matrix. Signs are
 * fixed so that each component's loadings sum to a non-negative number.
 */
export function principalComponents(matrix: number[][]): Pca {
  const x = new Matrix(matrix);
  const n = x.rows;
  const standardized = x.clone();
  for (let j = 0; j < x.columns; ++j) {
    const column = x.getColumn(j);
    const mean = column.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(column.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
    standardized.setColumn(j, column.map((v) => (sd > 0 ? (v - mean) / sd : 0)));
  }
  const correlation = standardized.transpose().mmul(standardized).div(n - 1);
  const { realEigenvalues, eigenvectorMatrix } = new EigenvalueDecomposition(correlation, { assumeSymmetric: true });
  const order = realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
  const vectors = order.slice(0, 2).map((i) => {
    const v = eigenvectorMatrix.getColumn(i);
    return v.reduce((a, b) => a + b, 0) < 0 ? v.map((e) => -e) : v;
  });
  const basis = new Matrix(vectors).transpose();
  return {
    variances: order.map((i) => Math.max(0, realEigenvalues[i]!)),
    scores: standardized.mmul(basis).to2DArray(),
    loadings: basis.to2DArray()
  };
}

/**
 * A brand x attribute perceptual map per wave: principal components of the brands' mean
 * ratings, each attribute standardized across the brands (all respondents). Brands are the
 * points; attribute loadings, scaled by the component's standard deviation, the arrows.
 * Needs at least three brands with every attribute rated by enough respondents.
 */
export function perceptualMap(context: TableContext): Promise<PerceptualMapRow[]> {
  return memoized(context, "perceptual-map", async () => {
    if (!hasSurvey(context)) return [];
    const attributes = context.config.attributes.map((a) => a.id);
    const all = (await competitorRatings(context)).filter((r) => r.breakdown === ALL);
    const rows: PerceptualMapRow[] = [];
    for (const wave of [...new Set(all.map((r) => r.wave))].sort()) {
      const brands = [context.config.brand, ...context.config.competitors].filter((b) =>
        attributes.every((a) => all.some((r) => r.wave === wave && r.brand === b && r.attribute === a && !r.suppressed)));
      if (brands.length < 3) continue;
      const means = brands.map((b) => attributes.map((a) => all.find((r) => r.wave === wave && r.brand === b && r.attribute === a)!.mean!));
      const { variances, scores, loadings } = principalComponents(means);
      const total = variances.reduce((a, b) => a + b, 0);
      const explained = [variances[0]! / total, variances[1]! / total];
      const row = (kind: PerceptualMapRow["kind"], name: string, pc1: number, pc2: number): PerceptualMapRow => ({
        wave, kind, name, pc1: round(pc1, 4)!, pc2: round(pc2, 4)!, explained_pc1: round(explained[0], 4)!, explained_pc2: round(explained[1], 4)!
      });
      brands.forEach((name, i) => rows.push(row("brand", name, scores[i]![0]!, scores[i]![1]!)));
      attributes.forEach((name, j) => rows.push(row("attribute", name, loadings[j]![0]! * Math.sqrt(variances[0]!), loadings[j]![1]! * Math.sqrt(variances[1]!))));
    }
    return rows;
  });
}
