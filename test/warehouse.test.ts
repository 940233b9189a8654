import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IngestError } from "../loaders/core/errors.js";
import { readCachedTable } from "../loaders/warehouse/table-cache.js";
import { precomputeTables } from "../loaders/publish/precompute.js";
import { TABLES } from "../loaders/metrics/registry.js";
import { tableRows } from "../loaders/publish/table-output.js";
import { ensureWarehouse, openWarehouse } from "../loaders/warehouse/warehouse.js";
import { ingestCodeKey, libraryCodeKey, warehouseKey } from "../loaders/warehouse/keys.js";
import { LIBRARY_DIR } from "../loaders/core/environment.js";
import { VALID_FOLDER } from "./support/fixture-folder.js";

describe("ensureWarehouse({dataDir, warehouseDir})", () => {
  let dataDir: string;
  let warehouseDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "cva-data-"));
    warehouseDir = mkdtempSync(join(tmpdir(), "cva-wh-"));
    for (const [name, contents] of Object.entries(VALID_FOLDER)) writeFileSync(join(dataDir, name), contents);
  });
  afterEach(() => [dataDir, warehouseDir].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("ingests once, and not again while the exports and config are unchanged", async () => {
    const first = await ensureWarehouse({ dataDir, warehouseDir });
    const second = await ensureWarehouse({ dataDir, warehouseDir });
    expect(first.ingested).toBe(true);
    expect(second).toEqual({ path: first.path, ingested: false });
  });

  it("re-ingests when an export or the config changes, and removes the stale warehouse", async () => {
    const first = await ensureWarehouse({ dataDir, warehouseDir });
    writeFileSync(
      join(dataDir, "orders.csv"),
      String(VALID_FOLDER["orders.csv"]) + "O3,C1,2024-03-01,7.00,3.00,P1,1\n"
    );
    const second = await ensureWarehouse({ dataDir, warehouseDir });
    expect(second.ingested).toBe(true);
    expect(second.path).not.toBe(first.path);
    expect(existsSync(first.path)).toBe(false);
    const db = await openWarehouse({ dataDir, warehouseDir });
    try {
      expect(await db.rows("SELECT count(*)::INT AS n FROM orders")).toEqual([{ n: 3 }]);
    } finally {
      db.close();
    }
    utimesSync(join(dataDir, "cva.config.json"), new Date(), new Date(Date.now() + 10_000));
    expect((await ensureWarehouse({ dataDir, warehouseDir })).ingested).toBe(true);
  });

  it("leaves no warehouse, not even a partial one, when ingest fails", async () => {
    writeFileSync(join(dataDir, "orders.csv"), "");
    await expect(ensureWarehouse({ dataDir, warehouseDir })).rejects.toBeInstanceOf(IngestError);
    expect(readdirSync(warehouseDir).filter((f) => f !== "pseudonym.key")).toEqual([]);
  });

  it("opens warehouses read-only", async () => {
    const db = await openWarehouse({ dataDir, warehouseDir });
    try {
      await expect(db.run("DELETE FROM orders")).rejects.toThrow(/read-only/);
    } finally {
      db.close();
    }
  });

  it("precomputeTables writes every table once; the cache is read while current and ignored once the inputs change", async () => {
    expect(await precomputeTables({ dataDir, warehouseDir })).toBe(TABLES.filter((t) => !t.large).length);
    expect(await precomputeTables({ dataDir, warehouseDir })).toBe(0);
    const db = await openWarehouse({ dataDir, warehouseDir });
    try {
      // Query tables' JSON is read back from the Parquet they were written to: the same rows
      // as computed directly (compared as JSON, which writes -0 as 0).
      for (const table of TABLES.filter((t) => !t.large)) {
        expect(readCachedTable({ dataDir, warehouseDir }, table.name), table.name).toEqual(
          JSON.parse(JSON.stringify(await tableRows(db, table.name)))
        );
      }
    } finally {
      db.close();
    }
    writeFileSync(
      join(dataDir, "orders.csv"),
      String(VALID_FOLDER["orders.csv"]) + "O3,C1,2024-03-01,7.00,3.00,P1,1\n"
    );
    expect(readCachedTable({ dataDir, warehouseDir }, "revenue-by-quarter")).toBeUndefined();
  });
});

describe("the cache keys", () => {
  // A scratch copy of the library, so that editing it cannot disturb the other tests.
  let library: string;
  let dataDir: string;
  beforeEach(() => {
    library = join(mkdtempSync(join(tmpdir(), "cva-library-")), "loaders");
    cpSync(LIBRARY_DIR, library, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), "cva-data-"));
    for (const [name, contents] of Object.entries(VALID_FOLDER)) writeFileSync(join(dataDir, name), contents);
  });
  afterEach(() => [join(library, ".."), dataDir].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("are the same for the same code, wherever the project lives", () => {
    expect(ingestCodeKey(library)).toBe(ingestCodeKey(LIBRARY_DIR));
    expect(libraryCodeKey(library)).toBe(libraryCodeKey(LIBRARY_DIR));
  });

  it.each([
    "contract/contract.ts",
    "contract/config.ts",
    "contract/source-config.ts",
    "core/sql.ts",
    "core/db.ts",
    "ingest/parse.ts"
  ])("rebuild the warehouse when %s, which ingest imports, is edited", (module) => {
    const before = warehouseKey(dataDir, library);
    appendFileSync(join(library, module), "\n// edited\n");
    expect(warehouseKey(dataDir, library)).not.toBe(before);
  });

  it("keep the warehouse, and compute the tables again, when only a table's code is edited", () => {
    const [warehouse, tables] = [warehouseKey(dataDir, library), libraryCodeKey(library)];
    appendFileSync(join(library, "metrics", "summary", "kpis.ts"), "\n// edited\n");
    expect(warehouseKey(dataDir, library)).toBe(warehouse);
    expect(libraryCodeKey(library)).not.toBe(tables);
  });
});
