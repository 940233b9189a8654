import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../../loaders/core/db.js";
import { ingestFolder, type IngestResult } from "../../loaders/ingest/ingest.js";
import { IngestError, type Problem } from "../../loaders/core/errors.js";

/** A small, valid data folder: every test changes one thing in it. */
export const VALID_FOLDER: Record<string, string | Buffer> = {
  "cva.config.json": JSON.stringify({
    brand: "Us",
    competitors: ["Them"],
    attributes: [
      { id: "quality", label: "Quality", group: "quality", owner: "Operations" },
      { id: "price", label: "Price", group: "price", owner: "Pricing" }
    ],
    dontKnowCodes: [99, "Don't know"]
  }),
  "customers.csv": `customer_id,name,email,phone,segment,region,acquired_at,rewards_member
C1,Ann Lee,ann@x.example,+1 202-555-0101,Enterprise,North,2024-01-05,true
C2,Bo Chan,bo@x.example,+1 202-555-0102,Small business,South,2024-02-10,false
`,
  "products.csv": `product_id,name,category
P1,Router,Hardware
`,
  "orders.csv": `order_id,customer_id,ordered_at,amount,cost,product_id,quantity
O1,C1,2024-01-15,100.00,60.00,P1,1
O2,C2,2024-02-20 10:30:00,50.50,30.00,P1,2
`,
  "responses.csv": `respondent_id,wave,responded_at,customer_id,segment,region,overall_satisfaction,perceived_value,likelihood_to_recommend,repurchase_intent,comment
R1,2024-Q1,2024-02-10,C1,Enterprise,North,8,7,9,4,Good
R2,2024-Q1,2024-02-11,,Small business,South,6,5,6,3,
`,
  "ratings.csv": `respondent_id,wave,brand,attribute,score
R1,2024-Q1,Us,quality,8
R1,2024-Q1,Them,quality,6
R2,2024-Q1,Us,price,5
`
};

export interface IngestOutcome {
  result?: IngestResult;
  problems: readonly Problem[];
  rejects: Record<string, unknown>[];
  files: Record<string, unknown>[];
  db: Database;
  dir: string;
}

/**
 * Writes VALID_FOLDER with `changes` applied (null deletes a file), ingests it into a fresh
 * in-memory database and returns what came out. Call `dispose` when done.
 */
export async function ingestChanged(
  changes: Record<string, string | Buffer | null> = {}
): Promise<IngestOutcome & { dispose(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "cva-ingest-"));
  const files = { ...VALID_FOLDER, ...changes };
  for (const [name, contents] of Object.entries(files)) if (contents !== null) writeFileSync(join(dir, name), contents);
  const db = await Database.open();
  const dispose = () => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const result = await ingestFolder(db, dir);
    return {
      result,
      problems: [],
      db,
      dir,
      dispose,
      rejects: await db.rows(
        `SELECT file, line, "column", value, rule, message FROM rejects ORDER BY file, line, "column", rule`
      ),
      files: await db.rows(`SELECT * FROM ingest_files ORDER BY file`)
    };
  } catch (error) {
    if (!(error instanceof IngestError)) throw error;
    return { problems: error.problems, rejects: [], files: [], db, dir, dispose };
  }
}
