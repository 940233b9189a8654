/**
 * The bytes each built page makes the browser fetch, read from dist/: the page's HTML, the
 * modules Framework preloads, its stylesheets and the data files it registers (FileAttachment;
 * Framework writes their sizes into the page). Uncompressed, as served. What a page fetches
 * only as it runs (parquet-wasm's binary for Parquet attachments, DuckDB-Wasm on the explore
 * page) is not seen here; the browser test measures those (test/artifacts/page-weight.json).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export function pageWeights(dist: string): Record<string, number> {
  const weights: Record<string, number> = {};
  const pages = readdirSync(dist, { recursive: true, encoding: "utf-8" }).filter(
    (f) => f.endsWith(".html") && !f.startsWith("_")
  );
  for (const page of pages.sort()) {
    const path = join(dist, page);
    const html = readFileSync(path, "utf-8");
    let bytes = statSync(path).size;
    const seen = new Set<string>();
    const add = (href: string) => {
      const file = resolve(dirname(path), href.split("?")[0]!);
      if (seen.has(file) || !existsSync(file)) return;
      seen.add(file);
      bytes += statSync(file).size;
    };
    for (const [, href] of html.matchAll(/<link rel="(?:modulepreload|stylesheet)"[^>]*href="([^"]+)"/g)) add(href!);
    for (const [, href] of html.matchAll(/<script[^>]*src="([^"]+)"/g)) add(href!);
    for (const [, href] of html.matchAll(/registerFile\([^,]+, \{[^}]*"path":"([^"]+)"/g)) add(href!);
    weights[
      `/${relative(dist, path)
        .replace(/\.html$/, "")
        .replace(/(^|\/)index$/, "")}`
    ] = bytes;
  }
  return weights;
}
