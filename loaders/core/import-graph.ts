/**
 * The project's own import graph, read from the sources: which local modules a module
 * imports, statically or dynamically. Cache keys hash a module's whole closure (so that an edit
 * to anything ingest runs rebuilds the warehouse), and the architecture test checks the stage
 * order and the absence of cycles on the same graph.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

export interface ImportEdge {
  /** The importing module (absolute path). */
  from: string;
  /** The imported module (absolute path of the `.ts` or `.js` file). */
  to: string;
  specifier: string;
  dynamic: boolean;
  typeOnly: boolean;
}

const IMPORT =
  /(?:^|[^.\w$])(?:(import|export)\s+(type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\))/g;

/** The source without its comments, string contents kept (an import's specifier is a string). */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|(^|[^:"'`\\])\/\/[^\n]*/g, (_match, before: string | undefined) =>
    before === undefined ? "" : before
  );
}

/** The local file a relative specifier names (`./db.js` is `db.ts` in the sources), if any. */
export function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const target = resolve(dirname(from), specifier);
  for (const candidate of [target, target.replace(/\.js$/, ".ts"), `${target}.ts`, resolve(target, "index.ts")]) {
    if (existsSync(candidate) && candidate.match(/\.(ts|js|mjs)$/)) return candidate;
  }
  return undefined;
}

/** The local modules `file` imports, each once per kind. */
export function importsOf(file: string): ImportEdge[] {
  const source = withoutComments(readFileSync(file, "utf-8"));
  const edges: ImportEdge[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const specifier = match[3] ?? match[4]!;
    const to = resolveSpecifier(file, specifier);
    if (to)
      edges.push({ from: file, to, specifier, dynamic: match[4] !== undefined, typeOnly: match[2] !== undefined });
  }
  return edges;
}

/** `entry` and every local module it reaches through its imports, sorted. */
export function moduleClosure(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [resolve(entry)];
  while (pending.length) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const edge of importsOf(file)) pending.push(edge.to);
  }
  return [...seen].sort();
}
