import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findPii } from "./support/pii-scan.js";

describe("the dist/ PII scanner", () => {
  it("finds names, emails and phones wherever a built site could hold them, and nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), "cva-pii-scan-"));
    try {
      mkdirSync(join(dir, "_file", "data"), { recursive: true });
      writeFileSync(
        join(dir, "_file", "data", "comments.json"),
        JSON.stringify([{ comment: "Thanks to Maria Lopez, call +1 (202) 555-0101" }])
      );
      writeFileSync(join(dir, "page.html"), "<td>MARIA.LOPEZ@Alder.example</td><p>Grace Price helped</p>");
      writeFileSync(
        join(dir, "clean.js"),
        "const x = 'Price went up; Maria said 2024-02-01; call [phone]; Lopez Group';"
      );
      const scan = findPii(dir, ["Maria Lopez", "Grace Price"], ["maria.lopez@alder.example"], ["+1 202-555-0101"]);
      expect(scan.filesScanned).toBe(3);
      expect(scan.hits.sort()).toEqual([
        "_file/data/comments.json: name Maria Lopez",
        "_file/data/comments.json: phone +1 (202) 555-0101",
        "page.html: email MARIA.LOPEZ@Alder.example",
        "page.html: name Grace Price"
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
