/**
 * Columns beyond the contract's that hold personal data: recognised by their name, and by
 * their values. Such a column is never kept, not even in the warehouse: the contract's own
 * personal columns (name, email, phone) go to customer_contacts, these nowhere. Each drop is
 * named in the ingest warnings.
 */
import type { Database } from "../core/db.js";
import { identifier } from "../core/sql.js";
import { EMAIL_IN_TEXT, personalKeySql } from "./pseudonyms.js";

/**
 * Words that make a column personal wherever they appear in its name, once its separators
 * are removed (`Billing Street`, `BillingStreet`, `billing_street` all read `billingstreet`).
 */
export const PERSONAL_WORDS = [
  "email",
  "phone",
  "mobile",
  "street",
  "address",
  "postalcode",
  "postcode",
  "zipcode",
  "latitude",
  "longitude",
  "birth",
  "passport",
  "socialsecurity",
  "surname",
  "firstname",
  "lastname",
  "fullname",
  "middlename",
  "maidenname"
] as const;

/** Whole names (separators removed) that are personal: short codes that are too common inside other words. */
export const PERSONAL_NAMES = ["zip", "fax", "cell", "dob", "ssn", "lat", "lng", "lon", "ip"] as const;

/** A person's name: `<qualifier> name` (`Billing Name`, `SuppliedName`, `Contact Name`). */
export const NAME_QUALIFIERS = [
  "given",
  "family",
  "contact",
  "recipient",
  "billing",
  "shipping",
  "supplied",
  "customer",
  "person",
  "nick",
  "buyer",
  "user"
] as const;

/** People attached to a record: the last word is `owner` or `contact` (`Deal owner`, `Associated Contact`), not `Owner ID`. */
export const PERSON_ROLES = ["owner", "contact", "contacts"] as const;

/** Whether a column's name says it holds personal data. */
export function isPersonalName(column: string): boolean {
  const compact = column
    .normalize("NFKD")
    .toLowerCase()
    .replace(/e-mail/g, "email")
    .replace(/[^a-z0-9]+/g, "");
  if (PERSONAL_WORDS.some((word) => compact.includes(word))) return true;
  if ((PERSONAL_NAMES as readonly string[]).includes(compact)) return true;
  if (NAME_QUALIFIERS.some((q) => compact.endsWith(`${q}name`))) return true;
  return PERSON_ROLES.some((role) => compact.endsWith(role) && compact !== role);
}

/**
 * The columns of `relation` among `columns` that hold an e-mail address anywhere in a value,
 * or a value that is a phone number (written as one: see personalKeySql), in one scan.
 */
export async function columnsHoldingContacts(db: Database, relation: string, columns: string[]): Promise<string[]> {
  if (!columns.length) return [];
  const checks = columns.map((c, i) => {
    const v = identifier(c);
    return `bool_or((contains(${v}, '@') AND regexp_matches(${v}, '${EMAIL_IN_TEXT}')) OR ${personalKeySql(v)}) AS c${i}`;
  });
  const [found] = await db.rows<Record<string, boolean | null>>(
    `SELECT ${checks.join(", ")} FROM ${identifier(relation)}`
  );
  return columns.filter((_, i) => found?.[`c${i}`] === true);
}
