import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../loaders/core/db.js";
import { TABLES } from "../loaders/metrics/registry.js";
import { literal } from "../loaders/core/sql.js";
import { USAGE } from "../cli/usage.js";
import { VALID_FOLDER } from "./support/fixture-folder.js";
import { PROJECT_DIR } from "./support/project.js";

// The real command, as an analyst runs it: `npx cva ...` runs bin/cva.js.
const warehouseDir = mkdtempSync(join(tmpdir(), "cva-cli-warehouse-"));
function cva(...args: string[]) {
  const result = spawnSync(process.execPath, [join(PROJECT_DIR, "bin", "cva.js"), ...args], {
    cwd: PROJECT_DIR,
    encoding: "utf-8",
    env: { ...process.env, CVA_DATA: "", CVA_WAREHOUSE: warehouseDir }
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the cva command", () => {
  let dataDir: string;
  let scratch: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "cva-cli-data-"));
    scratch = mkdtempSync(join(tmpdir(), "cva-cli-out-"));
    for (const [name, contents] of Object.entries(VALID_FOLDER)) writeFileSync(join(dataDir, name), contents);
    // One rejected row (an unknown customer) and a file outside the contract.
    writeFileSync(
      join(dataDir, "orders.csv"),
      String(VALID_FOLDER["orders.csv"]) + "O3,C9,2024-03-01,7.00,3.00,P1,1\n"
    );
    writeFileSync(join(dataDir, "README.txt"), "notes");
  });
  afterAll(() => [dataDir, scratch, warehouseDir].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("cva --help prints the usage on stdout; with no command, on stderr with exit code 2; a reader that stops early is no error", () => {
    for (const flag of ["--help", "-h"]) expect(cva(flag)).toEqual({ status: 0, stdout: `${USAGE}\n`, stderr: "" });
    expect(cva()).toEqual({ status: 2, stdout: "", stderr: `${USAGE}\n` });
    // The help is answered before TypeScript is loaded: the same text as the full command's.
    expect(cva("tables", "--help")).toEqual({ status: 0, stdout: `${USAGE}\n`, stderr: "" });
    const head = spawnSync("sh", ["-c", `"${process.execPath}" bin/cva.js tables | head -1`], {
      cwd: PROJECT_DIR,
      encoding: "utf-8"
    });
    expect(head.stderr).toBe("");
    expect(head.stdout).toMatch(/^ingest-summary /);
  });

  it("cva validate prints read, accepted and rejected by rule per file", () => {
    const { status, stdout } = cva("validate", "--data", dataDir);
    expect(status).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[1]).toMatch(/^file\s+read\s+accepted\s+rejected\s+don't know\s+rejected by rule$/);
    expect(lines.find((l) => l.startsWith("orders.csv"))).toMatch(/^orders\.csv\s+3\s+2\s+1\s+0\s+orphan: 1$/);
    expect(lines.find((l) => l.startsWith("README.txt"))).toMatch(
      /^README\.txt\s+ignored: not part of the data contract$/
    );
  });

  it("cva validate exits 1 when all of a file's rows, or more than the configured share, are rejected, with the top rules and their fix", () => {
    const failing = mkdtempSync(join(tmpdir(), "cva-cli-failing-"));
    try {
      for (const [name, contents] of Object.entries(VALID_FOLDER)) writeFileSync(join(failing, name), contents);
      // Every order of an unknown customer, one of them with an unreadable date too.
      writeFileSync(
        join(failing, "orders.csv"),
        "order_id,customer_id,ordered_at,amount\nO1,C8,2024-01-01,1.00\nO2,C9,2024-13-01,2.00\n"
      );
      const all = cva("validate", "--data", failing);
      expect(all.status).toBe(1);
      expect(all.stderr.split("\n")).toEqual([
        "orders.csv (orders): every row rejected, 2 of 2",
        "  orphan: 2 rows, e.g. line 2, customer_id: customer_id C8 is not in customers.csv; fix: keys that the referenced export does not hold: export both files from the same system and date, or map the right key column",
        `  not-a-date: 1 row, e.g. line 3, ordered_at: "2024-13-01" is not a date (expected YYYY-MM-DD, DD.MM.YYYY, with or without a time); fix: dates of another shape: set the file's "dates" under sources (MM/DD/YYYY or DD/MM/YYYY), or re-export with ISO dates (docs/data-contract.md)`,
        `cva: 1 file mostly rejected in ${failing}: the reports would rest on the rows left (validate.maxRejectedShare in cva.config.json)`,
        ""
      ]);
      // Two of three orders rejected: above the default half, and fine with a share of 0.7.
      writeFileSync(
        join(failing, "orders.csv"),
        "order_id,customer_id,ordered_at,amount\nO1,C8,2024-01-01,1.00\nO2,C9,2024-01-01,2.00\nO3,C1,2024-01-01,3.00\n"
      );
      const most = cva("validate", "--data", failing);
      expect(most.status).toBe(1);
      expect(most.stderr).toMatch(/^orders\.csv \(orders\): 66\.7% of the rows \(more than 50%\) rejected, 2 of 3\n/);
      const config = JSON.parse(String(VALID_FOLDER["cva.config.json"]));
      writeFileSync(
        join(failing, "cva.config.json"),
        JSON.stringify({ ...config, validate: { maxRejectedShare: 0.7 } })
      );
      expect(cva("validate", "--data", failing).status).toBe(0);
    } finally {
      rmSync(failing, { recursive: true, force: true });
    }
  });

  it("cva validate exits 1 and prints one line per problem, with no stack trace", () => {
    const broken = mkdtempSync(join(tmpdir(), "cva-cli-broken-"));
    try {
      writeFileSync(join(broken, "orders.csv"), "order_id,customer_id,ordered_at\nO1,C1,2024-01-01\n");
      writeFileSync(join(broken, "ratings.csv"), "respondent_id,wave,brand,attribute,score\n");
      const { status, stdout, stderr } = cva("validate", "--data", broken);
      expect(status).toBe(1);
      expect(stdout).toBe("");
      expect(stderr.trim().split("\n")).toEqual([
        "responses.csv: ratings is present, so the survey needs responses too: add responses.csv (or responses.parquet) to the data folder [missing-file]",
        "cva.config.json: the survey exports need a cva.config.json naming our brand, the competitors and the attributes [missing-file]",
        "orders.csv:1: amount: required column amount is missing (found: order_id, customer_id, ordered_at) [missing-column]",
        `cva: 3 problems in ${broken}: nothing was ingested`
      ]);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it("says a config setting that cannot apply in one line: a churn flag column the customers lack stops, an NPS scale not 0-10 is a note", () => {
    const folder = mkdtempSync(join(tmpdir(), "cva-cli-config-"));
    try {
      for (const [name, contents] of Object.entries(VALID_FOLDER)) writeFileSync(join(folder, name), contents);
      const config = JSON.parse(String(VALID_FOLDER["cva.config.json"]));
      writeFileSync(join(folder, "cva.config.json"), JSON.stringify({ ...config, churn: { flagColumn: "Churned" } }));
      const flag = cva("validate", "--data", folder);
      expect(flag.status).toBe(1);
      expect(flag.stderr.trim().split("\n")).toEqual([
        "cva.config.json: churn.flagColumn: names the column churned, which customers has not (its columns: customer_id, name, email, phone, segment, region, acquired_at, rewards_member): name one of them, or remove the setting to measure churn by inactivity [unknown-column]",
        `cva: 1 problem in ${folder}: nothing was ingested`
      ]);
      writeFileSync(
        join(folder, "cva.config.json"),
        JSON.stringify({ ...config, scales: { likelihood_to_recommend: { min: 1, max: 10 } } })
      );
      writeFileSync(
        join(folder, "responses.csv"),
        String(VALID_FOLDER["responses.csv"]).replace(",6,5,6,3,", ",6,5,1,3,")
      );
      const scale = cva("validate", "--data", folder);
      expect(scale.status).toBe(0);
      expect(scale.stdout).toContain(
        "note: cva.config.json: scales.likelihood_to_recommend is 1-10, not 0-10: NPS and the loyalty groups (promoters 9-10, detractors 0-6) are defined on 0-10 only, so they are left out"
      );
      expect(JSON.parse(cva("table", "nps", "--data", folder, "--format", "json").stdout)).toEqual([]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("says a missing data folder in one line, exit 2, for every command that reads one", () => {
    const missing = join(tmpdir(), "cva-no-such-folder");
    for (const args of [["validate"], ["table", "kpis"]]) {
      const { status, stdout, stderr } = cva(...args, "--data", missing);
      expect(status, args.join(" ")).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toBe(
        `cva: no data folder at ${missing}: give --data DIR (or CVA_DATA) naming the folder of exports\n`
      );
    }
  });

  it("cva tables lists every table with a description", () => {
    const { status, stdout } = cva("tables");
    expect(status).toBe(0);
    const lines = stdout.split("\n").filter(Boolean);
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(TABLES.map((t) => t.name));
    expect(lines.every((l) => l.replace(/^\S+\s+/, "").length > 20)).toBe(true);
  });

  it("cva table NAME --format json writes row objects with numbers as numbers", () => {
    const { status, stdout } = cva("table", "revenue-by-quarter", "--data", dataDir, "--format", "json");
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      { quarter: "2024-Q1", revenue: 150.5, cost: 90, gross_margin: 60.5, orders: 2, customers: 2 }
    ]);
  });

  it("cva table NAME writes CSV by default, and rejects name file, line, column, value and rule", () => {
    const { status, stdout } = cva("table", "rejects", "--data", dataDir);
    expect(status).toBe(0);
    expect(stdout).toBe(
      "file,line,column,value,rule,message\norders.csv,4,customer_id,C9,orphan,customer_id C9 is not in customers.csv\n"
    );
  });

  it("cva table NAME --format parquet --out FILE writes Parquet that DuckDB reads back", async () => {
    const out = join(scratch, "rejects.parquet");
    expect(cva("table", "rejects", "--data", dataDir, "--format", "parquet", "--out", out).status).toBe(0);
    expect(readFileSync(out).subarray(0, 4).toString()).toBe("PAR1");
    const db = await Database.open();
    try {
      expect(await db.rows(`SELECT file, line, rule FROM read_parquet(${literal(out)})`)).toEqual([
        { file: "orders.csv", line: 4, rule: "orphan" }
      ]);
    } finally {
      db.close();
    }
  });

  it("cva table NAME --wave W --segment S keeps one wave's and segment's rows; a column the table lacks is an error", () => {
    const all = JSON.parse(cva("table", "responses-by-wave", "--data", dataDir, "--format", "json").stdout);
    expect(all).toEqual([{ wave: "2024-Q1", respondents: 2, linked: 1 }]);
    const { status, stdout } = cva(
      "table",
      "responses-by-wave",
      "--data",
      dataDir,
      "--format",
      "json",
      "--wave",
      "2023-Q4"
    );
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual([]);
    expect(
      JSON.parse(cva("table", "responses-by-wave", "--data", dataDir, "--format", "json", "--wave", "2024-Q1").stdout)
    ).toEqual(all);
    const noSegment = cva("table", "responses-by-wave", "--data", dataDir, "--segment", "Enterprise");
    expect(noSegment.status).toBe(2);
    expect(noSegment.stderr).toBe(
      "cva: table responses-by-wave has no segment column, so --segment cannot apply to it\n"
    );
  });

  it("exits 2 with the usage on a wrong command line", () => {
    for (const args of [["table", "nope"], ["table", "rejects", "--format", "xml"], ["frobnicate"], []]) {
      const { status, stderr } = cva(...args);
      expect(status, args.join(" ")).toBe(2);
      expect(stderr).toContain("usage:");
    }
    expect(cva("table", "nope").stderr).toContain(
      `cva: unknown table nope: the tables are ${TABLES.map((t) => t.name).join(", ")}`
    );
  });
});
