// The folder tree is the pipeline: each stage of loaders/ imports only the stages before it,
// nothing imports in a cycle (static or dynamic), and the site's loaders reach the library only
// through loaders/site/. The rule is drawn in docs/architecture.md.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { importsOf, type ImportEdge } from "../loaders/core/import-graph.js";
import { PROJECT_DIR } from "./support/project.js";

/** The stages in order; within metrics/, the shared bases before the families, the summary and registry last. */
const STAGES: readonly (readonly string[])[] = [
  ["loaders/core"],
  ["loaders/contract"],
  ["loaders/ingest"],
  ["loaders/warehouse"],
  ["loaders/metrics/table.ts"],
  ["loaders/metrics/privacy", "loaders/metrics/inputs"],
  ["loaders/metrics/survey", "loaders/metrics/sales"],
  ["loaders/metrics/customers"],
  ["loaders/metrics/value", "loaders/metrics/loyalty", "loaders/metrics/tracking"],
  ["loaders/metrics/summary"],
  ["loaders/metrics/registry.ts"],
  ["loaders/publish"],
  ["loaders/site"],
  ["loaders/index.ts"]
];

/** A module's unit (the stage folder or file it belongs to) and that unit's rank. */
function unitOf(file: string): { unit: string; rank: number } | undefined {
  const path = relative(PROJECT_DIR, file);
  for (const [rank, units] of STAGES.entries()) {
    const unit = units.find((u) => path === u || path.startsWith(`${u}/`));
    if (unit) return { unit, rank };
  }
  return undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(PROJECT_DIR, dir), { recursive: true, encoding: "utf-8" })
    .filter((name) => /\.(ts|js)$/.test(name) && !name.includes(".observablehq") && !name.includes("node_modules"))
    .map((name) => join(PROJECT_DIR, dir, name));
}

const FILES = [
  ...["loaders", "cli", "scripts", "src", "test"].flatMap(sourceFiles),
  join(PROJECT_DIR, "observablehq.config.ts")
];
const EDGES: ImportEdge[] = FILES.flatMap(importsOf);
const show = (edge: ImportEdge) =>
  `${relative(PROJECT_DIR, edge.from)} -> ${relative(PROJECT_DIR, edge.to)}${edge.dynamic ? " (dynamic)" : ""}`;

describe("the import graph", () => {
  it("is read from the sources: static, type-only and dynamic imports", () => {
    const dataLoader = EDGES.filter((e) => relative(PROJECT_DIR, e.from) === "loaders/site/data-loader.ts");
    expect(dataLoader.some((e) => e.dynamic)).toBe(true);
    expect(dataLoader.some((e) => !e.dynamic && relative(PROJECT_DIR, e.to) === "loaders/core/errors.ts")).toBe(true);
    expect(EDGES.some((e) => e.typeOnly)).toBe(true);
    expect(EDGES.length).toBeGreaterThan(300);
  });

  it("puts every module of loaders/ in a stage", () => {
    const unplaced = sourceFiles("loaders")
      .filter((file) => !unitOf(file))
      .map((file) => relative(PROJECT_DIR, file));
    expect(unplaced).toEqual([]);
  });

  it("has each stage import only itself and the stages before it; no family imports another sideways", () => {
    const against = EDGES.filter((edge) => {
      const from = unitOf(edge.from);
      const to = unitOf(edge.to);
      if (!from || !to || from.unit === to.unit) return false;
      return to.rank >= from.rank;
    });
    expect(against.map(show)).toEqual([]);
  });

  it("has no cycle, counting dynamic and type-only imports", () => {
    const next = new Map<string, string[]>();
    for (const edge of EDGES) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(PROJECT_DIR, f)).join(" -> "));
        return;
      }
      state.set(file, "open");
      for (const to of next.get(file) ?? []) visit(to, [...path, file]);
      state.set(file, "done");
    };
    for (const file of FILES) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it("lets the site's data loaders and observablehq.config.ts reach the library only through loaders/site/", () => {
    const site = EDGES.filter(
      (e) =>
        /^(src\/|observablehq\.config\.ts)/.test(relative(PROJECT_DIR, e.from)) &&
        relative(PROJECT_DIR, e.to).startsWith("loaders/")
    );
    expect(site.length).toBeGreaterThanOrEqual(3);
    expect(site.filter((e) => !relative(PROJECT_DIR, e.to).startsWith("loaders/site/")).map(show)).toEqual([]);
  });

  it("keeps the library free of the scripts, the CLI and the tests", () => {
    const outward = EDGES.filter(
      (e) => relative(PROJECT_DIR, e.from).startsWith("loaders/") && !relative(PROJECT_DIR, e.to).startsWith("loaders/")
    );
    expect(outward.map(show)).toEqual([]);
  });
});

describe("the ESLint rule cva/no-import-cycle", () => {
  it("reports a cycle at the import that closes it, a dynamic import included, and nothing without one", async () => {
    const { ESLint } = await import("eslint");
    const { default: rule } = await import("../scripts/eslint/no-import-cycle.js");
    const dir = mkdtempSync(join(tmpdir(), "cva-cycle-"));
    try {
      writeFileSync(join(dir, "a.ts"), 'import { b } from "./b.js";\nexport const a = () => b;\n');
      writeFileSync(join(dir, "b.ts"), 'export const b = async () => (await import("./a.js")).a;\n');
      writeFileSync(join(dir, "c.ts"), 'import { b } from "./b.js";\nexport const c = b;\n');
      const eslint = new ESLint({
        cwd: dir,
        overrideConfigFile: true,
        overrideConfig: [
          {
            files: ["**/*.ts"],
            languageOptions: { parser: (await import("typescript-eslint")).parser },
            plugins: { cva: { rules: { "no-import-cycle": rule } } },
            rules: { "cva/no-import-cycle": "error" }
          }
        ]
      });
      const results = await eslint.lintFiles(["a.ts", "b.ts", "c.ts"]);
      const messages = Object.fromEntries(
        results.map((r) => [relative(dir, r.filePath), r.messages.map((m) => `${m.line}: ${m.message}`)])
      );
      expect(messages).toEqual({
        "a.ts": ["1: import cycle: a.ts -> b.ts -> a.ts"],
        "b.ts": ["1: import cycle: b.ts -> a.ts -> b.ts"],
        "c.ts": []
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
