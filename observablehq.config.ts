// Observable Framework configuration. See docs/architecture.md for how the build stays offline.
import { analysisPages, provenanceFooter, reviewQuarters } from "./loaders/site/site-config.js";

const quarters = reviewQuarters();
const analyses = analysisPages();

export default {
  title: "CVA Reports",
  root: "src",
  // CVA_OUT lets tests build into a scratch folder without touching dist/.
  output: process.env.CVA_OUT ?? "dist",
  // Framework's default global stylesheet loads Source Serif from Google Fonts; built pages must
  // fetch nothing from outside the site, so we use the theme's system font stack.
  globalStylesheets: [],
  // Framework's themes plus our shared styles (KPI cards, tables behind charts, print).
  style: "style.css",
  // Every filter is in the URL (src/components/url-state.js), so the link to this view is the
  // page's address; clipboard access needs a secure context, else the link is shown to copy.
  header: `<button type="button" class="copy-link" onclick="navigator.clipboard.writeText(location.href).then(() => { this.textContent = 'Link copied'; }, () => prompt('Copy this link:', location.href))">Copy link to this view</button>`,
  // The explore page's SQL runs in DuckDB-Wasm, vendored from node_modules. Framework would
  // download its json and parquet extensions from extensions.duckdb.org at build time and name
  // that host in the page; both are built into DuckDB-Wasm's bundles, so neither is listed.
  duckdb: { extensions: { json: null, parquet: null } },
  pager: false,
  // Framework 1.13 writes <html> without a language, and its sidebar's close control as a
  // <label> directly inside a list: both fixed as the page loads, for assistive technology.
  head: `<link rel="icon" href="favicon.svg" type="image/svg+xml">
<script>
document.documentElement.lang = "en";
document.addEventListener("DOMContentLoaded", () => {
  const close = document.getElementById("observablehq-sidebar-close");
  if (close?.parentElement?.tagName === "OL") close.parentElement.before(close);
});
</script>`,
  footer: provenanceFooter(),
  // One frozen review page per quarter of data; a quarter's URL never changes.
  dynamicPaths: quarters.map((quarter) => `/quarters/${quarter}`),
  pages: [
    { name: "Overview", path: "/" },
    {
      name: "Customer value",
      pages: [
        { name: "Value map", path: "/value-map" },
        { name: "Quality profile", path: "/quality-profile" },
        { name: "Won and lost", path: "/won-lost" }
      ]
    },
    {
      name: "Competitors",
      pages: [
        { name: "Competitor ratings", path: "/competitors" },
        { name: "Trends", path: "/trends" }
      ]
    },
    {
      name: "Loyalty",
      pages: [
        { name: "Loyalty model", path: "/loyalty" },
        { name: "Key drivers", path: "/drivers" }
      ]
    },
    {
      name: "Customers",
      pages: [
        { name: "Customer value", path: "/customers" },
        { name: "Retention", path: "/retention" },
        { name: "Retention levers", path: "/levers" }
      ]
    },
    {
      name: "Quarterly reviews",
      open: false,
      pages: quarters.toReversed().map((quarter) => ({ name: quarter, path: `/quarters/${quarter}` }))
    },
    // Analysts' own pages (npx cva new-page "Title"), listed from src/analyses/. The explore
    // page (/explore) is for analysts and is deliberately linked from nowhere.
    ...(analyses.length ? [{ name: "Analyses", pages: analyses }] : []),
    { name: "Methodology", path: "/methodology" },
    { name: "Data quality", path: "/data-quality" }
  ]
};
