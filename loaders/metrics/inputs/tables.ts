/** The tables about the inputs themselves: what was read, accepted and rejected, and from where. */
import { defineTable, I, V, type TableDefinition } from "../table.js";

export const INPUT_TABLES: readonly TableDefinition[] = [
  defineTable({
    name: "ingest-summary",
    description:
      "Per export file (and per export, for a survey file that holds several): rows read, accepted and rejected (read = accepted + rejected), don't-know answers, rejects by rule; and files ignored.",
    columns: [
      ["file", V],
      ["export", V],
      ["format", V],
      ["status", V],
      ["rows_read", I],
      ["rows_accepted", I],
      ["rows_rejected", I],
      ["dont_know", I],
      ["rejected_by_rule", V]
    ],
    query: () => `
      SELECT file, export, format, 'ingested' AS status, rows_read, rows_accepted, rows_rejected, dont_know, rejected_by_rule
      FROM ingest_files f
      UNION ALL
      SELECT unnest(from_json(ignored_files, '["VARCHAR"]')), NULL, NULL, 'ignored: not part of the data contract', NULL, NULL, NULL, NULL, ''
      FROM ingest_meta
      ORDER BY status, file`
  }),
  defineTable({
    name: "provenance",
    description:
      "Where the figures come from: per export file its rows read and rejected, size and modification time; the data folder's name and the config's hash.",
    columns: [
      ["file", V],
      ["export", V],
      ["rows_read", I],
      ["rows_rejected", I],
      ["bytes", I],
      ["modified_at", V],
      ["data_folder", V],
      ["config_hash", V]
    ],
    query: () => `
      SELECT s.file, f.export, f.rows_read, f.rows_rejected, s.bytes, strftime(s.modified_at, '%Y-%m-%d %H:%M UTC') AS modified_at,
             regexp_extract(m.data_dir, '([^/]+)/*$', 1) AS data_folder,
             CASE WHEN m.config IS NULL THEN NULL ELSE sha256(m.config)[:12] END AS config_hash
      FROM ingest_sources s LEFT JOIN ingest_files f USING (file) CROSS JOIN ingest_meta m
      ORDER BY f.export IS NULL, s.file`
  }),
  defineTable({
    name: "rejects",
    rowLevel: true,
    description: "Every rule an input row broke: file, line, column, value (personal data withheld), rule, message.",
    columns: [
      ["file", V],
      ["line", I],
      ["column", V],
      ["value", V],
      ["rule", V],
      ["message", V]
    ],
    query: () => `SELECT file, line, "column", value, rule, message FROM rejects ORDER BY file, line, "column", rule`
  }),
  defineTable({
    name: "rejects-by-rule",
    description: "Rejected rows per file and rule, with the first line and an example message.",
    columns: [
      ["file", V],
      ["rule", V],
      ["rows", I],
      ["first_line", I],
      ["example", V]
    ],
    query: () => `
      SELECT file, rule, count(DISTINCT line) AS rows, min(line) AS first_line, arg_min(message, line) AS example
      FROM rejects GROUP BY ALL ORDER BY file, rows DESC, rule`
  }),
  defineTable({
    name: "ingest-warnings",
    description:
      "Treatments an analyst should know of, per file: an encoding converted, survey answers no choice mapping turned into a score (by text and count).",
    columns: [
      ["file", V],
      ["message", V]
    ],
    query: (schema) =>
      schema.has("ingest_warnings")
        ? `SELECT file, message FROM ingest_warnings ORDER BY file, message`
        : `SELECT NULL::VARCHAR AS file, NULL::VARCHAR AS message WHERE false`
  }),
  defineTable({
    name: "responses-by-wave",
    description: "Per survey wave: respondents, and those linked to a CRM customer by customer_id.",
    columns: [
      ["wave", V],
      ["respondents", I],
      ["linked", I]
    ],
    query: (schema) =>
      schema.has("responses")
        ? `SELECT wave, count(*) AS respondents, ${schema.has("responses", "customer_id") ? "count(customer_id)" : "0::BIGINT"} AS linked FROM responses GROUP BY ALL ORDER BY wave`
        : `SELECT NULL::VARCHAR AS wave, NULL::BIGINT AS respondents, NULL::BIGINT AS linked WHERE false`
  })
];
