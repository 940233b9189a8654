/**
 * The data contract, v1: which export files a data folder holds, their columns, types, keys
 * and references. docs/data-contract.md describes the same in words; ingest derives every
 * check from these specs.
 */
import type { Config } from "./config.js";

export const CONTRACT_VERSION = 1;

/** How a boolean column's text reads, compared lower-cased: everything else is rejected. */
export const TRUE_WORDS: readonly string[] = ["true", "t", "yes", "y", "1"];
export const FALSE_WORDS: readonly string[] = ["false", "f", "no", "n", "0"];

/**
 * How a column's text is read. `score` is a survey answer on one of the config's scales (its
 * "don't know" codes read as missing); `brand` and `attribute` must be named in the config.
 */
export type ColumnType =
  | "text"
  | "date"
  | "timestamp"
  | "decimal"
  | "rate"
  | "integer"
  | "boolean"
  | "outcome"
  | "score"
  | "brand"
  | "attribute"
  | "currency";

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** The column must be in the file's header. */
  inHeader?: boolean;
  /** Every row must have a value. */
  required?: boolean;
  /** Personal data: kept apart from the report tables and never shown in rejects. */
  pii?: boolean;
  /**
   * A key that may itself be personal data (customers keyed by e-mail): pseudonymized at
   * ingest wherever a value looks like an e-mail or phone number (loaders/ingest/pseudonyms.ts).
   */
  pseudonymized?: boolean;
  /** For `score` columns: which of the config's scales applies. */
  scale?: keyof Config["scales"];
}

export interface Reference {
  columns: string[];
  file: ExportName;
  /** The referenced file's columns, in the same order. */
  target: string[];
}

export interface FileSpec {
  name: ExportName;
  description: string;
  columns: ColumnSpec[];
  /** Columns whose values must be unique together; a duplicate stops ingest. */
  key: string[];
  /** Checked only when the referenced file is present in the folder. */
  references: Reference[];
  /** Pairs of columns where the first must not be later than the second. */
  ordered?: [string, string][];
  /** False: columns beyond the contract's are not read at all (a contacts export is mostly personal data). */
  extras?: false;
}

export type ExportName =
  | "currency_rates"
  | "customers"
  | "contacts"
  | "orders"
  | "products"
  | "opportunities"
  | "tickets"
  | "events"
  | "responses"
  | "ratings"
  | "importance"
  | "recommendations"
  | "activations";

const id = (name: string): ColumnSpec => ({
  name,
  type: "text",
  inHeader: true,
  required: true,
  ...(PERSONAL_KEYS.has(name) ? { pseudonymized: true } : {})
});
const optional = (name: string, type: ColumnType = "text", more: Partial<ColumnSpec> = {}): ColumnSpec => ({
  name,
  type,
  ...(PERSONAL_KEYS.has(name) ? { pseudonymized: true } : {}),
  ...more
});
/** Keys that tools fill with e-mail addresses: Shopify's customers, surveys sent by e-mail. */
const PERSONAL_KEYS = new Set(["customer_id", "respondent_id"]);
const toCustomers: Reference = { columns: ["customer_id"], file: "customers", target: ["customer_id"] };
const toResponses: Reference = {
  columns: ["respondent_id", "wave"],
  file: "responses",
  target: ["respondent_id", "wave"]
};

