import { I, NULL, V, type RowOf } from "../table.js";
import { memoized, type TableContext } from "../../warehouse/context.js";
import { prepareNameTokens, redactionSql } from "../privacy/redact.js";
import { recommendGroupSql } from "../survey/recommend-groups.js";

/** Comments published per wave and loyalty group: the most recent, enough to read, never all. */
export const COMMENTS_PER_GROUP = 100;

export const COMMENT_COLUMNS = [
  ["wave", V],
  ["segment", V, NULL],
  /** promoter (9-10), passive (7-8), detractor (0-6) on likelihood to recommend, or no answer. */
  ["group", V],
  ["overall_satisfaction", I, NULL],
  /** Emails, phone numbers and known names masked. */
  ["comment", V]
] as const;

export type CommentRow = RowOf<typeof COMMENT_COLUMNS>;

/**
 * What respondents wrote about us, redacted, by wave and loyalty group: the verbatims behind
 * the scores. None when the config says privacy.comments: "none", and none from a wave's
 * segment (or its respondents in no segment) with fewer than minCellSize respondents: a
 * comment published with its segment would say who in a handful of people wrote it.
 */
export function comments(context: TableContext): Promise<CommentRow[]> {
  return memoized(context, "comments", async () => {
    const { schema } = context;
    if (!schema.has("responses", "comment") || context.config?.privacy.comments === "none") return [];
    await prepareNameTokens(context);
    const hasRecommend = schema.has("responses", "likelihood_to_recommend");
    const recommend = hasRecommend ? "likelihood_to_recommend" : "NULL::INTEGER";
    const segment = schema.has("responses", "segment") ? "r.segment" : "NULL::VARCHAR";
    const recency = schema.has("responses", "responded_at") ? "responded_at DESC NULLS LAST, " : "";
    const minCellSize = context.config?.minCellSize ?? 1;
    const cells = schema.has("responses", "segment") ? "wave, segment" : "wave";
    const source = `
      SELECT wave, respondent_id, comment AS text
      FROM (SELECT *, count(*) OVER (PARTITION BY ${cells}) AS cell_size FROM responses)
      WHERE nullif(trim(comment), '') IS NOT NULL AND cell_size >= ${minCellSize}
      QUALIFY row_number() OVER (PARTITION BY wave, ${groupSql(recommend)} ORDER BY ${recency}respondent_id) <= ${COMMENTS_PER_GROUP}`;
    return context.db.rows<CommentRow>(`
      SELECT r.wave, ${segment} AS segment, ${groupSql(hasRecommend ? "r.likelihood_to_recommend" : recommend)} AS "group", ${schema.has("responses", "overall_satisfaction") ? "r.overall_satisfaction" : "NULL::INTEGER AS overall_satisfaction"}, c.text AS comment
      FROM (${redactionSql(source, ["wave", "respondent_id"])}) c JOIN responses r USING (wave, respondent_id)
      ORDER BY r.wave DESC, "group", ${recency ? "r.responded_at DESC NULLS LAST, " : ""}r.respondent_id`);
  });
}

const groupSql = recommendGroupSql;
