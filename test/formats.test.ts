import { csvParse } from "d3-dsv";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { contextOf } from "../loaders/warehouse/context.js";
import { CONTRACT } from "../loaders/contract/contract.js";
import { Database } from "../loaders/core/db.js";
import { ingestFolder, type IngestResult } from "../loaders/ingest/ingest.js";
import { IngestError, formatProblem } from "../loaders/core/errors.js";
import { TABLES } from "../loaders/metrics/registry.js";
import { tableRows } from "../loaders/publish/table-output.js";
import { leastSquares } from "./support/least-squares.js";
import { FORMATS, vendorFolder as vendorFolderOf, vendorSpec } from "./support/format-folders.js";
import { publicDataset } from "./support/datasets.js";

const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

function vendorFolder(vendor: string, change: (config: Record<string, any>) => void = () => {}): string {
  const dir = vendorFolderOf(vendor, change);
  scratch.push(dir);
  return dir;
}

async function ingest(dir: string): Promise<{ db: Database; result?: IngestResult; problems: string[] }> {
  const db = await Database.open();
  try {
    return { db, result: await ingestFolder(db, dir), problems: [] };
  } catch (error) {
    if (error instanceof IngestError) return { db, problems: error.problems.map(formatProblem) };
    throw error;
  }
}

/** A table's contract columns, as sorted text rows, with respondent ids translated. */
async function tableOf(db: Database, name: string, respondents: Record<string, string> = {}): Promise<string[]> {
  const spec = CONTRACT.find((s) => s.name === name);
  const present = new Set(
    (await db.rows<{ c: string }>(`SELECT column_name AS c FROM duckdb_columns() WHERE table_name = '${name}'`)).map(
      (r) => r.c
    )
  );
  const columns =
    name === "customer_contacts"
      ? ["customer_id", "name", "email", "phone"]
      : spec!.columns.filter((c) => !c.pii).map((c) => c.name);
  const rows = await db.rows<Record<string, unknown>>(
    `SELECT ${columns.map((c) => (present.has(c) ? `"${c}"::VARCHAR AS "${c}"` : `NULL AS "${c}"`)).join(", ")} FROM ${name}`
  );
  const back = Object.fromEntries(Object.entries(respondents).map(([ours, theirs]) => [theirs, ours]));
  return rows
    .map((r) =>
      JSON.stringify(columns.map((c) => (c === "respondent_id" && back[r[c] as string] ? back[r[c] as string] : r[c])))
    )
    .sort();
}

describe("vendor exports ingest to the same warehouse as the equivalent contract files", () => {
  const cases: [string, string, string[]][] = [
    ["qualtrics", "Qualtrics, numeric values", ["responses", "ratings", "importance"]],
    ["qualtrics-choices", "Qualtrics, choice text", ["responses", "ratings", "importance"]],
    ["qualtrics-2016", "Qualtrics 2016 ({'ImportId': ...} in single quotes)", ["responses", "ratings", "importance"]],
    ["qualtrics-legacy", "Qualtrics legacy (V1..V10, no import ids)", ["responses", "ratings", "importance"]],
    ["surveymonkey", "SurveyMonkey", ["responses", "ratings", "importance"]],
    ["surveymonkey-2014", "SurveyMonkey 2014 (RespondentID, EndDate)", ["responses", "ratings", "importance"]],
    ["salesforce", "a Salesforce report", ["orders"]],
    ["hubspot", "HubSpot companies", ["customers", "customer_contacts"]]
  ];
  for (const [vendor, label, tables] of cases) {
    it(`${label}: ${tables.join(", ")} equal the contract files', table by table`, async () => {
      const contract = await ingest(join(FORMATS, "contract"));
      const theirs = await ingest(vendorFolder(vendor));
      try {
        expect(contract.problems).toEqual([]);
        expect(theirs.problems).toEqual([]);
        for (const table of ["customers", "customer_contacts", "orders", "responses", "ratings", "importance"]) {
          expect(await tableOf(theirs.db, table, vendorSpec(vendor).respondents), table).toEqual(
            await tableOf(contract.db, table)
          );
        }
        // Nothing silently lost: every row read is accepted or rejected.
        for (const f of await theirs.db.rows<{
          file: string;
          export: string;
          rows_read: number;
          rows_accepted: number;
          rows_rejected: number;
        }>(`SELECT * FROM ingest_files`)) {
          expect(f.rows_read, `${f.file} (${f.export})`).toBe(f.rows_accepted + f.rows_rejected);
        }
      } finally {
        contract.db.close();
        theirs.db.close();
      }
    });
  }
});

