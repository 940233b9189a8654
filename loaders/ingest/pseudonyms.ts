/**
 * Customer keys that are personal data. Shopify and many CRMs key customers by e-mail (or a
 * phone number); published as they are, the best-customers table would list addresses. Such
 * a key is replaced at ingest by a keyed hash, `anon-` and 16 hex digits, in every file alike,
 * so the same customer still links across files and waves while the site shows only the
 * pseudonym. The key (a random secret) stays in the warehouse folder: without it a pseudonym
 * cannot be tied back to an address by hashing guesses.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { literal } from "../core/sql.js";

/** An e-mail address inside a text (a comment, "Ann <ann@x.example>"): ingest drops columns holding one, the comments mask them. */
export const EMAIL_IN_TEXT = String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+`;

/** A whole value that is an e-mail address. */
export const EMAIL_SHAPE = String.raw`[^@\s]+@[^@\s]+\.[^@\s]+`;
/**
 * A whole value that is a phone number: 7 to 15 digits written with a phone's punctuation
 * (`+1 303-555-0110`, `(303) 555 0110`). Bare digits are not: they are how most CRMs number
 * customers, and `9001` or `1234567890` must stay the ids analysts look up.
 */
export const PHONE_SHAPE = String.raw`\+?[\d\s().-]{7,24}`;

/** Whether the text value `v` (SQL) looks like an e-mail address or a phone number. */
export function personalKeySql(v: string): string {
  return `(regexp_full_match(${v}, '${EMAIL_SHAPE}') OR (regexp_full_match(${v}, '${PHONE_SHAPE}') AND regexp_matches(${v}, '[+() .-]')
    AND length(regexp_replace(${v}, '\\D', '', 'g')) BETWEEN 7 AND 15 AND NOT regexp_full_match(${v}, '\\d{4}-\\d{2}-\\d{2}')))`;
}

/**
 * The key `v` (SQL), pseudonymized when it is personal: e-mails compared in lower case, phone
 * numbers by their digits, so `Ann@X.example` and `ann@x.example` are one customer. Other
 * keys, and pseudonyms themselves, are returned unchanged: the function is idempotent, so
 * raw and already-typed keys can be compared through it.
 */
export function pseudonymSql(v: string, secret: string): string {
  const normal = `CASE WHEN contains(${v}, '@') THEN lower(${v}) ELSE regexp_replace(${v}, '\\D', '', 'g') END`;
  // Most keys (C000123, 0015g00000XyZ) hold none of @ + ( - space . : they skip the regular expressions.
  const maybe = `(contains(${v}, '@') OR contains(${v}, '+') OR contains(${v}, '(') OR contains(${v}, '-') OR contains(${v}, ' ') OR contains(${v}, '.'))`;
  return `CASE WHEN ${maybe} AND ${personalKeySql(v)} THEN 'anon-' || left(sha256(${literal(secret)} || chr(31) || ${normal}), 16) ELSE ${v} END`;
}

/** The pseudonyms' secret of a warehouse folder: made once, then kept, so pseudonyms are stable across builds. */
export function pseudonymSecretOf(warehouseDir: string): string {
  const path = join(warehouseDir, "pseudonym.key");
  if (!existsSync(path)) {
    try {
      writeFileSync(path, randomBytes(32).toString("hex"), { flag: "wx", mode: 0o600 });
      chmodSync(path, 0o600);
    } catch (error) {
      // Another build made it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return readFileSync(path, "utf-8").trim();
}

/** For an ingest that has no warehouse folder (tests, a scratch database): one secret per process. */
export const PROCESS_SECRET = randomBytes(32).toString("hex");
