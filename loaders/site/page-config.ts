/** What pages need to know of a data folder besides its tables: the survey's settings, the currency and scales, the inputs it holds. */
import type { Database } from "../core/db.js";
import { literal } from "../core/sql.js";
import { configSchema, DEFAULT_CURRENCY, isSurveyConfig } from "../contract/config.js";
import { CONTRACT } from "../contract/contract.js";
import { EXPLORE_TABLES } from "../metrics/registry.js";
import { withWarehouse, type FolderOptions } from "../publish/folder.js";
import { contextOf } from "../warehouse/context.js";

/**
 * What pages need of the config: brands, attributes, fair-value line, cell size. Without a
 * survey config, `survey` is false and the brands and attributes are empty, so that a survey
 * page in a CRM-only folder draws nothing rather than failing (it says which export it needs).
 */
export function surveyConfigOfFolder(dataDir: string, options: FolderOptions = {}) {
  return withWarehouse({ ...options, dataDir }, surveyConfigFrom);
}

/** What pages need of the config (see `surveyConfigOfFolder`), from an open warehouse. */
export async function surveyConfigFrom(db: Database) {
  const { config } = await contextOf(db);
  const { minCellSize, fairValue, currency, scales } = config ?? configSchema.parse({});
  if (!isSurveyConfig(config))
    return {
      survey: false,
      brand: "",
      competitors: [] as string[],
      attributes: [],
      minCellSize,
      fairValue,
      currency,
      scales
    };
  const { brand, competitors, attributes } = config;
  return { survey: true, brand, competitors, attributes, minCellSize, fairValue, currency, scales };
}

/**
 * What every page needs, survey or not: the reports' currency, the answer scales, and the
 * inputs the folder holds (`orders`, `responses.overall_satisfaction`), so a page can say
 * which export would bring a report it cannot show.
 */
export function reportConfigOfFolder(dataDir: string, options: FolderOptions = {}) {
  return withWarehouse({ ...options, dataDir }, reportConfigFrom);
}

/** What every page needs (see `reportConfigOfFolder`), from an open warehouse. */
export async function reportConfigFrom(db: Database) {
  const { config } = await contextOf(db);
  const exports = CONTRACT.map((spec) => spec.name);
  const columns = await db.rows<{ t: string; c: string }>(`
      SELECT table_name AS t, column_name AS c FROM duckdb_columns() WHERE schema_name = 'main' AND table_name IN (${exports.map(literal).join(", ")}) ORDER BY ALL`);
  const inputs = [...new Set(columns.flatMap(({ t, c }) => [t, `${t}.${c}`]))];
  return {
    currency: config?.currency ?? DEFAULT_CURRENCY,
    scales: config?.scales ?? configSchema.parse({}).scales,
    inputs
  };
}

/** The name of a table in the explore page's SQL: `rfm-segments` is `rfm_segments`. */
export function sqlTableName(name: string): string {
  return name.replaceAll("-", "_");
}

/** The tables on the explore page, by their SQL name, with what each holds. */
export function exploreTableList(): { table: string; description: string }[] {
  return EXPLORE_TABLES.map((t) => ({ table: sqlTableName(t.name), description: t.description }));
}
