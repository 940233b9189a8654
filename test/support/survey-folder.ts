import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableOfFolder } from "../../loaders/index.js";

export interface SurveySpec {
  config: Record<string, unknown>;
  /** One entry per respondent: their segment, and scores by brand and attribute. */
  respondents: {
    segment?: string;
    satisfaction?: number;
    scores: Record<string, Record<string, number>>;
    /** Likelihood to recommend, 0-10, by brand: ours in responses, competitors' in recommendations. */
    recommend?: Record<string, number>;
    /** The perceived value question (responses.perceived_value). */
    perceivedValue?: number;
  }[];
  wave?: string;
  importance?: Record<string, number>[];
}

/** A data folder holding a survey (plus the one order ingest requires), in contract form. */
export function writeSurveyFolder(spec: SurveySpec): string {
  const dir = mkdtempSync(join(tmpdir(), "cva-survey-"));
  const wave = spec.wave ?? "2025-Q1";
  const brand = String(spec.config.brand);
  const recommends = spec.respondents.some((r) => r.recommend);
  const valued = spec.respondents.some((r) => r.perceivedValue !== undefined);
  const responses = [
    `respondent_id,wave,segment,overall_satisfaction${recommends ? ",likelihood_to_recommend" : ""}${valued ? ",perceived_value" : ""}`
  ];
  const ratings = ["respondent_id,wave,brand,attribute,score"];
  const recommendations = ["respondent_id,wave,brand,likelihood_to_recommend"];
  spec.respondents.forEach((r, i) => {
    const id = `R${i + 1}`;
    const ours = recommends ? `,${r.recommend?.[brand] ?? ""}` : "";
    const value = valued ? `,${r.perceivedValue ?? ""}` : "";
    responses.push(`${id},${wave},${r.segment ?? ""},${r.satisfaction ?? ""}${ours}${value}`);
    for (const [other, score] of Object.entries(r.recommend ?? {}))
      if (other !== brand) recommendations.push(`${id},${wave},${other},${score}`);
    for (const [brand, scores] of Object.entries(r.scores)) {
      for (const [attribute, score] of Object.entries(scores))
        ratings.push(`${id},${wave},${brand},${attribute},${score}`);
    }
  });
  writeFileSync(join(dir, "cva.config.json"), JSON.stringify(spec.config));
  writeFileSync(join(dir, "responses.csv"), responses.join("\n") + "\n");
  writeFileSync(join(dir, "ratings.csv"), ratings.join("\n") + "\n");
  if (recommends) writeFileSync(join(dir, "recommendations.csv"), recommendations.join("\n") + "\n");
  writeFileSync(join(dir, "orders.csv"), "order_id,customer_id,ordered_at,amount\nO1,C1,2025-01-01,1\n");
  if (spec.importance) {
    const lines = ["respondent_id,wave,attribute,weight"];
    spec.importance.forEach((weights, i) =>
      Object.entries(weights).forEach(([a, w]) => lines.push(`R${i + 1},${wave},${a},${w}`))
    );
    writeFileSync(join(dir, "importance.csv"), lines.join("\n") + "\n");
  }
  return dir;
}

/** Computes tables of a survey folder in a scratch warehouse; cleans up after itself. */
export async function surveyTables<N extends string>(
  spec: SurveySpec,
  names: N[]
): Promise<Record<N, Record<string, unknown>[]>> {
  const dir = writeSurveyFolder(spec);
  const warehouseDir = mkdtempSync(join(tmpdir(), "cva-survey-wh-"));
  try {
    const out = {} as Record<N, Record<string, unknown>[]>;
    for (const name of names)
      out[name] = (await tableOfFolder(dir, name, { warehouseDir })) as Record<string, unknown>[];
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(warehouseDir, { recursive: true, force: true });
  }
}
