import type { TableContext } from "../context.js";
import { identifier, literal } from "../sql.js";

/** The segment every respondent belongs to, besides their own: the whole sample. */
export const ALL_SEGMENTS = "All";

/** Each respondent once in `All` and once in their own segment (when they have one). */
export const RESPONDENT_SEGMENTS = `
  SELECT respondent_id, wave, '${ALL_SEGMENTS}' AS segment FROM responses
  UNION ALL
  SELECT respondent_id, wave, segment FROM responses WHERE segment IS NOT NULL`;

/** Ratings of one brand on one attribute by the respondents of one segment in one wave. */
export interface Cell {
  wave: string;
  segment: string;
  brand: string;
  attribute: string;
  /** Respondents who gave a score (don't-know answers excluded). */
  n: number;
  mean: number;
  sd: number | null;
}

export async function ratingCells(context: TableContext): Promise<Cell[]> {
  return context.db.rows<Cell & Record<string, string | number | null>>(`
    SELECT r.wave, s.segment, r.brand, r.attribute, count(r.score) AS n, avg(r.score) AS mean, stddev_samp(r.score) AS sd
    FROM ratings r JOIN (${RESPONDENT_SEGMENTS}) s USING (respondent_id, wave)
    WHERE r.score IS NOT NULL
    GROUP BY ALL ORDER BY ALL`);
}

/** Mean stated importance per wave and attribute (all respondents who answered). */
export async function statedImportance(context: TableContext): Promise<{ wave: string; attribute: string; mean: number; n: number }[]> {
  if (!context.schema.has("importance")) return [];
  return context.db.rows(`SELECT wave, attribute, avg(weight) AS mean, count(weight) AS n FROM importance WHERE weight IS NOT NULL GROUP BY ALL`);
}

export interface CorrelationMatrix {
  wave: string;
  /** Respondents with every rating of our brand and an overall satisfaction (listwise). */
  n: number;
  predictors: string[];
  /** predictors x predictors */
  rxx: number[][];
  /** predictor x outcome */
  rxy: number[];
}

/**
 * Per wave, correlations among our brand's attribute ratings and with overall satisfaction,
 * over respondents who answered them all. DuckDB computes every pairwise corr() in one pass;
 * only the matrices come back.
 */
export async function satisfactionCorrelations(context: TableContext & { config: NonNullable<TableContext["config"]> }): Promise<CorrelationMatrix[]> {
  const attributes = context.config.attributes.map((a) => a.id);
  const column = (i: number) => identifier(`x${i}`);
  const pivot = attributes.map((id, i) => `max(score) FILTER (WHERE attribute = ${literal(id)}) AS ${column(i)}`).join(", ");
  const pairs: string[] = [];
  attributes.forEach((_, i) => attributes.forEach((__, j) => j > i && pairs.push(`corr(${column(i)}, ${column(j)}) AS ${identifier(`r${i}_${j}`)}`)));
  const outcome = attributes.map((_, i) => `corr(${column(i)}, y) AS ${identifier(`ry${i}`)}`);
  const rows = await context.db.rows(`
    WITH wide AS (
      SELECT r.wave, ${pivot}, any_value(p.overall_satisfaction) AS y
      FROM ratings r JOIN responses p USING (respondent_id, wave)
      WHERE r.brand = ${literal(context.config.brand)} GROUP BY r.respondent_id, r.wave)
    SELECT wave, count(*) AS n${pairs.length ? `, ${pairs.join(", ")}` : ""}, ${outcome.join(", ")}
    FROM wide WHERE y IS NOT NULL AND ${attributes.map((_, i) => `${column(i)} IS NOT NULL`).join(" AND ")}
    GROUP BY wave ORDER BY wave`);
  return rows.map((row) => ({
    wave: String(row.wave),
    n: Number(row.n),
    predictors: attributes,
    rxx: attributes.map((_, i) => attributes.map((__, j) => (i === j ? 1 : Number(row[`r${Math.min(i, j)}_${Math.max(i, j)}`])))),
    rxy: attributes.map((_, i) => Number(row[`ry${i}`]))
  }));
}
