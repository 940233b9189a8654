/** Values no mapping knows: deal stages (a problem) and survey answers turned into scores (a warning). */
import type { ExportFile } from "./context.js";
import type { Warning } from "./warnings.js";
import { identifier } from "../core/sql.js";
import type { Problem } from "../core/errors.js";
import { outcomesHint } from "./outcomes.js";

/** Survey answers no choice mapping turned into a score, by text and count: one warning per text. */
export async function unmappedAnswers(file: ExportFile): Promise<Warning[]> {
  const { db, spec, source } = file;
  if (!source.entry?.survey || !spec.columns.some((c) => c.type === "score")) return [];
  const rows = await db.rows<{ column: string; value: string; n: number }>(`
    SELECT "column", value, count(*)::BIGINT AS n FROM ${identifier(`rejected_${spec.name}`)}
    WHERE rule = 'not-a-score' GROUP BY ALL ORDER BY n DESC, value LIMIT 20`);
  return rows.map((r) => ({
    file: source.fileName,
    message: `${r.n} answer${r.n === 1 ? "" : "s"} "${r.value}" (${r.column}) not mapped to a score: add it to sources.${source.entry!.index}.survey.choices`
  }));
}

/**
 * Deal stages that are neither won, lost nor open by the defaults or the config: one problem
 * for the file, listing each with its count, since every row of a stage is wrong the same way.
 */
export async function unmappedStages(file: ExportFile): Promise<Problem[]> {
  const { db, spec, source } = file;
  const outcome = spec.columns.find((c) => c.type === "outcome");
  if (!outcome) return [];
  const stages = await db.rows<{ value: string; n: number; line: number }>(`
    SELECT value, count(*)::BIGINT AS n, min(_line) AS line FROM ${identifier(`rejected_${spec.name}`)} WHERE rule = 'not-an-outcome' GROUP BY value ORDER BY n DESC, value`);
  if (!stages.length) return [];
  const listed = stages.map((s) => `"${s.value}" (${s.n} deal${s.n === 1 ? "" : "s"})`).join(", ");
  return [
    {
      file: source.fileName,
      line: Math.min(...stages.map((s) => s.line)),
      column: outcome.name,
      rule: "unmapped-stage",
      message: `${stages.length === 1 ? "a stage" : `${stages.length} stages`} not known as won, lost or open: ${listed}; ${outcomesHint(stages.map((s) => s.value))}`
    }
  ];
}