describe("each tool's rows that are not data are counted as rejects, on their own lines", () => {
  const rejectsOf = async (vendor: string) => {
    const { db, problems } = await ingest(vendorFolder(vendor));
    try {
      expect(problems).toEqual([]);
      return await db.rows(`SELECT line, rule, count(*)::INTEGER AS n FROM rejects GROUP BY ALL ORDER BY line, rule`);
    } finally {
      db.close();
    }
  };

  it("Qualtrics: an unfinished response is excluded with its ratings and importance, on line 7 (the question text spans two lines)", async () => {
    // The response itself and the one rating it gave (no importance).
    expect(await rejectsOf("qualtrics")).toEqual([{ line: 7, rule: "unfinished", n: 2 }]);
    const { db } = await ingest(vendorFolder("qualtrics"));
    try {
      expect(
        await db.rows(
          `SELECT export, rows_read::INTEGER AS read, rows_rejected::INTEGER AS rejected, rejected_by_rule FROM ingest_files WHERE format = 'qualtrics' ORDER BY export`
        )
      ).toEqual([
        { export: "importance", read: 12, rejected: 0, rejected_by_rule: "" },
        { export: "ratings", read: 19, rejected: 1, rejected_by_rule: "unfinished: 1" },
        { export: "responses", read: 5, rejected: 1, rejected_by_rule: "unfinished: 1" }
      ]);
    } finally {
      db.close();
    }
  });

  it("Salesforce: the Grand Totals row and the footer, by their physical lines after blank ones", async () => {
    expect(await rejectsOf("salesforce")).toEqual([
      { line: 10, rule: "report-total", n: 1 },
      { line: 12, rule: "report-footer", n: 1 },
      { line: 13, rule: "report-footer", n: 1 }
    ]);
  });

  it("HubSpot: a company that is still a lead is not a customer; its owner's name is not kept", async () => {
    expect(await rejectsOf("hubspot")).toEqual([{ line: 4, rule: "not-a-customer", n: 1 }]);
    const { db, result } = await ingest(vendorFolder("hubspot"));
    try {
      expect(result!.warnings).toEqual([
        {
          file: "hubspot-crm-exports-all-companies-2026-11-22.csv",
          message: expect.stringMatching(/^columns company owner look like personal data and were not kept/)
        }
      ]);
      const columns = (
        await db.rows<{ c: string }>(`SELECT column_name AS c FROM duckdb_columns() WHERE table_name = 'customers'`)
      ).map((r) => r.c);
      expect(columns).toEqual(expect.arrayContaining(["industry", "city", "lifecycle stage"]));
      expect(columns).not.toContain("company owner");
    } finally {
      db.close();
    }
  });
});

describe("any CRM's CSV with its own column names", () => {
  it("maps them through rename alone, and names a renamed column that is not in the file", async () => {
    const renamed = readFileSync(join(FORMATS, "contract", "orders.csv"), "utf-8").replace(
      "order_id,customer_id,ordered_at,amount,cost,quantity",
      "Invoice No,Client,Invoice Date,Net Total,Cost of Sales,Units"
    );
    const rename = {
      "Invoice No": "order_id",
      Client: "customer_id",
      "Invoice Date": "ordered_at",
      "Net Total": "amount",
      "Cost of Sales": "cost",
      Units: "quantity"
    };
    const dir = vendorFolder(
      "hubspot",
      (config) => (config.sources = [{ file: "invoices.csv", export: "orders", rename }])
    );
    cpSync(join(FORMATS, "contract", "customers.csv"), join(dir, "customers.csv"));
    rmSync(join(dir, "orders.csv"));
    writeFileSync(join(dir, "invoices.csv"), renamed);
    const contract = await ingest(join(FORMATS, "contract"));
    const theirs = await ingest(dir);
    try {
      expect(theirs.problems).toEqual([]);
      expect(await tableOf(theirs.db, "orders")).toEqual(await tableOf(contract.db, "orders"));
    } finally {
      contract.db.close();
      theirs.db.close();
    }
    const wrong = vendorFolder(
      "hubspot",
      (config) =>
        (config.sources = [
          { file: "invoices.csv", export: "orders", rename: { ...rename, "Invoice Number": "order_id" } }
        ])
    );
    rmSync(join(wrong, "orders.csv"));
    writeFileSync(join(wrong, "invoices.csv"), renamed);
    const { db, problems } = await ingest(wrong);
    db.close();
    expect(problems).toEqual([
      expect.stringMatching(
        /^invoices\.csv: sources\.0\.rename: the rename maps Invoice Number, which is not a column of invoices\.csv/
      )
    ]);
  });
});

