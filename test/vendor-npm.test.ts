import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BROWSER_MODULES,
  NOT_VENDORED_VERSION,
  cachePathOf,
  parseSpecifier,
  selfHosted,
  vendorNpm,
  type VendorResult
} from "../scripts/vendor-npm.js";
import { PROJECT_DIR } from "./support/project.js";

describe("parseSpecifier(specifier) and cachePathOf(name, version, subpath)", () => {
  it("follows Framework's layout of jsDelivr paths", () => {
    expect(parseSpecifier("d3")).toEqual({ name: "d3", subpath: undefined });
    expect(parseSpecifier("@observablehq/plot")).toEqual({ name: "@observablehq/plot", subpath: undefined });
    expect(parseSpecifier("parquet-wasm/esm/parquet_wasm_bg.wasm")).toEqual({
      name: "parquet-wasm",
      subpath: "esm/parquet_wasm_bg.wasm"
    });
    expect(cachePathOf("d3", "7.9.0", undefined)).toBe("/_npm/d3@7.9.0/_esm.js");
    expect(cachePathOf("@scope/pkg", "1.0.0", "sub/path")).toBe("/_npm/@scope/pkg@1.0.0/sub/path._esm.js");
    expect(cachePathOf("parquet-wasm", "0.6.1", "esm/parquet_wasm_bg.wasm")).toBe(
      "/_npm/parquet-wasm@0.6.1/esm/parquet_wasm_bg.wasm"
    );
  });
});

describe("vendorNpm({root, projectDir})", () => {
  let root: string;
  let first: VendorResult;
  const lockfile = JSON.parse(readFileSync(join(PROJECT_DIR, "package-lock.json"), "utf-8")) as {
    packages: Record<string, { version: string }>;
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "cva-vendor-"));
    first = await vendorNpm({ root, projectDir: PROJECT_DIR });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("vendors each browser module at the version package-lock.json pins", () => {
    for (const specifier of BROWSER_MODULES) {
      const { name, subpath } = parseSpecifier(specifier);
      const version = lockfile.packages[`node_modules/${name}`]!.version;
      expect(first.paths).toContain(cachePathOf(name, version, subpath));
    }
  });

  it("leaves no import that the browser cannot resolve within the vendored files", () => {
    const cache = join(root, ".observablehq", "cache");
    // Our bundles; a package's own prebuilt scripts (DuckDB-Wasm's workers) are copied as they are.
    for (const path of first.paths.filter((p) => p.endsWith("_esm.js"))) {
      const source = readFileSync(join(cache, path), "utf-8");
      // esbuild's shim for a require() it could not bundle throws in the browser.
      expect(source, path).not.toContain("Dynamic require of");
      for (const [, specifier] of source.matchAll(/\b(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
        expect(specifier, `${path} imports ${specifier}`).toMatch(/^\.\.?\//);
        const target = posix.join(posix.dirname(path), specifier!);
        expect(first.paths, `${path} imports ${specifier}`).toContain(target);
        expect(existsSync(join(cache, target))).toBe(true);
      }
    }
  });

  it("gives every other library Framework's client names a not-vendored version", () => {
    expect(first.notVendored).toEqual(expect.arrayContaining(["react-dom", "leaflet", "sql.js"]));
    expect(first.notVendored).not.toContain("d3");
    expect(first.notVendored).not.toContain("@duckdb/duckdb-wasm");
    const marker = join(root, ".observablehq", "cache", "_npm", `leaflet@${NOT_VENDORED_VERSION}`);
    expect(existsSync(marker)).toBe(true);
  });

  it("does nothing on a second run while the lockfile is unchanged", async () => {
    const second = await vendorNpm({ root, projectDir: PROJECT_DIR });
    expect(second.rebuilt).toBe(false);
    expect(second.paths).toEqual(first.paths);
  });
});

describe("selfHosted(code)", () => {
  it("points a library's jsDelivr asset URLs at the vendored folder, and leaves other text alone", () => {
    const code =
      'let e="https://cdn.jsdelivr.net/npm/".concat(V,"@").concat(z,"/dist/");const doc="see https://duckdb.org/";';
    expect(selfHosted(code)).toBe(
      'let e="/_npm/".concat(V,"@").concat(z,"/dist/");const doc="see https://duckdb.org/";'
    );
  });
});
