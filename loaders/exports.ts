import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "./db.js";
import { identifier, literal } from "./sql.js";

/**
 * Declared types of the export columns the reports read so far. DuckDB parses with these
 * types and detects the rest. (Full validation with reject tracking belongs to ingest.)
 */
export const EXPORT_TYPES = {
  customers: { customer_id: "VARCHAR", acquired_at: "DATE", rewards_member: "BOOLEAN" },
  orders: { order_id: "VARCHAR", customer_id: "VARCHAR", ordered_at: "TIMESTAMP", amount: "DECIMAL(18,2)", cost: "DECIMAL(18,2)", quantity: "INTEGER" },
  responses: { respondent_id: "VARCHAR", wave: "VARCHAR", responded_at: "DATE", customer_id: "VARCHAR" }
} as const satisfies Record<string, Record<string, string>>;

export type ExportName = keyof typeof EXPORT_TYPES;

/** Creates one view per export over its CSV file in `dataDir`, named after the export. */
export async function attachExports(db: Database, dataDir: string, names: readonly ExportName[]): Promise<void> {
  for (const name of names) {
    const path = join(dataDir, `${name}.csv`);
    if (!existsSync(path)) throw new Error(`${path}: missing export file ${name}.csv`);
    const types = Object.entries(EXPORT_TYPES[name]).map(([column, type]) => `${literal(column)}: ${literal(type)}`);
    await db.run(
      `CREATE OR REPLACE VIEW ${identifier(name)} AS SELECT * FROM read_csv(${literal(path)}, header = true, types = {${types.join(", ")}})`
    );
  }
}
