import { hasSurvey, memoized, type TableContext } from "../../warehouse/context.js";
import { relativeWeights } from "../../core/stats/relative-weights.js";
import { correlationsOf, driverMoments, statedImportance, type DriverMoments } from "./survey-cells.js";

export type WeightSource = "stated" | "config" | "derived" | "equal";

export interface AttributeWeight {
  wave: string;
  attribute: string;
  group: "quality" | "price";
  /** Sums to 100 over the group's attributes within a wave. */
  weight: number;
  /**
   * `stated`: mean stated importance; `config`: the attribute weights in cva.config.json;
   * `derived`: Johnson's relative weights of our brand's ratings on overall satisfaction;
   * `equal`: none of those was possible.
   */
  source: WeightSource;
}

/**
 * Importance weights per wave and attribute, normalized to 100 within each group (quality,
 * price). For each wave and group, the first source that covers every attribute of the group:
 * stated importance, then config weights, then derived (key-driver) weights, then equal.
 */
export function attributeWeights(context: TableContext): Promise<AttributeWeight[]> {
  return memoized(context, "attribute-weights", async () => {
    if (!hasSurvey(context)) return [];
    const { config } = context;
    const waves = (await context.db.rows<{ wave: string }>(`SELECT DISTINCT wave FROM ratings ORDER BY wave`)).map(
      (r) => r.wave
    );
    const stated = await statedImportance(context);
    const moments = await driverMoments(context);
    const weights: AttributeWeight[] = [];
    for (const wave of waves) {
      const derived = derivedWeights(moments.find((m) => m.wave === wave));
      for (const group of ["quality", "price"] as const) {
        const attributes = config.attributes.filter((a) => a.group === group);
        if (!attributes.length) continue;
        const candidates: [WeightSource, (id: string) => number | undefined][] = [
          ["stated", (id) => stated.find((s) => s.wave === wave && s.attribute === id)?.mean],
          ["config", (id) => config.attributes.find((a) => a.id === id)?.weight],
          ["derived", (id) => derived?.get(id)],
          ["equal", () => 1]
        ];
        const [source, raw] = candidates.find(([, value]) => attributes.every((a) => (value(a.id) ?? 0) > 0))!;
        const total = attributes.reduce((sum, a) => sum + raw(a.id)!, 0);
        for (const a of attributes)
          weights.push({ wave, attribute: a.id, group, weight: (100 * raw(a.id)!) / total, source });
      }
    }
    return weights;
  });
}

function derivedWeights(moments: DriverMoments | undefined): Map<string, number> | undefined {
  if (!moments || moments.n <= moments.predictors.length + 1) return undefined;
  const { rxx, rxy } = correlationsOf(moments);
  if ([...rxy, ...rxx.flat()].some((r) => !Number.isFinite(r))) return undefined;
  try {
    const { weights } = relativeWeights(rxx, rxy);
    return new Map(moments.predictors.map((id, i) => [id, weights[i]!]));
  } catch {
    return undefined; // perfectly collinear ratings: fall through to equal weights
  }
}