describe("HubSpot deals as opportunities", () => {
  const deals = (...rows: string[]) =>
    ["Record ID,Deal Name,Deal Stage,Close Date,Amount,Pipeline", ...rows].join("\n") + "\n";
  const withDeals = (contents: string, outcomes?: object) => {
    const dir = vendorFolder("hubspot", (config) => {
      config.sources.push({ file: "hubspot-deals.csv", format: "hubspot", export: "opportunities" });
      if (outcomes) config.outcomes = outcomes;
    });
    writeFileSync(join(dir, "hubspot-deals.csv"), contents);
    return dir;
  };

  it("reads Closed won and Closed lost as the outcome, and keeps a deal still open as pipeline", async () => {
    const { db, problems } = await ingest(
      withDeals(
        deals(
          "70001,Northwind renewal,Closed won,2026-10-15 12:00,12000,Sales Pipeline",
          "70002,Contoso expansion,Closed Lost ,2026-11-02 09:30,8000,Sales Pipeline",
          "70003,Fabrikam pilot,Appointment scheduled,2026-12-20 00:00,3000,Sales Pipeline",
          "70004,Litware trial,qualifiedtobuy,2026-12-22 00:00,500,Sales Pipeline"
        )
      )
    );
    try {
      expect(problems).toEqual([]);
      expect(
        await db.rows(
          `SELECT opportunity_id, outcome, strftime(closed_at, '%Y-%m-%d') AS closed_at, amount::DOUBLE AS amount FROM opportunities ORDER BY 1`
        )
      ).toEqual([
        { opportunity_id: "70001", outcome: "won", closed_at: "2026-10-15", amount: 12000 },
        { opportunity_id: "70002", outcome: "lost", closed_at: "2026-11-02", amount: 8000 },
        { opportunity_id: "70003", outcome: "open", closed_at: "2026-12-20", amount: 3000 },
        { opportunity_id: "70004", outcome: "open", closed_at: "2026-12-22", amount: 500 }
      ]);
      expect(await db.rows(`SELECT * FROM rejects WHERE file = 'hubspot-deals.csv'`)).toEqual([]);
      // Open deals are pipeline, never in win rates: one won and one lost is 50%.
      expect(
        (await tableRows(db, "won-lost"))
          .filter((r) => r.competitor === "All deals")
          .map((r) => [r.quarter, r.won, r.lost, r.win_rate])
      ).toEqual([["2026-Q4", 1, 1, 0.5]]);
      expect(await tableRows(db, "pipeline")).toEqual([
        { competitor: "All deals", deals: 2, value: 3500, earliest_close: "2026-12-20", latest_close: "2026-12-22" },
        { competitor: "(none named)", deals: 2, value: 3500, earliest_close: "2026-12-20", latest_close: "2026-12-22" }
      ]);
    } finally {
      db.close();
    }
  });

  it("stops on a pipeline's own closing stages with one problem listing each and its count, until outcomes names them", async () => {
    const contents = deals(
      "70001,Northwind renewal,Contract Signed,2026-10-15 12:00,12000,Renewals",
      "70002,Contoso expansion,Paid,2026-11-02 09:30,8000,Renewals",
      "70003,Fabrikam pilot,Paid,2026-11-20 00:00,3000,Renewals",
      "70004,Litware trial,Churned,2026-11-22 00:00,500,Renewals"
    );
    const stopped = await ingest(withDeals(contents));
    stopped.db.close();
    expect(stopped.problems).toEqual([
      'hubspot-deals.csv:2: outcome: 3 stages not known as won, lost or open: "Paid" (2 deals), "Churned" (1 deal), "Contract Signed" (1 deal); ' +
        'add each to "won", "lost" or "open" under "outcomes" in cva.config.json, e.g. "outcomes": { "open": ["Paid"] } [unmapped-stage]'
    ]);
    const { db, problems } = await ingest(withDeals(contents, { won: ["contract signed", "PAID"], lost: ["Churned"] }));
    try {
      expect(problems).toEqual([]);
      expect(
        await db.rows(`SELECT outcome, count(*)::INTEGER AS n FROM opportunities GROUP BY ALL ORDER BY 1`)
      ).toEqual([
        { outcome: "lost", n: 1 },
        { outcome: "won", n: 3 }
      ]);
      // No deal is open: the pipeline is empty, not a row of zeros.
      expect(await tableRows(db, "pipeline")).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe("a column named twice in a tool's header", () => {
  it("is a warning when the mapping does not read it: HubSpot's all-properties export repeats Associated Company", async () => {
    const dir = vendorFolder("hubspot", (config) =>
      config.sources.push({ file: "all-deals.csv", format: "hubspot", export: "opportunities" })
    );
    writeFileSync(
      join(dir, "all-deals.csv"),
      [
        "Record ID,Deal Name,Deal Stage,Close Date,Amount,Associated Company,Associated Company,Pipeline",
        "70001,Northwind renewal,Closed won,2026-10-15 12:00,12000,Northwind Traders,Contoso Ltd,Sales Pipeline"
      ].join("\n") + "\n"
    );
    const { db, problems, result } = await ingest(dir);
    try {
      expect(problems).toEqual([]);
      expect(result!.warnings.filter((w) => w.file === "all-deals.csv").map((w) => w.message)).toEqual([
        "column associated company appears twice in the header; the mapping does not read it, so neither copy was kept"
      ]);
      expect(await db.rows(`SELECT opportunity_id, outcome FROM opportunities`)).toEqual([
        { opportunity_id: "70001", outcome: "won" }
      ]);
      expect((await db.columns(`SELECT * FROM opportunities`)).map((c) => c.name)).not.toContain("associated company");
    } finally {
      db.close();
    }
  });

  it("stops ingest when the mapping reads it", async () => {
    const dir = vendorFolder("qualtrics", (config) => (config.sources[0].survey.answers.segment = "Q1"));
    const file = join(dir, "Acme customer survey_November 22, 2026_10.22.csv");
    writeFileSync(file, readFileSync(file, "utf-8").replace("StartDate,EndDate,Status", "StartDate,Q1,Status"));
    const { db, problems } = await ingest(dir);
    db.close();
    expect(problems).toEqual([
      "Acme customer survey_November 22, 2026_10.22.csv:1: sources.0: column q1 appears twice in the header, and the mapping reads it: rename one in the export [header]"
    ]);
  });
});

describe("a Salesforce weekly Data Export", () => {
  it("reads Opportunity.csv's stages, with IsClosed and IsWon deciding, and ISO instants as dates", async () => {
    const dir = vendorFolder("salesforce-data-export");
    const { db, problems } = await ingest(dir);
    try {
      expect(problems).toEqual([]);
      expect(
        await db.rows(
          `SELECT opportunity_id, outcome, strftime(closed_at, '%Y-%m-%d') AS closed_at, amount::DOUBLE AS amount, customer_id FROM opportunities ORDER BY 1`
        )
      ).toEqual([
        {
          opportunity_id: "0065g00000AbCdEAA1",
          outcome: "won",
          closed_at: "2026-10-15",
          amount: 12000,
          customer_id: "9001"
        },
        {
          opportunity_id: "0065g00000AbCdFAA1",
          outcome: "lost",
          closed_at: "2026-11-02",
          amount: 8000,
          customer_id: "9002"
        },
        // A custom closing stage: the flags say won.
        {
          opportunity_id: "0065g00000AbCdGAA1",
          outcome: "won",
          closed_at: "2026-11-05",
          amount: 2500,
          customer_id: "9003"
        },
        {
          opportunity_id: "0065g00000AbCdHAA1",
          outcome: "open",
          closed_at: "2026-12-20",
          amount: 3000,
          customer_id: "9001"
        },
        {
          opportunity_id: "0065g00000AbCdIAA1",
          outcome: "open",
          closed_at: "2027-01-31",
          amount: 4500,
          customer_id: "9002"
        }
      ]);
      expect(await db.rows(`SELECT * FROM rejects`)).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe("choice text without a score", () => {
  it("is rejected per answer and reported by value and count", async () => {
    const dir = vendorFolder(
      "qualtrics-choices",
      (config) => delete config.sources[0].survey.choices["Extremely likely"]
    );
    const { db, result, problems } = await ingest(dir);
    try {
      expect(problems).toEqual([]);
      expect(result!.warnings).toEqual([
        {
          file: "Acme customer survey_November 22, 2026_10.25.csv",
          message:
            '1 answer "Extremely likely" (repurchase_intent) not mapped to a score: add it to sources.0.survey.choices'
        }
      ]);
      expect(await db.rows(`SELECT line, "column", value, rule FROM rejects WHERE rule <> 'unfinished'`)).toEqual([
        { line: 5, column: "repurchase_intent", value: "Extremely likely", rule: "not-a-score" }
      ]);
    } finally {
      db.close();
    }
  });
});

describe("encodings and shapes: the contract's orders and customers, written as other tools write them", () => {
  const contractFile = (name: string) => readFileSync(join(FORMATS, "contract", name), "utf-8");
  /** The contract folder with `files` replacing its own, and `config` changes. */
  const folderWith = (
    files: Record<string, string | Buffer | null>,
    change: (config: Record<string, any>) => void = () => {}
  ) => {
    const dir = mkdtempSync(join(tmpdir(), "cva-format-shape-"));
    scratch.push(dir);
    cpSync(join(FORMATS, "contract"), dir, { recursive: true });
    for (const [name, contents] of Object.entries(files)) {
      if (contents === null) rmSync(join(dir, name));
      else writeFileSync(join(dir, name), contents);
    }
    const config = JSON.parse(readFileSync(join(dir, "cva.config.json"), "utf-8"));
    change(config);
    writeFileSync(join(dir, "cva.config.json"), JSON.stringify(config));
    return dir;
  };
  const sameAsContract = async (dir: string, tables = ["customers", "customer_contacts", "orders"]) => {
    const contract = await ingest(join(FORMATS, "contract"));
    const theirs = await ingest(dir);
    try {
      expect(theirs.problems).toEqual([]);
      expect(await theirs.db.rows(`SELECT file, rule, value FROM rejects`)).toEqual([]);
      for (const table of tables)
        expect(await tableOf(theirs.db, table), table).toEqual(await tableOf(contract.db, table));
      return theirs.result!;
    } finally {
      contract.db.close();
      theirs.db.close();
    }
  };
  // The contract's orders, one line per order, for rewriting.
  const orders = contractFile("orders.csv")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(","));
  const header = "order_id,customer_id,ordered_at,amount,cost,quantity";

  it('UTF-16 with a byte order mark (Excel\'s "Unicode text"), tab-delimited, is converted, with a note', async () => {
    const text = contractFile("customers.csv").replace(/,/g, "\t").replace(/\n/g, "\r\n");
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const result = await sameAsContract(folderWith({ "customers.csv": null, "customers.txt": utf16 }));
    expect(result.warnings).toEqual([{ file: "customers.txt", message: "read as UTF-16" }]);
  });

  it("UTF-8 with a byte order mark and CRLF line ends", async () => {
    const result = await sameAsContract(
      folderWith({ "customers.csv": "\uFEFF" + contractFile("customers.csv").replace(/\n/g, "\r\n") })
    );
    expect(result.warnings).toEqual([]);
  });

  it("semicolons, decimal commas with thousands points and day-first dates with dots (European Excel)", async () => {
    const european = [
      header.replace(/,/g, ";"),
      ...orders.map(([id, customer, date, amount, cost, quantity]) => {
        const [y, m, d] = date!.split("-");
        const comma = (v: string) => (v ? Number(v).toLocaleString("de-DE", { minimumFractionDigits: 2 }) : "");
        return [id, customer, `${d}.${m}.${y}`, comma(amount!), comma(cost!), quantity].join(";");
      })
    ].join("\r\n");
    expect(european).toContain("1.234,50");
    await sameAsContract(folderWith({ "orders.csv": european }));
  });

  it("month-first dates with slashes, told apart by a day above 12, and currency amounts", async () => {
    const us = [
      header,
      ...orders.map(([id, customer, date, amount, cost, quantity]) => {
        const [y, m, d] = date!.split("-");
        const dollars = (v: string) =>
          v
            ? `"${Number(v) < 0 ? "-" : ""}$${Math.abs(Number(v)).toLocaleString("en-US", { minimumFractionDigits: 2 })}"`
            : "";
        return [id, customer, `${Number(m)}/${Number(d)}/${y}`, dollars(amount!), dollars(cost!), quantity].join(",");
      })
    ].join("\n");
    expect(us).toContain('"$1,234.50"');
    await sameAsContract(folderWith({ "orders.csv": us }));
  });

  it("dates with slashes that never tell day from month stop ingest, until the config says which", async () => {
    const ambiguous = [header, "00000101,9001,11/03/2026,1234.50,800.00,2", "00000102,9002,12/01/2026,-45.00,,1"].join(
      "\n"
    );
    const { problems, db } = await ingest(folderWith({ "orders.csv": ambiguous }));
    db.close();
    expect(problems).toEqual([
      'orders.csv:2: ordered_at: dates such as 11/03/2026 could be month/day or day/month: set a sources entry for orders.csv with "dates" in cva.config.json to "MM/DD/YYYY" or "DD/MM/YYYY" [ambiguous-dates]'
    ]);
    const told = await ingest(
      folderWith(
        { "orders.csv": ambiguous },
        (config) => (config.sources = [{ file: "orders.csv", dates: "DD/MM/YYYY" }])
      )
    );
    try {
      expect(told.problems).toEqual([]);
      expect(
        await told.db.rows(`SELECT strftime(ordered_at, '%Y-%m-%d') AS day FROM orders ORDER BY order_id`)
      ).toEqual([{ day: "2026-03-11" }, { day: "2026-01-12" }]);
    } finally {
      told.db.close();
    }
  });

  it("a score of 7.5 is not a whole number (a plain cast would round it to 8), but 7.0 is 7", async () => {
    const ratings = contractFile("ratings.csv")
      .replace("R_1a2b3c4d5e6f7g8,2026-Q4,Acme,quality,9", "R_1a2b3c4d5e6f7g8,2026-Q4,Acme,quality,7.5")
      .replace(",Acme,service,10", ",Acme,service,10.0");
    const { db, problems } = await ingest(folderWith({ "ratings.csv": ratings }));
    try {
      expect(problems).toEqual([]);
      expect(await db.rows(`SELECT line, value, rule FROM rejects`)).toEqual([
        { line: 2, value: "7.5", rule: "not-a-score" }
      ]);
      expect(
        await db.rows(
          `SELECT score FROM ratings WHERE brand = 'Acme' AND attribute = 'service' AND respondent_id = 'R_1a2b3c4d5e6f7g8'`
        )
      ).toEqual([{ score: 10 }]);
    } finally {
      db.close();
    }
  });

  it("Parquet, as a data warehouse exports it", async () => {
    const dir = folderWith({});
    const db = await Database.open();
    await db.run(
      `COPY (SELECT * FROM read_csv('${join(FORMATS, "contract", "orders.csv")}', all_varchar = true)) TO '${join(dir, "orders.parquet")}' (FORMAT parquet)`
    );
    db.close();
    rmSync(join(dir, "orders.csv"));
    await sameAsContract(dir);
  });
});

describe("airlinesat (mkt4320: wide, 23 satisfaction items, nps coded 1-11) through a config-only mapping", () => {
  const path = publicDataset("mkt4320", "airlinesat.csv");
  const items = Array.from({ length: 23 }, (_, i) => i + 1);

  /** A data folder holding only a link to the dataset (never a copy) and the mapping. */
  const airlineFolder = () => {
    const dir = mkdtempSync(join(tmpdir(), "cva-airlinesat-"));
    scratch.push(dir);
    symlinkSync(path, join(dir, "airlinesat.csv"));
    writeFileSync(join(dir, "orders.csv"), "order_id,customer_id,ordered_at,amount\n");
    writeFileSync(
      join(dir, "cva.config.json"),
      JSON.stringify({
        brand: "Oddjob Airways",
        competitors: [],
        attributes: items.map((i) => ({
          id: `s${i}`,
          label: `Satisfaction item ${i}`,
          group: "quality",
          owner: "Operations"
        })),
        scales: {
          rating: { min: 1, max: 100 },
          overall_satisfaction: { min: 1, max: 7 },
          likelihood_to_recommend: { min: 0, max: 10 }
        },
        sources: [
          {
            file: "airlinesat.csv",
            survey: {
              wave: "2016",
              respondentFromLine: true,
              answers: { overall_satisfaction: "overall_sat", likelihood_to_recommend: "nps", segment: "flight_class" },
              ratings: {
                pattern: "s{attribute}",
                brand: "Oddjob Airways",
                attributes: Object.fromEntries(items.map((i) => [String(i), `s${i}`]))
              },
              // The dataset codes likelihood to recommend 1-11; the survey asked 0-10.
              recode: {
                likelihood_to_recommend: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`${i + 1}.0`, i]))
              }
            }
          }
        ]
      })
    );
    return dir;
  };

  it("ingests every respondent and rating, computes NPS as the data say and the drivers of overall satisfaction", async () => {
    const rows = csvParse(readFileSync(path, "utf-8"));
    expect(rows).toHaveLength(1065);
    const { db, problems } = await ingest(airlineFolder());
    try {
      expect(problems).toEqual([]);
      expect(await db.rows(`SELECT count(*)::INTEGER AS n FROM rejects`)).toEqual([{ n: 0 }]);
      const answered = rows.flatMap((r) => items.filter((i) => r[`s${i}`] !== "").map(() => 1)).length;
      expect(
        await db.rows(
          `SELECT export, rows_read::INTEGER AS read, rows_accepted::INTEGER AS accepted FROM ingest_files WHERE file = 'airlinesat.csv' ORDER BY export`
        )
      ).toEqual([
        { export: "ratings", read: answered, accepted: answered },
        { export: "responses", read: 1065, accepted: 1065 }
      ]);

      // NPS from the raw column: 0-10 = nps - 1; promoters 9-10, detractors 0-6.
      const scores = rows.map((r) => Number(r.nps) - 1);
      const expected =
        (100 * (scores.filter((s) => s >= 9).length - scores.filter((s) => s <= 6).length)) / scores.length;
      const nps = (await tableRows<{ segment: string; nps: number; n: number }>(db, "nps")).find(
        (r) => r.segment === "All"
      );
      expect(nps!.n).toBe(1065);
      expect(nps!.nps).toBeCloseTo(expected, 2); // published to two decimals

      // Drivers: the regression of overall_sat on the 23 items over complete cases, by least squares here.
      const complete = rows.filter((r) => items.every((i) => r[`s${i}`] !== ""));
      const x = complete.map((r) => items.map((i) => Number(r[`s${i}`])));
      const y = complete.map((r) => Number(r.overall_sat));
      const beta = leastSquares(x, y);
      const fitted = x.map((row) => beta[0]! + row.reduce((s, v, j) => s + v * beta[j + 1]!, 0));
      const mean = y.reduce((s, v) => s + v, 0) / y.length;
      const rSquared =
        1 - y.reduce((s, v, k) => s + (v - fitted[k]!) ** 2, 0) / y.reduce((s, v) => s + (v - mean) ** 2, 0);
      const drivers = (
        await tableRows<{
          wave: string;
          attribute: string;
          n: number;
          r_squared: number;
          coefficient: number;
          relative_weight: number;
        }>(db, "drivers")
      ).filter((d) => d.wave === "2016");
      expect(drivers).toHaveLength(23);
      expect(drivers[0]!.n).toBe(complete.length);
      expect(drivers[0]!.r_squared).toBeCloseTo(rSquared, 5);
      for (const [j, i] of items.entries())
        expect(drivers.find((d) => d.attribute === `s${i}`)!.coefficient).toBeCloseTo(beta[j + 1]!, 5);
      expect(drivers.reduce((s, d) => s + d.relative_weight, 0)).toBeCloseTo(rSquared, 5);
    } finally {
      db.close();
    }
  });

  it("every table of the site computes on a survey without competitors", async () => {
    const { db, problems } = await ingest(airlineFolder());
    try {
      expect(problems).toEqual([]);
      const context = await contextOf(db);
      const failed: string[] = [];
      for (const table of TABLES)
        await tableRows(db, table.name, context).catch((error) =>
          failed.push(`${table.name}: ${String(error).split("\n")[0]}`)
        );
      expect(failed).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe("a survey mapping that names what the file does not have", () => {
  it("stops ingest once per mistake, naming the config setting and the columns found", async () => {
    const dir = vendorFolder("qualtrics", (config) => {
      config.sources[0].survey.respondent = "Response ID";
      config.sources[0].survey.answers.overall_satisfaction = "Q1_missing";
    });
    const { db, problems } = await ingest(dir);
    db.close();
    expect(problems).toEqual([
      expect.stringMatching(
        /^Acme customer survey_November 22, 2026_10\.22\.csv: sources\.0\.survey\.respondent: Response ID is not a column of .* \(found: startdate, enddate, .*\) \[config\]$/
      ),
      expect.stringMatching(/sources\.0\.survey\.answers\.overall_satisfaction: Q1_missing is not a column of/)
    ]);
  });
});
