import { D, V, type RowOf } from "../table.js";
import { PCA } from "ml-pca";
import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { ALL } from "../survey/breakdowns.js";
import { competitorRatings } from "../survey/competitor-ratings.js";

export const PERCEPTUAL_MAP_COLUMNS = [
  ["wave", V],
  /** "brand" (a point) or "attribute" (a loading arrow). */
  ["kind", V],
  ["name", V],
  ["pc1", D],
  ["pc2", D],
  /** Share of the variance of the standardized brand means on each component. */
  ["explained_pc1", D],
  ["explained_pc2", D]
] as const;

export type PerceptualMapRow = RowOf<typeof PERCEPTUAL_MAP_COLUMNS>;

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
 * R's prcomp(x, scale = TRUE), by ml-pca. A column that does not vary has nothing to say: it
 * is left out of the fit and loads 0 on every component. Signs are fixed so that each
 * component's loadings sum to a non-negative number.
 */
export function principalComponents(matrix: number[][]): Pca {
  const columns = matrix[0]?.length ?? 0;
  const varying = [...Array(columns).keys()].filter((j) => matrix.some((row) => row[j] !== matrix[0]![j]));
  const data = matrix.map((row) => varying.map((j) => row[j]!));
  const pca = new PCA(data, { center: true, scale: true });
  const variances = pca.getEigenvalues().map((v) => Math.max(0, v));
  const components = pca.getLoadings().to2DArray().slice(0, 2);
  const signs = components.map((v) => (v.reduce((a, b) => a + b, 0) < 0 ? -1 : 1));
  const projected = pca.predict(data, { nComponents: 2 }).to2DArray();
  return {
    variances,
    scores: projected.map((row) => row.map((v, k) => v * signs[k]!)),
    loadings: [...Array(columns).keys()].map((j) => {
      const k = varying.indexOf(j);
      return components.map((v, c) => (k < 0 ? 0 : v[k]! * signs[c]!));
    })
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
        attributes.every((a) => all.some((r) => r.wave === wave && r.brand === b && r.attribute === a && !r.suppressed))
      );
      if (brands.length < 3) continue;
      const means = brands.map((b) =>
        attributes.map((a) => all.find((r) => r.wave === wave && r.brand === b && r.attribute === a)!.mean!)
      );
      const { variances, scores, loadings } = principalComponents(means);
      const total = variances.reduce((a, b) => a + b, 0);
      const explained = [variances[0]! / total, variances[1]! / total];
      const row = (kind: PerceptualMapRow["kind"], name: string, pc1: number, pc2: number): PerceptualMapRow => ({
        wave,
        kind,
        name,
        pc1: round(pc1, 4)!,
        pc2: round(pc2, 4)!,
        explained_pc1: round(explained[0], 4)!,
        explained_pc2: round(explained[1], 4)!
      });
      brands.forEach((name, i) => rows.push(row("brand", name, scores[i]![0]!, scores[i]![1]!)));
      attributes.forEach((name, j) =>
        rows.push(
          row(
            "attribute",
            name,
            loadings[j]![0]! * Math.sqrt(variances[0]!),
            loadings[j]![1]! * Math.sqrt(variances[1]!)
          )
        )
      );
    }
    return rows;
  });
}
