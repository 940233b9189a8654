/**
 * `cva new-page "Churn by region"`: an analyst's own page in the house pattern, ready to edit.
 * It writes two files and nothing else:
 *   src/analyses/<slug>.md                the page: layout and wording, a Plot chart, a filter kept in the URL
 *   src/data/analyses/<slug>.parquet.ts   its thin loader: one library call, Parquet on stdout
 * The sidebar lists every page in src/analyses/ under "Analyses" (loaders/site/site-config.ts).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

/** The page's file name: lower case, words joined by hyphens, only a-z, 0-9 and hyphens. */
export function slugOf(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
}

export interface NewPage {
  slug: string;
  page: string;
  loader: string;
}

/** Writes the page and its loader under `projectDir`; refuses to overwrite either. */
export function newPage(projectDir: string, title: string): NewPage {
  const clean = title.trim().replace(/\s+/g, " ");
  const slug = slugOf(clean);
  if (!slug) throw new NewPageError(`a page needs a title with letters or digits (got ${JSON.stringify(title)})`);
  const page = join(projectDir, "src", "analyses", `${slug}.md`);
  const loader = join(projectDir, "src", "data", "analyses", `${slug}.parquet.ts`);
  for (const file of [page, loader]) {
    if (existsSync(file))
      throw new NewPageError(`${relative(projectDir, file)} already exists: choose another title or edit that file`);
  }
  mkdirSync(join(projectDir, "src", "analyses"), { recursive: true });
  mkdirSync(join(projectDir, "src", "data", "analyses"), { recursive: true });
  writeFileSync(page, pageTemplate(clean, slug));
  writeFileSync(loader, loaderTemplate(clean, slug));
  return { slug, page, loader };
}

export class NewPageError extends Error {}

function loaderTemplate(title: string, slug: string): string {
  return `// ${title}: the rows behind src/analyses/${slug}.md, as Parquet.
// Thin on purpose: the library computes (loaders/), this file names what the page needs and
// writes the bytes to stdout. Framework runs it at build time and caches the output; progress
// and a one-line summary go to stderr. Try it by hand, with the options every loader takes:
//   npx tsx src/data/analyses/${slug}.parquet.ts --segment Enterprise > /tmp/${slug}.parquet
// To show another table, change "churn" to any name listed by \`npx cva tables\`; to compute
// something new, add a table to its family in loaders/metrics/ (docs/analyst-guide.md walks through it).
import { runLoader, writeTableFor } from "../../../loaders/site/data-loader.js";

await runLoader("${slug}.parquet", async (options) => ({
  rows: await writeTableFor({ ...options, table: "churn" }, "parquet", process.stdout)
}));
`;
}

function pageTemplate(title: string, slug: string): string {
  const heading = title.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `---
title: ${JSON.stringify(title)}
toc: false
---

\`\`\`js
// The house pattern: the loader (src/data/analyses/${slug}.parquet.ts) computes with the library
// and writes Parquet; this page only lays the rows out. Filters live in the URL, so a link
// reopens the same view.
import {previewStatus} from "../components/preview-status.js";
import {urlInput} from "../components/url-state.js";
import {chartTable} from "../components/table.js";
import {MIN_CHART_WIDTH, plot} from "../components/layout.js";
import {rowsOf} from "../components/arrow-rows.js";
const rows = rowsOf(await FileAttachment("../data/analyses/${slug}.parquet").parquet());
const pct = d3.format(".1%");
\`\`\`

# ${heading}

<div class="preview-status-slot">\${previewStatus}</div>

<p class="lede">Churn rate by quarter for one segment at a time, with its 95% confidence interval. Replace this sentence with the question the page answers.</p>

\`\`\`js
const segments = [...new Set(rows.map((d) => d.segment))].sort((a, b) => (b === "All") - (a === "All") || a.localeCompare(b));
const segment = view(urlInput("segment", (initial) => Inputs.select(segments, {label: "Segment", value: initial ?? segments[0]}), {values: segments}));
\`\`\`

\`\`\`js
const shown = rows.filter((d) => d.segment === segment && d.quarter !== null);
\`\`\`

<div class="card" id="analysis-chart">\${shown.length ? resize((width) => plot({
  title: \`Churn rate by quarter: \${segment}\`,
  width: Math.max(width, MIN_CHART_WIDTH),
  height: 320,
  marginBottom: 50,
  x: {label: null, type: "point", tickRotate: -35},
  y: {label: "↑ Churned (% of customers at risk)", grid: true, tickFormat: (d) => (100 * d).toFixed(0)},
  marks: [
    Plot.ruleY([0]),
    Plot.areaY(shown, {x: "quarter", y1: "ci_low", y2: "ci_high", fillOpacity: 0.2}),
    Plot.line(shown, {x: "quarter", y: "churn_rate", tip: true}),
    Plot.dot(shown, {x: "quarter", y: "churn_rate"})
  ],
  ariaLabel: \`Line chart of the churn rate by quarter for \${segment}, with its 95% confidence band\`
})) : html\`<p class="muted">No rows for \${segment}.</p>\`}
\${chartTable(shown, {columns: ["quarter", "customers", "churned", "churn_rate", "ci_low", "ci_high"], header: {quarter: "Quarter", customers: "Customers at risk", churned: "Churned", churn_rate: "Churn rate", ci_low: "95% CI low", ci_high: "95% CI high"}, format: {churn_rate: pct, ci_low: pct, ci_high: pct}, filename: "${slug}.csv"})}</div>
`;
}
