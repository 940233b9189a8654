import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { IngestError, type Problem } from "../core/errors.js";

/** `cva validate` fails on a file with more of its rows rejected than this (validate.maxRejectedShare). */
export const DEFAULT_MAX_REJECTED_SHARE = 0.5;
/** Two-digit years below this are 20xx, the rest 19xx (POSIX `%y`; dates.pivot). */
export const DEFAULT_PIVOT = 69;
/** Dates before this are implausible (dates.earliest). */
export const DEFAULT_EARLIEST_DATE = "1900-01-01";
/** Dates more than this many years after the ingest are implausible (dates.yearsAhead). */
export const DEFAULT_YEARS_AHEAD = 1;

/** How deal stages are compared: lower case, runs of spaces as one, no spaces at the ends. */
export function normalStage(stage: string): string {
  return stage.trim().replace(/\s+/g, " ").toLowerCase();
}
import { sourceSchema } from "./source-config.js";

export const CONFIG_FILE = "cva.config.json";
/** The data folder's subfolder where builds keep what each quarterly review published; never an export. */
export const PUBLISHED_DIR = "published";

/** The reports' currency without a config. */
export const DEFAULT_CURRENCY = "USD";

const scale = z
  .object({ min: z.number().int(), max: z.number().int() })
  .strict()
  .refine((s) => s.min < s.max, { message: "min must be below max" });

/** Churn without a flag: this many days without an order. */
export const DEFAULT_INACTIVE_DAYS = 180;

const identifierPattern = /^[a-z][a-z0-9_]*$/;

/**
 * The schema of `cva.config.json`. Its parsed output is the configuration every report uses;
 * `docs/cva.config.schema.json` is generated from it for editors.
 */
