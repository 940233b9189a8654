/**
 * npm run pdf -- [PAGE ...] [--out DIR] [--dist DIR]: renders pages of the built site to PDF
 * with headless Chromium, for the quarterly pack. A page is a path with its filters, as in the
 * address bar: `quarters/2025-Q4`, `value-map?wave=2025-Q4&segment=Enterprise`. Without pages:
 * the overview, the latest quarter's review and the main reports. Run `npm run build` first.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { launchChromium } from "./chromium.js";
import { startStaticServer } from "./static-server.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: "string", default: "pdf" }, dist: { type: "string", default: "dist" } }
});
const dist = resolve(values.dist);
if (!existsSync(join(dist, "index.html"))) {
  console.error(`no built site in ${dist}: run npm run build first`);
  process.exit(1);
}
const quarters = existsSync(join(dist, "quarters"))
  ? readdirSync(join(dist, "quarters"))
      .filter((f) => f.endsWith(".html"))
      .map((f) => f.slice(0, -5))
      .sort()
  : [];
const pages = positionals.length
  ? positionals.map((p) => p.replace(/^\//, ""))
  : [
      "",
      ...(quarters.length ? [`quarters/${quarters.at(-1)}`] : []),
      "value-map",
      "quality-profile",
      "competitors",
      "loyalty",
      "retention"
    ];

/** A file name from a page and its filters: `value-map?segment=Enterprise` -> value-map-segment-Enterprise.pdf. */
const fileName = (page: string) => `${(page || "overview").replace(/[^A-Za-z0-9_-]+/g, "-").replace(/-+$/, "")}.pdf`;

mkdirSync(values.out, { recursive: true });
const server = await startStaticServer(dist);
const browser = await launchChromium();
try {
  for (const page of pages) {
    // A wide window lays the charts out as on a desk screen; print CSS then drops the sidebar.
    const tab = await browser.newPage({ viewport: { width: 1100, height: 1400 }, colorScheme: "light" });
    const response = await tab.goto(`${server.url}${page}`, { waitUntil: "networkidle" });
    if (!response?.ok()) throw new Error(`${page || "/"}: HTTP ${response?.status()}`);
    await tab.emulateMedia({ media: "print" });
    const path = join(values.out, fileName(page));
    writeFileSync(
      path,
      await tab.pdf({
        format: "A4",
        printBackground: true,
        margin: { top: "14mm", bottom: "14mm", left: "12mm", right: "12mm" }
      })
    );
    console.log(`${page || "/"} -> ${path}`);
    await tab.close();
  }
} finally {
  await browser.close();
  await server.close();
}
