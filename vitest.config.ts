import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A test without an assertion is a test that cannot fail.
    expect: { requireAssertions: true },
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // The site build and Chromium each want a core; run files one at a time on 2-core machines.
    fileParallelism: false,
    reporters: ["default", "./test/support/summary-reporter.ts"]
  }
});
