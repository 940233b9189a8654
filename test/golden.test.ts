// Every table on three folders (the sample company at a small scale, its CRM exports alone, its
// survey alone) against its expected output in test/golden/: a refactoring that changes any
// figure, or a table that starts failing on a partial folder, shows as a changed file.
import { cpSync, mkdtempSync, readdirSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Database } from "../loaders/core/db.js";
import { TABLES } from "../loaders/metrics/registry.js";
import { tableQuery, tableRows } from "../loaders/publish/table-output.js";
import { contextOf, type TableContext } from "../loaders/warehouse/context.js";
import { openWarehouse } from "../loaders/warehouse/warehouse.js";
import { generateSample } from "../scripts/sample/generate.js";
import { expectGolden, rowsText } from "./support/golden.js";

const SURVEY = ["responses", "ratings", "importance", "recommendations"];
const CRM = ["customers", "orders", "products", "opportunities", "tickets", "events", "activations"];
const FOLDERS: Record<string, readonly string[]> = { full: [], "crm-only": SURVEY, "survey-only": CRM };

/** Of a table with a row per customer, the first 50 rows: enough to see a change. */
const LARGE_ROWS = 50;

const scratch = mkdtempSync(join(tmpdir(), "cva-golden-"));
// The files' times are fixed: the provenance table shows them.
const MODIFIED = new Date("2026-01-01T00:00:00Z");
beforeAll(() => {
  const full = join(scratch, "full");
  generateSample({ outDir: full, scale: 0.08 });
  for (const file of readdirSync(full)) utimesSync(join(full, file), MODIFIED, MODIFIED);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

for (const [folder, leftOut] of Object.entries(FOLDERS)) {
  describe(`the tables of the ${folder} folder`, () => {
    let db: Database;
    let context: TableContext;
    beforeAll(async () => {
      const dataDir = join(scratch, folder);
      if (leftOut.length) {
        cpSync(join(scratch, "full"), dataDir, { recursive: true, preserveTimestamps: true });
        for (const name of leftOut) rmSync(join(dataDir, `${name}.csv`));
      }
      db = await openWarehouse({ dataDir, warehouseDir: join(scratch, `warehouse-${folder}`) });
      context = await contextOf(db);
    });
    afterAll(() => db.close());

    it.each(TABLES.map((t) => [t.name, t] as const))("%s", async (name, table) => {
      const rows = table.large
        ? await db.rows(`SELECT * FROM (${(await tableQuery(db, name, context)).query}) LIMIT ${LARGE_ROWS}`)
        : await tableRows<Record<string, unknown>>(db, name, context);
      expectGolden(
        `${folder}/${name}.jsonl`,
        rowsText(
          table.columns.map(([c]) => c),
          rows
        )
      );
    });
  });
}
