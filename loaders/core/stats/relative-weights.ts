import { EigenvalueDecomposition, Matrix } from "ml-matrix";

export interface RelativeWeights {
  /** Each predictor's share of R² (Johnson's epsilon); they sum to `rSquared`. */
  weights: number[];
  rSquared: number;
}

/**
 * Johnson's relative weights (Johnson 2000, "A heuristic method for estimating the relative
 * weight of predictor variables in multiple regression"), from correlations alone: with
 * R_xx = V Λ Vᵀ, Λ* = V Λ^½ Vᵀ relates the predictors to their closest orthogonal
 * counterparts; β = Λ*⁻¹ r_xy regresses the outcome on those, and predictor j's weight is
 * Σ_k Λ*_jk² β_k². The weights sum to the regression's R².
 */
export function relativeWeights(predictorCorrelations: number[][], outcomeCorrelations: number[]): RelativeWeights {
  const rxx = new Matrix(predictorCorrelations);
  const { realEigenvalues, eigenvectorMatrix } = new EigenvalueDecomposition(rxx, { assumeSymmetric: true });
  if (realEigenvalues.some((value) => value <= 1e-12)) {
    throw new Error("relative weights: the predictors are perfectly collinear (a correlation matrix eigenvalue is 0)");
  }
  const rootLambda = Matrix.diag(realEigenvalues.map(Math.sqrt));
  const lambdaStar = eigenvectorMatrix.mmul(rootLambda).mmul(eigenvectorMatrix.transpose());
  const inverseRootLambda = Matrix.diag(realEigenvalues.map((value) => 1 / Math.sqrt(value)));
  const inverseLambdaStar = eigenvectorMatrix.mmul(inverseRootLambda).mmul(eigenvectorMatrix.transpose());
  const beta = inverseLambdaStar.mmul(Matrix.columnVector(outcomeCorrelations)).getColumn(0);
  const weights = lambdaStar
    .to2DArray()
    .map((row) => row.reduce((sum, value, k) => sum + value * value * beta[k]! * beta[k]!, 0));
  return { weights, rSquared: weights.reduce((a, b) => a + b, 0) };
}