export const configSchema = z
  .object({
    $schema: z.string().optional().describe("Path or URL of the JSON Schema, for editors."),
    brand: z
      .string()
      .min(1)
      .optional()
      .describe("Our brand, exactly as it appears in the ratings export's brand column (needed with survey exports)."),
    competitors: z
      .array(z.string().min(1))
      .optional()
      .describe(
        "Competitor brands, as in the ratings export (needed with survey exports; empty when the survey asks about us only)."
      ),
    attributes: z
      .array(
        z
          .object({
            id: z
              .string()
              .regex(identifierPattern, "use lower-case letters, digits and _, starting with a letter")
              .describe("Attribute id, as in the ratings and importance exports."),
            label: z.string().min(1).describe("Name shown in the reports."),
            group: z.enum(["quality", "price"]).describe("Gale's quality profile or price profile."),
            owner: z.string().min(1).describe("The business function that owns the attribute (what/who matrix)."),
            factor: z
              .enum(["product", "service", "personnel", "image", "price", "overall"])
              .optional()
              .describe(
                "The value factor the attribute belongs to; overall: a rating of the overall value of the product or service."
              ),
            weight: z
              .number()
              .positive()
              .optional()
              .describe(
                "Importance weight, used when the survey has no stated importance; normalized to sum to 100 within the group."
              )
          })
          .strict()
      )
      .min(1)
      .optional(),
    scales: z
      .object({
        rating: scale.default({ min: 1, max: 10 }),
        importance: scale.default({ min: 1, max: 10 }),
        overall_satisfaction: scale.default({ min: 1, max: 10 }),
        perceived_value: scale.default({ min: 1, max: 10 }),
        likelihood_to_recommend: scale.default({ min: 0, max: 10 }),
        repurchase_intent: scale.default({ min: 1, max: 5 })
      })
      .strict()
      .prefault({})
      .describe("Answer scales; a score outside its scale is rejected."),
    dontKnowCodes: z
      .array(z.union([z.number(), z.string().min(1)]))
      .default(["Don't know", "N/A"])
      .describe('Answers that mean "don\'t know": read as missing, not rejected. Text codes match case-insensitively.'),
    outcomes: z
      .object({
        won: z
          .array(z.string().min(1))
          .default([])
          .describe("Deal stages that mean the deal was won, besides Closed Won."),
        lost: z
          .array(z.string().min(1))
          .default([])
          .describe("Deal stages that mean the deal was lost, besides Closed Lost."),
        open: z
          .array(z.string().min(1))
          .default([])
          .describe(
            "Deal stages of deals still open (pipeline: counted, never in win rates), besides Salesforce's and HubSpot's standard ones."
          )
      })
      .strict()
      .prefault({})
      .describe(
        "Deal stages of the opportunities export, matched in any case and spacing, added to the standard stages of Salesforce and HubSpot (docs/formats.md)."
      ),
    customerBase: z
      .object({
        column: z
          .string()
          .min(1)
          .describe(
            "The customers export's column that says what a record is (HubSpot: Lifecycle Stage; Salesforce: Type)."
          ),
        values: z
          .array(z.string().min(1))
          .min(1)
          .describe(
            'Its values that mean a customer (any case), e.g. ["Customer - Direct", "Customer - Channel"]; other records, and blank ones, are rejected as not-a-customer.'
          )
      })
      .strict()
      .optional()
      .describe("Keeps prospects, leads and partners out of the customer base."),
    validate: z
      .object({
        maxRejectedShare: z
          .number()
          .min(0)
          .max(1)
          .default(DEFAULT_MAX_REJECTED_SHARE)
          .describe(
            "cva validate fails when a file has more than this share of its rows rejected (report totals, leads and unfinished responses not counted), or all of them."
          )
      })
      .strict()
      .prefault({}),
    minCellSize: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe("Survey breakdowns with fewer respondents are suppressed."),
    prices: z
      .record(z.string(), z.number().positive())
      .optional()
      .describe(
        "Actual selling prices by brand (any common unit): the value map then uses 100 x price / mean competitor price."
      ),
    fairValue: z
      .object({
        slope: z
          .number()
          .positive()
          .default(1)
          .describe("Relative price points per relative quality point along the fair-value line through (100, 100)."),
        band: z
          .number()
          .min(0)
          .default(10)
          .describe("Width of the fair-value zone around the line, in points measured across it.")
      })
      .strict()
      .prefault({}),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "use an ISO 4217 code such as USD")
      .default(DEFAULT_CURRENCY)
      .describe(
        "The reports' currency (ISO 4217): every amount is taken to be in it, or converted to it through currency_rates.csv."
      ),
    dates: z
      .object({
        pivot: z
          .number()
          .int()
          .min(0)
          .max(100)
          .default(DEFAULT_PIVOT)
          .describe(
            "Two-digit years (7/9/14) below the pivot are 20xx, the others 19xx; 69 as POSIX %y (00-68 → 2000-2068, 69-99 → 1969-1999)."
          ),
        timeZone: z
          .string()
          .refine(isTimeZone, "use an IANA time zone such as UTC or America/New_York")
          .default("UTC")
          .describe(
            "The report's time zone: a timestamp with an offset (2025-12-06 10:37:33 -0500) is read as an instant and dated in this zone."
          ),
        earliest: z.iso
          .date()
          .default(DEFAULT_EARLIEST_DATE)
          .describe("Dates before this are rejected as implausible-date."),
        yearsAhead: z
          .number()
          .int()
          .min(0)
          .max(1000)
          .default(DEFAULT_YEARS_AHEAD)
          .describe("Dates more than this many years after the ingest are rejected as implausible-date.")
      })
      .strict()
      .prefault({})
      .describe("How dates are read in every file (docs/data-contract.md)."),
    churn: z
      .object({
        inactiveDays: z
          .number()
          .int()
          .min(1)
          .default(DEFAULT_INACTIVE_DAYS)
          .describe("Without a churn flag, a customer has churned after this many days without an order."),
        flagColumn: z
          .string()
          .min(1)
          .optional()
          .describe("A customers column holding an explicit churn flag (yes/true/1), used instead of inactivity.")
      })
      .strict()
      .prefault({}),
    privacy: z
      .object({
        comments: z
          .enum(["redacted", "none"])
          .default("redacted")
          .describe(
            "Survey comments on the site: redacted (emails, phone numbers and known names masked) or none at all."
          ),
        names: z
          .array(z.string().min(2))
          .default([])
          .describe(
            "More names to mask in comments besides the CRM contacts' (staff, account managers): full names or single names."
          )
      })
      .strict()
      .prefault({}),
    sources: z
      .array(sourceSchema)
      .default([])
      .describe(
        "Files as survey tools and CRMs export them, mapped to the exports (docs/formats.md); a file named after its export needs no entry."
      )
  })
  .strict()
  .superRefine((config, context) => {
    config.sources.forEach((source, i) => {
      if (config.sources.findIndex((s) => s.file.toLowerCase() === source.file.toLowerCase()) !== i) {
        context.addIssue({ code: "custom", path: ["sources", i, "file"], message: `${source.file} is mapped twice` });
      }
      if (source.survey && source.export)
        context.addIssue({
          code: "custom",
          path: ["sources", i, "export"],
          message: "a survey source gives responses and ratings: drop export"
        });
      if ((source.lines || source.format === "shopify") && source.export && source.export !== "orders") {
        context.addIssue({
          code: "custom",
          path: ["sources", i, "export"],
          message: "line items are summed into orders: export must be orders"
        });
      }
    });
    const stages = new Map<string, string>();
    for (const outcome of ["won", "lost", "open"] as const) {
      config.outcomes[outcome].forEach((stage, i) => {
        const key = normalStage(stage),
          other = stages.get(key);
        if (other && other !== outcome)
          context.addIssue({
            code: "custom",
            path: ["outcomes", outcome, i],
            message: `stage ${stage} is listed under both ${other} and ${outcome}`
          });
        stages.set(key, outcome);
      });
    }
    const survey = [config.brand, config.competitors, config.attributes];
    if (survey.some((v) => v !== undefined) && survey.some((v) => v === undefined)) {
      for (const key of ["brand", "competitors", "attributes"] as const) {
        if (config[key] === undefined)
          context.addIssue({
            code: "custom",
            path: [key],
            message: `${key} is needed with brand, competitors and attributes: give all three or none`
          });
      }
      return;
    }
    if (config.brand === undefined || config.competitors === undefined || config.attributes === undefined) return;
    const brands = [config.brand, ...config.competitors];
    brands.forEach((brand, i) => {
      if (brands.indexOf(brand) !== i) {
        context.addIssue({
          code: "custom",
          path: i === 0 ? ["brand"] : ["competitors", i - 1],
          message: `brand ${brand} is listed twice`
        });
      }
    });
    for (const brand of Object.keys(config.prices ?? {})) {
      if (!brands.includes(brand))
        context.addIssue({
          code: "custom",
          path: ["prices", brand],
          message: `${brand} is neither the brand nor a competitor`
        });
    }
    const attributes = config.attributes;
    attributes.forEach((attribute, i) => {
      if (attributes.findIndex((a) => a.id === attribute.id) !== i) {
        context.addIssue({
          code: "custom",
          path: ["attributes", i, "id"],
          message: `attribute id ${attribute.id} is listed twice`
        });
      }
    });
  });

