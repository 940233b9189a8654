import { z } from "zod";

/**
 * The `sources` section of `cva.config.json`: files as survey tools and CRMs export them,
 * mapped to the contract's exports (docs/formats.md). A file named after an export
 * (`orders.csv`) needs no entry unless its conventions differ from the defaults.
 */

const column = z.string().min(1).describe("A column of the file, by its header (case-insensitive).");

/** Survey answers of the responses export that a wide survey file can hold, one column each. */
export const RESPONSE_FIELDS = [
  "responded_at",
  "customer_id",
  "segment",
  "region",
  "overall_satisfaction",
  "perceived_value",
  "likelihood_to_recommend",
  "repurchase_intent",
  "preferred_brand",
  "comment"
] as const;

const scoreMap = z.record(z.string(), z.number().int()).describe("Answer text (case-insensitive) → score.");

const ratingColumns = z
  .object({
    columns: z
      .record(z.string(), z.object({ brand: z.string().min(1), attribute: z.string().min(1) }).strict())
      .optional()
      .describe("Column → the brand and attribute it rates."),
    pattern: z
      .string()
      .includes("{attribute}")
      .optional()
      .describe("Column names as a pattern, e.g. Q5_{brand}_{attribute}; the codes map through brands and attributes."),
    brand: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The one brand every rating column rates, when the survey asks about us only (the pattern then has no {brand})."
      ),
    brands: z
      .record(z.string(), z.string().min(1))
      .optional()
      .describe(
        "Code in the pattern → brand (default: the code is the brand); columns with other codes are not ratings."
      ),
    attributes: z
      .record(z.string(), z.string().min(1))
      .optional()
      .describe(
        "Code in the pattern → attribute id (default: the code is the id); columns with other codes are not ratings."
      )
  })
  .strict()
  .refine((r) => (r.columns === undefined) !== (r.pattern === undefined), { message: "give either columns or pattern" })
  .refine((r) => r.pattern === undefined || r.pattern.includes("{brand}") !== (r.brand !== undefined), {
    message: "the pattern needs {brand}, or brand names the one brand all columns rate (not both)"
  });

const importanceColumns = z
  .object({
    columns: z
      .record(z.string(), z.string().min(1))
      .optional()
      .describe("Column → the attribute whose importance it holds."),
    pattern: z.string().includes("{attribute}").optional().describe("Column names as a pattern, e.g. IMP_{attribute}."),
    attributes: z.record(z.string(), z.string().min(1)).optional().describe("Code in the pattern → attribute id.")
  })
  .strict()
  .refine((r) => (r.columns === undefined) !== (r.pattern === undefined), {
    message: "give either columns or pattern"
  });

export const surveySourceSchema = z
  .object({
    wave: z
      .union([z.string().min(1), z.object({ column }).strict()])
      .describe("The survey wave: a label (e.g. 2026-Q3) for the whole file, or the column that holds it."),
    respondent: column
      .optional()
      .describe("The respondent id column (Qualtrics: ResponseId, SurveyMonkey: Respondent ID by default)."),
    respondentFromLine: z
      .boolean()
      .default(false)
      .describe("The file has no respondent id: number respondents by their line in the file."),
    answers: z
      .partialRecord(z.enum(RESPONSE_FIELDS), column)
      .default({})
      .describe("Responses export column → the file's column holding it."),
    ratings: ratingColumns.describe("Where the brand × attribute ratings are: one column each."),
    importance: importanceColumns.optional().describe("Stated importance, one column per attribute."),
    choices: scoreMap
      .default({})
      .describe('Choice text → score for every rating and answer, e.g. "Extremely likely": 10.'),
    recode: z
      .partialRecord(
        z.enum([
          "overall_satisfaction",
          "perceived_value",
          "likelihood_to_recommend",
          "repurchase_intent",
          "rating",
          "importance"
        ]),
        scoreMap
      )
      .default({})
      .describe(
        "Per answer (or rating/importance), value → score, applied first: e.g. an NPS item coded 1-11 to 0-10."
      ),
    includeUnfinished: z
      .boolean()
      .default(false)
      .describe("Qualtrics: keep responses with Finished = false (by default excluded, and counted).")
  })
  .strict();

/**
 * An export with a row per line item (Shopify, WooCommerce, invoice lines): the lines of one
 * order are summed into one row of the orders export; order fields are read from the order's
 * first line that has them (Shopify writes them on the first line only).
 */
