import { defineConfig } from "vitest/config";

/** Tests that build the site or drive Chromium: minutes each. */
const SITE = ["site", "preview", "partial-folders", "analyst-pages"];
/** Tests on the sample company's data, the large public datasets, generated folders, or the real CLI. */
const DATA = [
  "cli",
  "customers",
  "data-loader",
  "formats",
  "fuzz",
  "golden",
  "ingest",
  "kpis",
  "loyalty",
  "optional-inputs",
  "parse",
  "partial-exports",
  "privacy",
  "quarters",
  "real-exports",
  "sample",
  "tracking",
  "value-sample"
];
const files = (names: readonly string[]) => names.map((name) => `test/${name}.test.ts`);

export default defineConfig({
  test: {
    // A test without an assertion is a test that cannot fail.
    expect: { requireAssertions: true },
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // Two files at a time: a file alone keeps about one core busy (a build, Chromium waiting for
    // the network to go quiet, DuckDB on small folders), so two fill a 2-core machine (9 min of
    // tests in 5.5). Every file works in its own clone, warehouse and temporary folders.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ["default", "./test/support/summary-reporter.ts"],
    // `npm test` runs all three; `npm run test:unit` the first, in under a minute.
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...files(SITE), ...files(DATA)] }
      },
      { extends: true, test: { name: "data", include: files(DATA) } },
      { extends: true, test: { name: "site", include: files(SITE) } }
    ]
  }
});
