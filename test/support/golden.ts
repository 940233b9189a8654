/**
 * Golden outputs, in the style of Framework's build tests: the expected text is a file under
 * test/golden/. A mismatch writes the actual text beside it as `<name>-changed.<ext>` (diff the
 * two, and if the change is intended, move it over the expectation). A missing expectation is
 * written and passes, except under `CI=true`, where it fails: CI never makes its own answers.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { expect } from "vitest";
import { PROJECT_DIR } from "./project.js";

export const GOLDEN_DIR = join(PROJECT_DIR, "test", "golden");

/** Rows as text: the column names on the first line, then one JSON array of values per row. */
export function rowsText(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return (
    [columns, ...rows.map((row) => columns.map((c) => row[c] ?? null))].map((line) => JSON.stringify(line)).join("\n") +
    "\n"
  );
}

export function expectGolden(path: string, actual: string): void {
  const file = join(GOLDEN_DIR, path);
  const changed = file.slice(0, -extname(file).length) + "-changed" + extname(file);
  if (!existsSync(file)) {
    expect(process.env.CI, `no expectation ${path}: run the test without CI=true to write it, then commit it`).not.toBe(
      "true"
    );
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    expect(readFileSync(file, "utf-8")).toBe(actual);
    return;
  }
  const expected = readFileSync(file, "utf-8");
  if (actual === expected) rmSync(changed, { force: true });
  else writeFileSync(changed, actual);
  expect(actual, `${path} changed: see ${changed}`).toBe(expected);
}
