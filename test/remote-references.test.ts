import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findRemoteReferences } from "./support/remote-references.js";

describe("findRemoteReferences(dir)", () => {
  let dir: string;
  const site = (files: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), "cva-scan-"));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, ".."), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  };
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reports each way a page fetches from another host, with file and line", async () => {
    const found = await findRemoteReferences(
      site({
        "index.html": `<html>\n<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=X">\n<script type="module" src="//cdn.example.com/a.js"></script>\n<img src="http://img.example.com/x.png">`,
        "_import/style.css": `body { background: url("https://img.example.com/bg.png"); }\n@import "https://css.example.com/b.css";`,
        "_npm/lib.js": `import x from "https://esm.example.com/x.js";\nconst y = await import("https://esm.example.com/y.js");\nfetch("https://api.example.com/data");\nnew Worker("https://w.example.com/w.js");`,
        "_npm/duckdb.js": `const repo = "https://extensions.duckdb.org/v1.1.1";`
      })
    );
    const where = found.map((f) => `${f.file}:${f.line}`);
    expect(where).toEqual(
      expect.arrayContaining([
        "index.html:2",
        "index.html:3",
        "index.html:4",
        "_import/style.css:1",
        "_import/style.css:2",
        "_npm/lib.js:1",
        "_npm/lib.js:2",
        "_npm/lib.js:3",
        "_npm/lib.js:4",
        "_npm/duckdb.js:1"
      ])
    );
    expect(found.filter((f) => f.file === "index.html" && f.line === 2)).toHaveLength(2); // the link, and the known host
  });

  it("ignores URLs a browser never fetches by itself", async () => {
    const found = await findRemoteReferences(
      site({
        "index.html": `<a href="https://observablehq.com/">Observable</a><svg xmlns="http://www.w3.org/2000/svg"></svg>`,
        "_npm/d3.js": `const svg = "http://www.w3.org/2000/svg"; const docs = "see https://d3js.org";`,
        "_import/local.js": `import x from "./x.js"; fetch("./data.json");`
      })
    );
    expect(found).toEqual([]);
  });
});