/** In dependency order: a file's references point to files before it. */
export const CONTRACT: readonly FileSpec[] = [
  {
    name: "currency_rates",
    description:
      "Optional: what one unit of a currency is worth in the report's currency, from a date on (blank: always), for exports that mix currencies.",
    columns: [
      { name: "currency", type: "currency", inHeader: true, required: true },
      { name: "rate", type: "rate", inHeader: true, required: true },
      optional("valid_from", "date")
    ],
    key: ["currency", "valid_from"],
    references: []
  },
  {
    name: "customers",
    description: "One row per customer in the CRM.",
    columns: [
      id("customer_id"),
      optional("name", "text", { pii: true }),
      optional("email", "text", { pii: true }),
      optional("phone", "text", { pii: true }),
      optional("segment"),
      optional("region"),
      optional("acquired_at", "date"),
      optional("rewards_member", "boolean")
    ],
    key: ["customer_id"],
    references: []
  },
  {
    name: "contacts",
    description:
      "Optional: which customer (account) each contact belongs to, to link tickets filed by a contact. Only these two columns are read.",
    columns: [id("contact_id"), id("customer_id")],
    key: ["contact_id"],
    references: [toCustomers],
    extras: false
  },
  {
    name: "products",
    description: "One row per product.",
    columns: [id("product_id"), optional("name"), optional("category")],
    key: ["product_id"],
    references: []
  },
  {
    name: "orders",
    description: "One row per order line or order; a negative amount is a refund.",
    columns: [
      id("order_id"),
      id("customer_id"),
      { name: "ordered_at", type: "timestamp", inHeader: true, required: true },
      { name: "amount", type: "decimal", inHeader: true, required: true },
      optional("cost", "decimal"),
      optional("product_id"),
      optional("quantity", "integer"),
      optional("currency", "currency")
    ],
    key: ["order_id"],
    references: [toCustomers, { columns: ["product_id"], file: "products", target: ["product_id"] }]
  },
  {
    name: "activations",
    description:
      "Optional: purchased services, licences or products that must be activated to be used; blank activated_at = not (yet) activated.",
    columns: [
      id("activation_id"),
      id("customer_id"),
      { name: "purchased_at", type: "date", inHeader: true, required: true },
      optional("activated_at", "date"),
      optional("order_id"),
      optional("product_id")
    ],
    key: ["activation_id"],
    references: [
      toCustomers,
      { columns: ["order_id"], file: "orders", target: ["order_id"] },
      { columns: ["product_id"], file: "products", target: ["product_id"] }
    ],
    ordered: [["purchased_at", "activated_at"]]
  },
  {
    name: "opportunities",
    description: "Won and lost deals, naming the competitor (blank: none).",
    columns: [
      id("opportunity_id"),
      { name: "closed_at", type: "date", inHeader: true, required: true },
      { name: "outcome", type: "outcome", inHeader: true, required: true },
      optional("competitor"),
      optional("reason"),
      optional("amount", "decimal"),
      optional("customer_id"),
      optional("segment"),
      optional("currency", "currency")
    ],
    key: ["opportunity_id"],
    references: [toCustomers]
  },
  {
    name: "tickets",
    description:
      "Complaints and requests; a blank resolved_at means never resolved; a blank customer_id is taken from contact_id through the contacts export, else the ticket is unlinked (in totals, not per customer).",
    columns: [
      id("ticket_id"),
      { name: "customer_id", type: "text", inHeader: true, pseudonymized: true },
      optional("contact_id"),
      { name: "opened_at", type: "timestamp", inHeader: true, required: true },
      optional("resolved_at", "timestamp"),
      optional("kind"),
      optional("satisfaction", "integer")
    ],
    key: ["ticket_id"],
    references: [toCustomers],
    ordered: [["opened_at", "resolved_at"]]
  },
  {
    name: "events",
    description: "Key events on the market timeline.",
    columns: [
      { name: "date", type: "date", inHeader: true, required: true },
      { name: "brand", type: "text", inHeader: true, required: true },
      { name: "title", type: "text", inHeader: true, required: true }
    ],
    key: [],
    references: []
  },
  {
    name: "responses",
    description: "One row per survey respondent per wave.",
    columns: [
      id("respondent_id"),
      id("wave"),
      optional("responded_at", "date"),
      optional("customer_id"),
      optional("segment"),
      optional("region"),
      // Optional: an NPS-only survey asks no satisfaction question.
      optional("overall_satisfaction", "score", { scale: "overall_satisfaction" }),
      optional("perceived_value", "score", { scale: "perceived_value" }),
      optional("likelihood_to_recommend", "score", { scale: "likelihood_to_recommend" }),
      optional("repurchase_intent", "score", { scale: "repurchase_intent" }),
      optional("preferred_brand", "brand"),
      optional("comment")
    ],
    key: ["respondent_id", "wave"],
    references: [toCustomers]
  },
  {
    name: "ratings",
    description: "Long form: one row per respondent x brand x attribute.",
    columns: [
      id("respondent_id"),
      id("wave"),
      { name: "brand", type: "brand", inHeader: true, required: true },
      { name: "attribute", type: "attribute", inHeader: true, required: true },
      { name: "score", type: "score", scale: "rating", inHeader: true }
    ],
    key: ["respondent_id", "wave", "brand", "attribute"],
    references: [toResponses]
  },
  {
    name: "importance",
    description: "Optional stated importance: one row per respondent x attribute.",
    columns: [
      id("respondent_id"),
      id("wave"),
      { name: "attribute", type: "attribute", inHeader: true, required: true },
      { name: "weight", type: "score", scale: "importance", inHeader: true }
    ],
    key: ["respondent_id", "wave", "attribute"],
    references: [toResponses]
  },
  {
    name: "recommendations",
    description: "Optional: likelihood to recommend each competitor, one row per respondent x brand.",
    columns: [
      id("respondent_id"),
      id("wave"),
      { name: "brand", type: "brand", inHeader: true, required: true },
      { name: "likelihood_to_recommend", type: "score", scale: "likelihood_to_recommend", inHeader: true }
    ],
    key: ["respondent_id", "wave", "brand"],
    references: [toResponses]
  }
];

/** File extensions ingest reads, and how. */
export const SOURCE_FORMATS = { ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".parquet": "parquet" } as const;

export const SURVEY_FILES: readonly ExportName[] = ["responses", "ratings"];
