/**
 * The table registry: every table the reports and the CLI can compute, as the families declare
 * them. The same definition serves `cva table` and the site's data loaders, so the two cannot
 * disagree. A new table: its family's `tables.ts`, nothing here.
 */
import { UsageError } from "../core/errors.js";
import { CUSTOMER_TABLES } from "./customers/tables.js";
import { INPUT_TABLES } from "./inputs/tables.js";
import { LOYALTY_TABLES } from "./loyalty/tables.js";
import { SALES_TABLES } from "./sales/tables.js";
import { SUMMARY_TABLES } from "./summary/tables.js";
import type { TableDefinition } from "./table.js";
import { TRACKING_TABLES } from "./tracking/tables.js";
import { VALUE_TABLES } from "./value/tables.js";

/** The tables by family, as the benchmark times them. */
export const TABLE_FAMILIES: Readonly<Record<string, readonly TableDefinition[]>> = {
  inputs: INPUT_TABLES,
  sales: SALES_TABLES,
  "customer value analysis": VALUE_TABLES,
  loyalty: LOYALTY_TABLES,
  "competitor tracking": TRACKING_TABLES,
  "value of each customer": CUSTOMER_TABLES,
  summary: SUMMARY_TABLES
};

export const TABLES: readonly TableDefinition[] = Object.values(TABLE_FAMILIES).flat();

/** The tables an analyst may query on the explore page: aggregates, never rows of people. */
export const EXPLORE_TABLES: readonly TableDefinition[] = TABLES.filter((t) => !t.large && !t.rowLevel);

export function tableNamed(name: string): TableDefinition {
  const table = TABLES.find((t) => t.name === name);
  if (!table) throw new UsageError(`unknown table ${name}: the tables are ${TABLES.map((t) => t.name).join(", ")}`);
  return table;
}
