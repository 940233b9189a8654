import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { invalidateLoaderCache } from "../scripts/loader-cache.js";

describe("invalidateLoaderCache(root, dataDir)", () => {
  let scratch: string;
  let root: string;
  let dataDir: string;
  const cachedOutput = () => join(root, ".observablehq", "cache", "data", "overview.json");
  const cacheOutput = () => {
    mkdirSync(join(root, ".observablehq", "cache", "data"), { recursive: true });
    writeFileSync(cachedOutput(), "{}");
  };

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), "cva-cache-"));
    root = join(scratch, "src");
    dataDir = join(scratch, "data");
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, "orders.csv"), "order_id\nO1\n");
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it("keeps cached loader outputs while the data folder is unchanged", async () => {
    expect(await invalidateLoaderCache(root, dataDir)).toBe(true); // first sight of the folder
    cacheOutput();
    expect(await invalidateLoaderCache(root, dataDir)).toBe(false);
    expect(existsSync(cachedOutput())).toBe(true);
  });

  it("drops them when an export changes, is added, or the folder is another one", async () => {
    await invalidateLoaderCache(root, dataDir);
    cacheOutput();
    utimesSync(join(dataDir, "orders.csv"), new Date(), new Date(Date.now() + 5_000));
    expect(await invalidateLoaderCache(root, dataDir)).toBe(true);
    expect(existsSync(cachedOutput())).toBe(false);

    cacheOutput();
    writeFileSync(join(dataDir, "customers.csv"), "customer_id\nC1\n");
    expect(await invalidateLoaderCache(root, dataDir)).toBe(true);

    const other = join(scratch, "other-data");
    mkdirSync(other);
    expect(await invalidateLoaderCache(root, other)).toBe(true);
  });
});
