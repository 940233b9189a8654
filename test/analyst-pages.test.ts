import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newPage, NewPageError, slugOf } from "../cli/new-page.js";
import { EXPLORE_TABLES, TABLES } from "../loaders/metrics/registry.js";
import { analysisPages } from "../loaders/site/site-config.js";
import { PROJECT_DIR, scratchClone } from "./support/project.js";

describe("cva new-page", () => {
  let project: string;
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), "cva-new-page-"));
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("names the page from its title: lower case, hyphens, no accents or punctuation", () => {
    expect(slugOf("Churn by region")).toBe("churn-by-region");
    expect(slugOf("  Q3: NPS — Enterprise vs. SMB!  ")).toBe("q3-nps-enterprise-vs-smb");
    expect(slugOf("Rétention à 90 jours")).toBe("retention-a-90-jours");
    expect(slugOf("???")).toBe("");
    expect(slugOf("x".repeat(100))).toHaveLength(60);
  });

  it("writes a page and its thin loader, and refuses to overwrite either", () => {
    const { slug, page, loader } = newPage(project, "Churn by region");
    expect(slug).toBe("churn-by-region");
    expect(page).toBe(join(project, "src", "analyses", "churn-by-region.md"));
    expect(loader).toBe(join(project, "src", "data", "analyses", "churn-by-region.parquet.ts"));
    const md = readFileSync(page, "utf-8");
    expect(md).toMatch(/^---\ntitle: "Churn by region"\n/);
    expect(md).toContain('FileAttachment("../data/analyses/churn-by-region.parquet").parquet()');
    expect(md).toContain('urlInput("segment"');
    expect(md).toContain("Plot.line(");
    const ts = readFileSync(loader, "utf-8");
    expect(ts).toContain('import { runLoader, writeTableFor } from "../../../loaders/site/data-loader.js";');
    expect(ts).toContain('writeTableFor({ ...options, table: "churn" }, "parquet", process.stdout)');
    expect(() => newPage(project, "Churn by Region")).toThrow(NewPageError);
    expect(() => newPage(project, "Churn by Region")).toThrow(/src\/analyses\/churn-by-region\.md already exists/);
    expect(() => newPage(project, "!!!")).toThrow(/a page needs a title with letters or digits/);
  });

  it("lists the analysts' pages in the sidebar by their titles", () => {
    newPage(project, "Activation: by category");
    writeFileSync(join(project, "src", "analyses", "by-hand.md"), "---\ntitle: 'Written by hand'\n---\n\n# Hi\n");
    writeFileSync(join(project, "src", "analyses", "untitled.md"), "# No front matter\n");
    expect(analysisPages(join(project, "src"))).toEqual([
      { name: "Activation: by category", path: "/analyses/activation-by-category" },
      { name: "Churn by region", path: "/analyses/churn-by-region" },
      { name: "untitled", path: "/analyses/untitled" },
      { name: "Written by hand", path: "/analyses/by-hand" }
    ]);
    expect(analysisPages(join(project, "nowhere"))).toEqual([]);
  });

  it("runs from the command line, and its scaffold typechecks in the project", () => {
    const clone = scratchClone();
    try {
      const cva = (...args: string[]) =>
        spawnSync(process.execPath, [join(clone, "bin", "cva.js"), ...args], { cwd: clone, encoding: "utf-8" });
      const made = cva("new-page", "Churn by region");
      expect(made.status, made.stderr).toBe(0);
      expect(made.stdout).toBe(
        "wrote src/analyses/churn-by-region.md\nwrote src/data/analyses/churn-by-region.parquet.ts\nnext: npm run dev, then edit both files (docs/analyst-guide.md)\n"
      );
      const again = cva("new-page", "Churn by region");
      expect(again.status).toBe(2);
      expect(again.stderr).toMatch(/^cva: src\/analyses\/churn-by-region\.md already exists/);
      expect(cva("new-page").status).toBe(2);
      expect(cva("new-page", "a", "b").stderr).toMatch(/^cva: new-page takes one title, in quotes \(got 2 arguments\)/);
      const tsc = spawnSync(join(PROJECT_DIR, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", clone], {
        encoding: "utf-8"
      });
      expect(tsc.status, tsc.stdout).toBe(0);
      expect(existsSync(join(PROJECT_DIR, "src", "analyses"))).toBe(false);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("the explore page", () => {
  const source = readFileSync(join(PROJECT_DIR, "src", "explore.md"), "utf-8");

  it("registers exactly the aggregated tables, by their SQL names, and none with rows of people", () => {
    const registered = [
      ...source.matchAll(/^ {2}(\w+): FileAttachment\("data\/site\/tables\/([\w-]+)\.parquet"\)/gm)
    ].map(([, sql, file]) => [sql, file]);
    expect(registered).toEqual(EXPLORE_TABLES.map((t) => [t.name.replaceAll("-", "_"), t.name]));
    for (const name of ["rejects", "comments", "rfm", "clv", "best-customers"]) {
      expect(TABLES.find((t) => t.name === name)?.rowLevel || TABLES.find((t) => t.name === name)?.large, name).toBe(
        true
      );
      expect(registered.map(([, file]) => file)).not.toContain(name);
    }
  });

  it("is linked from no report page, nor from the sidebar", () => {
    const pages = readdirSync(join(PROJECT_DIR, "src"), { recursive: true, encoding: "utf-8" }).filter(
      (f) => f.endsWith(".md") && f !== "explore.md"
    );
    for (const page of pages)
      expect(readFileSync(join(PROJECT_DIR, "src", page), "utf-8"), page).not.toMatch(/explore/);
    expect(readFileSync(join(PROJECT_DIR, "observablehq.config.ts"), "utf-8")).not.toMatch(/path: "\/explore"/);
  });
});
