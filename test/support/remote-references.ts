import { readdir, readFile } from "node:fs/promises";
import { extname, join, relative } from "node:path";

export interface RemoteReference {
  file: string;
  line: number;
  text: string;
}

// Contexts in which a browser fetches a URL by itself: element sources, stylesheets and
// preloads, CSS url() and @import, module imports, fetch, workers. A remote URL that is only a
// string (an SVG namespace, a link a reader may click) is not a fetch and is not reported.
const REMOTE = String.raw`(?:https?:)?//[^\s"'\`)>]+`;
const FETCHING_CONTEXTS: Record<string, RegExp[]> = {
  ".html": [
    new RegExp(
      String.raw`<(?:script|img|iframe|source|audio|video|embed|track|input)\b[^>]*\ssrc(?:set)?\s*=\s*["']?${REMOTE}`,
      "gi"
    ),
    new RegExp(String.raw`<link\b[^>]*\shref\s*=\s*["']?${REMOTE}`, "gi")
  ],
  ".css": [
    new RegExp(String.raw`url\(\s*["']?${REMOTE}`, "gi"),
    new RegExp(String.raw`@import\s+(?:url\()?\s*["']?${REMOTE}`, "gi")
  ],
  ".js": [
    new RegExp(String.raw`\bimport\s*\(\s*["'\`]${REMOTE}`, "g"),
    new RegExp(String.raw`\b(?:from|import)\s*["']${REMOTE}`, "g"),
    new RegExp(
      String.raw`\b(?:fetch|importScripts|Worker|SharedWorker|EventSource|WebSocket)\s*\(\s*["'\`]${REMOTE}`,
      "g"
    )
  ]
};
FETCHING_CONTEXTS[".mjs"] = FETCHING_CONTEXTS[".js"]!;

/** Hosts Framework, DuckDB-Wasm or fonts would be fetched from; any mention in dist/ is a leak. */
export const KNOWN_REMOTE_HOSTS = [
  "cdn.jsdelivr.net",
  "fonts.googleapis.com",
  "fonts.gstatic.com",
  "extensions.duckdb.org",
  "community-extensions.duckdb.org",
  "registry.npmjs.org",
  "events.observablehq.com",
  "api.observablehq.com"
];

/** Every place under `dir` where a built page would make the browser fetch from another host. */
export async function findRemoteReferences(dir: string): Promise<RemoteReference[]> {
  const found: RemoteReference[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const patterns = FETCHING_CONTEXTS[extname(entry.name)];
    if (!patterns && ![".json", ".svg", ".webmanifest"].includes(extname(entry.name))) continue;
    const text = await readFile(path, "utf-8");
    const report = (index: number, match: string) =>
      found.push({
        file: relative(dir, path),
        line: text.slice(0, index).split("\n").length,
        text: match.slice(0, 160)
      });
    for (const pattern of patterns ?? []) for (const match of text.matchAll(pattern)) report(match.index, match[0]);
    for (const host of KNOWN_REMOTE_HOSTS) {
      for (let i = text.indexOf(host); i >= 0; i = text.indexOf(host, i + 1))
        report(i, text.slice(Math.max(0, i - 40), i + 60));
    }
  }
  return found;
}
