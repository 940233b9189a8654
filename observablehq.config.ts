// Observable Framework configuration. See docs/architecture.md for how the build stays offline.
export default {
  title: "CVA Reports",
  root: "src",
  // CVA_OUT lets tests build into a scratch folder without touching dist/.
  output: process.env.CVA_OUT ?? "dist",
  // Framework's default global stylesheet loads Source Serif from Google Fonts; built pages must
  // fetch nothing from outside the site, so we use the theme's system font stack.
  globalStylesheets: [],
  // DuckDB-Wasm would download its json and parquet extensions from extensions.duckdb.org.
  // Both are built into the Wasm bundles, so nothing is installed.
  duckdb: {extensions: {json: {install: false, load: false}, parquet: {install: false, load: false}}},
  pager: false,
  head: '<link rel="icon" href="favicon.svg" type="image/svg+xml">',
  footer: "CVA Reports · built from your own exports; nothing leaves this site.",
  pages: [
    {name: "Overview", path: "/"},
    {
      name: "Customer value",
      pages: [
        {name: "Value map", path: "/value-map"},
        {name: "Quality profile", path: "/quality-profile"},
        {name: "Won and lost", path: "/won-lost"}
      ]
    },
    {
      name: "Competitors",
      pages: [
        {name: "Competitor ratings", path: "/competitors"},
        {name: "Trends", path: "/trends"}
      ]
    },
    {
      name: "Loyalty",
      pages: [
        {name: "Loyalty model", path: "/loyalty"},
        {name: "Key drivers", path: "/drivers"}
      ]
    },
    {
      name: "Customers",
      pages: [
        {name: "Customer value", path: "/customers"},
        {name: "Retention", path: "/retention"},
        {name: "Retention levers", path: "/levers"}
      ]
    },
    {name: "Data quality", path: "/data-quality"}
  ]
};
