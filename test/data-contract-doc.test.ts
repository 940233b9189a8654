import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONTRACT } from "../loaders/contract/contract.js";
import { Database } from "../loaders/core/db.js";
import { ingestFolder } from "../loaders/ingest/ingest.js";
import { PROJECT_DIR } from "./support/project.js";

describe("docs/data-contract.md", () => {
  const doc = readFileSync(join(PROJECT_DIR, "docs", "data-contract.md"), "utf-8");

  it("has an example of every export, and together with its config example they ingest cleanly", async () => {
    const examples = Object.fromEntries(
      [...doc.matchAll(/^### (\w+)\n[\s\S]*?```csv\n([\s\S]*?)```/gm)].map(([, name, csv]) => [name!, csv!])
    );
    expect(Object.keys(examples).sort()).toEqual(CONTRACT.map((spec) => spec.name).sort());
    const config = /```json\n([\s\S]*?)```/.exec(doc)![1]!;
    const dir = mkdtempSync(join(tmpdir(), "cva-doc-"));
    const db = await Database.open();
    try {
      writeFileSync(join(dir, "cva.config.json"), config);
      for (const [name, csv] of Object.entries(examples)) writeFileSync(join(dir, `${name}.csv`), csv);
      const { files } = await ingestFolder(db, dir);
      expect(files.map((f) => [f.export, f.rowsRejected])).toEqual(CONTRACT.map((spec) => [spec.name, 0]));
      expect(files.every((f) => f.rowsAccepted > 0)).toBe(true);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("documents every column of the contract", () => {
    for (const spec of CONTRACT) {
      const section = doc.slice(doc.indexOf(`### ${spec.name}\n`));
      const description = section.slice(0, section.indexOf("```"));
      for (const column of spec.columns) expect(description, `${spec.name}.${column.name}`).toContain(column.name);
    }
  });
});