export type Config = z.output<typeof configSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A config with the survey settings, which every survey table needs. */
export type SurveyConfig = Config & Required<Pick<Config, "brand" | "competitors" | "attributes">>;

export function isSurveyConfig(config: Config | undefined): config is SurveyConfig {
  return config?.brand !== undefined && config.competitors !== undefined && config.attributes !== undefined;
}

/** The JSON Schema of `cva.config.json` (what the input may be, defaults included). */
export function configJsonSchema(): object {
  return z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" });
}

/**
 * Reads and validates `<dataDir>/cva.config.json`; undefined when the folder has none.
 * Throws an IngestError with one problem per schema violation (or the JSON syntax error's
 * line and column).
 */
export function readConfig(dataDir: string): Config | undefined {
  const path = join(dataDir, CONFIG_FILE);
  if (!existsSync(path)) return undefined;
  return parseConfig(readFileSync(path, "utf-8").replace(/^\uFEFF/, ""));
}

export function parseConfig(text: string): Config {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = Number(/position (\d+)/.exec(message)?.[1]);
    const where = Number.isFinite(position) ? lineAndColumn(text, position) : {};
    throw new IngestError([
      {
        file: CONFIG_FILE,
        ...where,
        rule: "json",
        message: `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`
      }
    ]);
  }
  const result = configSchema.safeParse(json);
  if (result.success) return result.data;
  throw new IngestError(
    result.error.issues.map((issue): Problem => ({
      file: CONFIG_FILE,
      column: issue.path.length ? issue.path.map(String).join(".") : undefined,
      rule: "config",
      message: issue.message
    }))
  );
}

function lineAndColumn(text: string, position: number): { line: number; column: string } {
  const before = text.slice(0, position).split("\n");
  return { line: before.length, column: `character ${before.at(-1)!.length + 1}` };
}

/** The config's likelihood-to-recommend scale is the one NPS is defined on: 0-10 (promoters 9-10, detractors 0-6). */
export function isNpsScale(config: Config): boolean {
  const { min, max } = config.scales.likelihood_to_recommend;
  return min === 0 && max === 10;
}