export const lineItemsSchema = z
  .object({
    order: column.describe("The order's id or number, on every line (Shopify: Name; invoices: InvoiceNo)."),
    customer: column.describe("The customer's id, or e-mail (pseudonymized at ingest)."),
    date: column.describe("When the order was placed."),
    quantity: column.optional().describe("The line's quantity."),
    price: column
      .optional()
      .describe("The line's unit price: the order's amount is the sum of quantity × price (less discount)."),
    amount: column
      .optional()
      .describe("The order's net amount, on its first line (Shopify: Subtotal), instead of summing the lines."),
    discount: column.optional().describe("The order's discount, on its first line, taken off the sum of the lines."),
    refunded: column
      .optional()
      .describe("The amount refunded on the order (Shopify: Refunded Amount): a refund row of its own."),
    product: column.optional().describe("The line's product id, kept when the order has one line."),
    currency: column.optional().describe("The order's currency (ISO 4217)."),
    join: z
      .array(
        z
          .object({
            file: z
              .string()
              .min(1)
              .regex(/^[^/\\]+$/, "a file name in the data folder, without a folder")
              .describe(
                "A file of the data folder whose columns the lines lack (Olist: the orders, then the customers)."
              ),
            on: column.describe(
              "The column both hold: each line takes the columns of the file's first row with its value."
            )
          })
          .strict()
      )
      .default([])
      .describe(
        "Files joined to the lines, in order, for order fields kept apart (Olist's split files): their columns can then be mapped."
      )
  })
  .strict()
  .refine((l) => l.amount !== undefined || l.price !== undefined, {
    message: "give amount, or price (and quantity, else each line is one unit)"
  });

/** Shopify's orders export (Admin → Orders → Export), as it names its columns. */
export const SHOPIFY_LINES: z.input<typeof lineItemsSchema> = {
  order: "Name",
  customer: "Email",
  date: "Created at",
  quantity: "Lineitem quantity",
  amount: "Subtotal",
  refunded: "Refunded Amount",
  product: "Lineitem sku",
  currency: "Currency"
};

export const SOURCE_FORMATS_BY_TOOL = ["csv", "qualtrics", "surveymonkey", "salesforce", "hubspot", "shopify"] as const;
export type SourceFormat = (typeof SOURCE_FORMATS_BY_TOOL)[number];

/** Exports a CRM file (not a survey) can hold. */
const CRM_EXPORTS = [
  "customers",
  "contacts",
  "orders",
  "products",
  "opportunities",
  "tickets",
  "events",
  "activations",
  "responses",
  "ratings",
  "importance",
  "recommendations"
] as const;

export const sourceSchema = z
  .object({
    file: z
      .string()
      .min(1)
      .regex(/^[^/\\]+$/, "a file name in the data folder, without a folder")
      .describe("The file's name in the data folder."),
    format: z
      .enum(SOURCE_FORMATS_BY_TOOL)
      .default("csv")
      .describe("The tool that wrote it: how its header, totals and footer rows are laid out."),
    export: z
      .enum(CRM_EXPORTS)
      .optional()
      .describe(
        "The contract export the file holds (not needed with survey, nor when the file is named after the export)."
      ),
    rename: z
      .record(z.string(), z.string().min(1))
      .default({})
      .describe("The file's column → the contract's column name."),
    decimal: z.enum([".", ","]).optional().describe("Decimal separator (default: , in files delimited by ;, else .)."),
    dates: z
      .enum(["MM/DD/YYYY", "DD/MM/YYYY"])
      .optional()
      .describe("How dates with slashes are read; needed when the file's dates do not tell."),
    encoding: z
      .enum(["utf-8", "utf-16", "windows-1252"])
      .optional()
      .describe("The file's text encoding (default: detected)."),
    survey: surveySourceSchema
      .optional()
      .describe("A wide survey file: one row per respondent, one column per brand × attribute."),
    lines: lineItemsSchema
      .optional()
      .describe(
        "An orders export with a row per line item, summed into one order each (format shopify: Shopify's columns by default)."
      )
  })
  .strict();

export type SourceConfig = z.output<typeof sourceSchema>;
export type SurveySourceConfig = z.output<typeof surveySourceSchema>;
