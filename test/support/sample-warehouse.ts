import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { contextOf, type TableContext } from "../../loaders/warehouse/context.js";
import type { Database } from "../../loaders/core/db.js";
import { tableRows } from "../../loaders/publish/table-output.js";
import { openWarehouse } from "../../loaders/warehouse/warehouse.js";
import { PROJECT_DIR } from "./project.js";

/**
 * The bundled sample's warehouse, ingested into a scratch folder for the enclosing describe
 * block: `rows(name)` computes a table, sharing one context (and its memo) across the block.
 */
export function useSampleWarehouse() {
  let db: Database;
  let context: TableContext;
  let warehouseDir: string;
  beforeAll(async () => {
    warehouseDir = mkdtempSync(join(tmpdir(), "cva-sample-warehouse-"));
    db = await openWarehouse({ dataDir: join(PROJECT_DIR, "data"), warehouseDir });
    context = await contextOf(db);
  });
  afterAll(() => {
    db?.close();
    rmSync(warehouseDir, { recursive: true, force: true });
  });
  return {
    rows: (name: string) => tableRows<Record<string, any>>(db, name, context),
    db: () => db,
    context: () => context
  };
}
