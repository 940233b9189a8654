/** Duplicate keys: a stop, naming each duplicate and the line it first appeared on. */
import type { ExportFile } from "./context.js";
import { identifier } from "../core/sql.js";
import type { Problem } from "../core/errors.js";

const MAX_DUPLICATES_REPORTED = 20;

export async function duplicateKeys(file: ExportFile): Promise<Problem[]> {
  const { db, spec, source } = file;
  if (!spec.key.length) return [];
  const keys = spec.key.map(identifier);
  const raw = identifier(`raw_${spec.name}`);
  const complete = keys.map((k) => `${k} IS NOT NULL`).join(" AND ");
  // Counting hashes first: grouping by one number is far cheaper than by several texts, and
  // listing every key's lines would build a list per row. Equal keys hash alike, so no
  // repeated hash means no duplicate; a repeated one (a duplicate, or rarely a collision) is
  // then checked exactly.
  const [{ any }] = (await db.rows<{ any: boolean }>(`
    SELECT EXISTS (SELECT 1 FROM ${raw} WHERE ${complete} GROUP BY hash(${keys.join(", ")}) HAVING count(*) > 1) AS any`)) as [
    { any: boolean }
  ];
  if (!any) return [];
  const groups = await db.rows<{ key: string; lines: string; total: number }>(`
    SELECT concat_ws(', ', ${keys.join(", ")}) AS key, list(_line ORDER BY _line)::VARCHAR AS lines, count(*) OVER () AS total
    FROM ${raw} WHERE ${complete}
    GROUP BY ALL HAVING count(*) > 1 ORDER BY min(_line) LIMIT ${MAX_DUPLICATES_REPORTED}`);
  const column = spec.key.join(", ");
  const problems: Problem[] = groups.map((group) => {
    const lines = group.lines.slice(1, -1).split(", ").map(Number);
    return {
      file: source.fileName,
      line: lines[1],
      column,
      rule: "duplicate-key",
      message: `duplicate ${column} ${group.key} (first on line ${lines[0]}${lines.length > 2 ? `, ${lines.length} times in all` : ""})`
    };
  });
  const total = groups[0]?.total ?? 0;
  if (total > MAX_DUPLICATES_REPORTED) {
    problems.push({
      file: source.fileName,
      column,
      rule: "duplicate-key",
      message: `${total - MAX_DUPLICATES_REPORTED} more duplicate ${column} values not listed`
    });
  }
  return problems;
}
