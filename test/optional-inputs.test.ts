// Every optional column and every export of the contract left out, one at a time: each table
// computes (or is empty and says which input it needs), never a binder error or a crash.
import { csvFormat, csvParse } from "d3-dsv";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTRACT, SURVEY_FILES } from "../loaders/contract/contract.js";
import { TABLES } from "../loaders/metrics/registry.js";
import { tableQuery } from "../loaders/publish/table-output.js";
import { contextOf } from "../loaders/warehouse/context.js";
import { openWarehouse } from "../loaders/warehouse/warehouse.js";
import { generateSample } from "../scripts/sample/generate.js";

let full: string;
const scratch = mkdtempSync(join(tmpdir(), "cva-optional-"));

interface Variant {
  name: string;
  /** Makes the variant's folder from a copy of the full one. */
  apply(dir: string): void;
}

/** The full folder's variants: each optional column it has dropped, then each export removed. */
function variants(dir: string): Variant[] {
  const present = new Set(readdirSync(dir));
  const columns: Variant[] = CONTRACT.filter((spec) => present.has(`${spec.name}.csv`)).flatMap((spec) => {
    const header = csvParse(readFileSync(join(dir, `${spec.name}.csv`), "utf-8").split("\n", 1)[0]! + "\n").columns;
    return spec.columns
      .filter((column) => !column.required && !column.inHeader && header.includes(column.name))
      .map((column) => ({
        name: `${spec.name}.${column.name} left out`,
        apply: (target: string) => {
          const file = join(target, `${spec.name}.csv`);
          const rows = csvParse(readFileSync(file, "utf-8"));
          writeFileSync(
            file,
            csvFormat(
              rows,
              rows.columns.filter((c) => c !== column.name)
            ) + "\n"
          );
        }
      }));
  });
  // Without responses, the survey's other exports cannot be read (a documented stop): all go.
  const files: Variant[] = CONTRACT.filter((spec) => present.has(`${spec.name}.csv`)).map((spec) => ({
    name: SURVEY_FILES.includes(spec.name) ? "the survey left out" : `${spec.name} export left out`,
    apply: (target: string) => {
      for (const name of SURVEY_FILES.includes(spec.name) ? SURVEY_EXPORTS : [spec.name])
        rmSync(join(target, `${name}.csv`), { force: true });
    }
  }));
  return [...columns, ...files.filter((v, i) => files.findIndex((w) => w.name === v.name) === i)];
}

/** The survey's exports: without responses and ratings, none of them can be read. */
const SURVEY_EXPORTS = ["responses", "ratings", "importance", "recommendations"];

beforeAll(() => {
  full = join(scratch, "full");
  generateSample({ outDir: full, scale: 0.08 });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("every table on every folder with one optional input left out", () => {
  it("covers every optional column of the sample's exports, and every export", () => {
    const names = variants(full).map((v) => v.name);
    expect(names).toContain("responses.segment left out");
    expect(names).toContain("customers.region left out");
    expect(names).toContain("tickets export left out");
    expect(names.length).toBeGreaterThan(30);
  });

  it(
    "computes and runs each table, or leaves it empty with the input it needs; never an error",
    { timeout: 900_000 },
    async () => {
      const failures: string[] = [];
      for (const variant of variants(full)) {
        const dataDir = join(scratch, "variant");
        rmSync(dataDir, { recursive: true, force: true });
        cpSync(full, dataDir, { recursive: true });
        variant.apply(dataDir);
        let db;
        try {
          db = await openWarehouse({ dataDir, warehouseDir: join(scratch, "warehouses") });
        } catch (error) {
          failures.push(`${variant.name}: ingest: ${(error as Error).message}`);
          continue;
        }
        try {
          const context = await contextOf(db);
          for (const table of TABLES) {
            try {
              const { query } = await tableQuery(db, table.name, context);
              const columns = (await db.columns(query)).map((c) => c.name);
              if (columns.join() !== table.columns.map(([c]) => c).join())
                failures.push(`${variant.name}: ${table.name}: columns ${columns.join()}`);
              // DESCRIBE only binds the query: running it finds what fails on the data itself.
              await db.rows(`SELECT count(*) AS n FROM (${query})`);
            } catch (error) {
              failures.push(`${variant.name}: ${table.name}: ${(error as Error).message.split("\n")[0]}`);
            }
          }
        } finally {
          db.close();
        }
      }
      expect(failures).toEqual([]);
    }
  );
});
