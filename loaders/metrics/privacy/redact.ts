/**
 * Masks personal data in free text, in DuckDB: emails, phone numbers, and personal names known
 * to the CRM (every contact's first and last name) or listed in the config. A name found
 * nowhere and without a title (Mr, Ms, Dr ...) cannot be recognised: the config's
 * `privacy.comments: "none"` publishes no comments at all.
 */
import type { TableContext } from "../../warehouse/context.js";
import { EMAIL_IN_TEXT } from "../../ingest/pseudonyms.js";
import { literal } from "../../core/sql.js";

export const EMAIL_MASK = "[email]";
export const PHONE_MASK = "[phone]";
export const NAME_MASK = "[name]";

/** A run of digits and phone punctuation; a phone number when it holds at least 7 digits and is not a date. */
const PHONE_CANDIDATE = String.raw`\+?\(?\d[\d\s().-]{5,}\d`;
const ISO_DATE = String.raw`\d{4}-\d{2}-\d{2}`;
/** Words (letters, marks, apostrophes, hyphens) and what lies between them. */
const PIECES = String.raw`[\p{L}\p{M}'’-]+|[^\p{L}\p{M}'’-]+`;
const TITLES = ["Mr", "Mrs", "Ms", "Miss", "Dr", "Mx", "Prof"];

/** SQL masking emails and phone numbers in a text expression. */
export function maskContactsSql(text: string): string {
  const emails = `regexp_replace(${text}, ${literal(EMAIL_IN_TEXT)}, ${literal(EMAIL_MASK)}, 'g')`;
  return `list_reduce(list_prepend(${emails}, regexp_extract_all(${emails}, ${literal(PHONE_CANDIDATE)})),
    (masked, candidate) -> CASE WHEN length(regexp_replace(candidate, '\\D', '', 'g')) >= 7 AND NOT regexp_full_match(trim(candidate), ${literal(ISO_DATE)})
                                THEN replace(masked, candidate, ${literal(PHONE_MASK)}) ELSE masked END)`;
}

/**
 * Creates the temporary table `name_tokens` (lower-case first and last names) from the CRM
 * contacts and the config's privacy.names.
 */
export async function prepareNameTokens(context: TableContext): Promise<void> {
  const sources = [`SELECT NULL::VARCHAR AS name WHERE false`];
  if (context.schema.has("customer_contacts", "name")) sources.push(`SELECT name FROM customer_contacts`);
  for (const name of context.config?.privacy.names ?? []) sources.push(`SELECT ${literal(name)}`);
  await context.db.run(`
    CREATE OR REPLACE TEMP TABLE name_tokens AS
    SELECT DISTINCT lower(token) AS token
    FROM (SELECT unnest(regexp_extract_all(name, ${literal(String.raw`[\p{L}\p{M}'’-]+`)})) AS token FROM (${sources.join(" UNION ALL ")}))
    WHERE length(token) >= 2`);
}

/**
 * SQL over `source` (with the columns `keys` and `text`) giving the keys and `text` redacted.
 * A capitalised word that is a known name is masked unless it starts a sentence on its own
 * ("Price went up" keeps a Price; "Grace Smith helped" does not keep Grace); any capitalised
 * word after a title is masked. Needs prepareNameTokens first.
 */
export function redactionSql(source: string, keys: readonly string[]): string {
  const by = keys.join(", ");
  return `
    WITH masked AS (SELECT ${by}, ${maskContactsSql("text")} AS text FROM (${source})),
    pieces AS (SELECT ${by}, unnest(p) AS piece, generate_subscripts(p, 1) AS pos
               FROM (SELECT ${by}, regexp_extract_all(text, ${literal(PIECES)}) AS p FROM masked)),
    flagged AS (SELECT *, regexp_matches(piece, '^\\p{Lu}') AND lower(piece) IN (SELECT token FROM name_tokens) AS is_name FROM pieces),
    context AS (SELECT *, lag(piece) OVER w AS before, lag(piece, 2) OVER w AS word_before, lead(piece) OVER w AS after,
                       coalesce(lead(is_name, 2) OVER w, false) AS next_is_name
                FROM flagged WINDOW w AS (PARTITION BY ${by} ORDER BY pos)),
    joined AS (
      SELECT ${by}, string_agg(CASE
          WHEN is_name AND before IS NOT NULL AND NOT regexp_matches(before, '[.!?]') THEN ${literal(NAME_MASK)}
          WHEN is_name AND next_is_name AND regexp_full_match(after, '\\s+') THEN ${literal(NAME_MASK)}
          WHEN regexp_matches(piece, '^\\p{Lu}') AND word_before IN (${TITLES.map((t) => literal(t)).join(", ")}) THEN ${literal(NAME_MASK)}
          ELSE piece END, '' ORDER BY pos) AS text
      FROM context GROUP BY ALL)
    SELECT ${by}, regexp_replace(text, ${literal(String.raw`\[name\](\s+\[name\])+`)}, ${literal(NAME_MASK)}, 'g') AS text FROM joined`;
}
