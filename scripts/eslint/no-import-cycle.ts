/**
 * An ESLint rule: no module imports itself through others. It reads the same import graph as
 * the architecture test (loaders/core/import-graph.ts), dynamic imports included, so that a
 * cycle closed through `await import(...)` is caught in the editor as well as in the tests.
 */
import { relative } from "node:path";
import type { Rule } from "eslint";
import { importsOf, type ImportEdge } from "../../loaders/core/import-graph.js";

const edges = new Map<string, ImportEdge[]>();
const importsCached = (file: string) => edges.get(file) ?? edges.set(file, importsOf(file)).get(file)!;

/** The shortest chain of imports from `start` back to `target`, if there is one. */
function pathBack(start: string, target: string): string[] | undefined {
  const previous = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const file = queue.shift()!;
    if (file === target) {
      const path = [];
      for (let at: string | null = file; at; at = previous.get(at)!) path.unshift(at);
      return path;
    }
    for (const { to } of importsCached(file)) {
      if (previous.has(to)) continue;
      previous.set(to, file);
      queue.push(to);
    }
  }
  return undefined;
}

const rule: Rule.RuleModule = {
  meta: {
    type: "problem",
    docs: { description: "disallow import cycles, counting dynamic imports" },
    messages: { cycle: "import cycle: {{cycle}}" },
    schema: []
  },
  create(context) {
    const file = context.filename;
    return {
      "Program:exit"(program) {
        for (const edge of importsCached(file)) {
          const path = pathBack(edge.to, file);
          if (!path) continue;
          const node =
            program.body.find((n) => n.type === "ImportDeclaration" && n.source.value === edge.specifier) ?? program;
          const cycle = [file, ...path].map((f) => relative(context.cwd, f)).join(" -> ");
          context.report({ node, messageId: "cycle", data: { cycle } });
        }
      }
    };
  }
};

export default rule;
