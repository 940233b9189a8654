/**
 * Offline `npm:` imports for Observable Framework.
 *
 * Framework resolves every `npm:` import (including the implicit ones behind `Plot`, `d3`,
 * `Inputs`, `FileAttachment.csv()`, `.arrow()`, `.parquet()`) by downloading jsDelivr's
 * `+esm` bundles into `<root>/.observablehq/cache/_npm/<name>@<version>/`, and it looks in
 * that folder first, both for the version and for the file. This script fills the folder
 * from our own `node_modules` instead, so `observable build` and `observable preview` never
 * touch the network and serve exactly the versions pinned by `package-lock.json`.
 *
 * The layout mirrors what Framework would have fetched:
 *   npm:d3                 -> _npm/d3@7.9.0/_esm.js        (one ES module per package)
 *   npm:pkg/sub/path       -> _npm/pkg@1.0.0/sub/path._esm.js
 *   npm:pkg/file.wasm      -> _npm/pkg@1.0.0/file.wasm     (raw file, copied as is)
 * Each package is bundled by esbuild with its own files inlined and every other package left
 * as an import of that package's vendored module (`../d3-array@3.2.4/_esm.js`), so shared
 * dependencies are fetched once by the browser, as with jsDelivr.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { dirname, join, posix, resolve } from "node:path";
import { build, type Plugin } from "esbuild";

/**
 * The `npm:` specifiers our pages and Framework's client library can import. Framework's
 * `FileAttachment` always references d3-dsv, apache-arrow and parquet-wasm (with its wasm
 * binary); its SQL support (the explore page) DuckDB-Wasm, with the module and worker of each
 * platform it may pick (`mvp`, and `eh` for browsers with WebAssembly exceptions); the rest are
 * the libraries our pages use. Each must be a direct dependency in package.json so that its
 * version is pinned there.
 */
export const BROWSER_MODULES = [
  "@observablehq/plot",
  "@observablehq/inputs",
  "d3",
  "htl",
  "d3-dsv",
  "apache-arrow",
  "parquet-wasm",
  "parquet-wasm/esm/parquet_wasm_bg.wasm",
  "@duckdb/duckdb-wasm",
  "@duckdb/duckdb-wasm/dist/duckdb-eh.wasm",
  "@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js",
  "@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm",
  "@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js"
] as const;

export interface VendorOptions {
  /** The Framework source root (where `.observablehq/cache` lives), e.g. `src`. */
  root: string;
  /** The folder whose `node_modules` supplies the packages: the project root. */
  projectDir: string;
  specifiers?: readonly string[];
  /** Where to report what was written; silent by default. */
  log?: (line: string) => void;
}

/**
 * The version recorded for libraries Framework's client knows but we do not vendor. Framework
 * needs a version for every `npm:` name its client bundle mentions (react-dom, leaflet, ...)
 * even when no page uses it; an empty `<name>@<version>` folder is how its own cache records
 * one. A page that does import such a library fails the offline build naming this version.
 */
export const NOT_VENDORED_VERSION = "0.0.0-not-vendored";

export interface VendorResult {
  /** Cache paths written, such as `/_npm/d3@7.9.0/_esm.js`. */
  paths: string[];
  /** Packages Framework's client mentions that were given NOT_VENDORED_VERSION. */
  notVendored: string[];
  /** False when the stamp showed the cache already matches the lockfile. */
  rebuilt: boolean;
}

interface NpmSpecifier {
  name: string;
  subpath: string | undefined;
}

export function parseSpecifier(specifier: string): NpmSpecifier {
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? `${parts.shift()}/${parts.shift()}` : parts.shift()!;
  return { name, subpath: parts.length > 0 ? parts.join("/") : undefined };
}

/** The cache path Framework expects for a package version and subpath (see the file header). */
export function cachePathOf(name: string, version: string, subpath: string | undefined): string {
  const file = subpath === undefined ? "_esm.js" : posix.extname(subpath) ? subpath : `${subpath}._esm.js`;
  return `/_npm/${name}@${version}/${file}`;
}

/** Node's lookup: the nearest `node_modules/<name>` at or above `fromDir`. */
export function findPackageDir(fromDir: string, name: string): string {
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`vendor-npm: package ${name} is not installed (looked up from ${fromDir}); run npm ci`);
}

/** Vendors `options.specifiers` and everything they import, unless the stamp is current. */
export async function vendorNpm(options: VendorOptions): Promise<VendorResult> {
  const { root, projectDir, specifiers = BROWSER_MODULES, log = () => {} } = options;
  const cacheDir = join(root, ".observablehq", "cache");
  const npmDir = join(cacheDir, "_npm");
  const stampPath = join(cacheDir, "_npm.vendored.json");
  const stamp = vendorStamp(projectDir, specifiers);
  if (existsSync(stampPath)) {
    const previous = JSON.parse(await readFile(stampPath, "utf-8")) as Omit<VendorResult, "rebuilt"> & {
      stamp: string;
    };
    if (previous.stamp === stamp && previous.paths.every((p) => existsSync(join(cacheDir, p)))) {
      return { paths: previous.paths, notVendored: previous.notVendored, rebuilt: false };
    }
  }
  // Start clean: a stale version left behind would win Framework's highest-version lookup.
  await rm(npmDir, { recursive: true, force: true });

  const queued = new Map<string, { name: string; subpath: string | undefined; packageDir: string }>();
  const pending: string[] = [];
  const enqueue = (specifier: string, fromDir: string): string => {
    const { name, subpath } = parseSpecifier(specifier);
    const packageDir = findPackageDir(fromDir, name);
    const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf-8")) as { version: string };
    const path = cachePathOf(name, version, subpath);
    if (!queued.has(path)) {
      queued.set(path, { name, subpath, packageDir });
      pending.push(path);
    }
    return path;
  };
  for (const specifier of specifiers) enqueue(specifier, projectDir);

  for (let path; (path = pending.shift()) !== undefined;) {
    const { name, subpath, packageDir } = queued.get(path)!;
    const outputPath = join(cacheDir, path);
    await mkdir(dirname(outputPath), { recursive: true });
    if (subpath !== undefined && posix.extname(subpath)) {
      await copyFile(join(packageDir, subpath), outputPath);
    } else {
      const contents = await bundlePackage(name, subpath, packageDir, path, enqueue);
      await writeFile(outputPath, contents);
    }
    log(`vendored npm:${name}${subpath ? `/${subpath}` : ""} -> ${path}`);
  }
  const paths = [...queued.keys()].sort();
  const vendoredNames = new Set([...queued.values()].map(({ name }) => name));
  const frameworkClient = join(findPackageDir(projectDir, "@observablehq/framework"), "dist", "client");
  const notVendored = (await npmNamesIn(frameworkClient)).filter((name) => !vendoredNames.has(name));
  for (const name of notVendored) await mkdir(join(npmDir, `${name}@${NOT_VENDORED_VERSION}`), { recursive: true });
  await writeFile(stampPath, JSON.stringify({ stamp, paths, notVendored }, null, 2));
  return { paths, notVendored, rebuilt: true };
}

/** Package names of the `"npm:..."` string literals in the JavaScript files under `dir`. */
async function npmNamesIn(dir: string): Promise<string[]> {
  const names = new Set<string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".js")) continue;
    const source = await readFile(join(entry.parentPath, entry.name), "utf-8");
    for (const [, specifier] of source.matchAll(/["']npm:([^"']+)["']/g)) {
      names.add(parseSpecifier(specifier!).name);
    }
  }
  return [...names].sort();
}

/** Bundles one package entry; imports of other packages become relative vendored paths. */
async function bundlePackage(
  name: string,
  subpath: string | undefined,
  packageDir: string,
  cachePath: string,
  enqueue: (specifier: string, fromDir: string) => string
): Promise<string> {
  const externalizeOtherPackages: Plugin = {
    name: "externalize-other-packages",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        // A CommonJS require() cannot load an ES module in the browser, so what a package
        // requires is bundled into it; only ES imports become shared vendored modules.
        if (args.kind !== "import-statement" && args.kind !== "dynamic-import") return undefined;
        const dependency = parseSpecifier(args.path);
        if (dependency.name === name) return undefined;
        if (builtinModules.includes(dependency.name.replace(/^node:/, ""))) {
          throw new Error(`vendor-npm: ${name} imports the Node built-in ${args.path}, which no browser has`);
        }
        const target = enqueue(args.path, args.resolveDir);
        return { path: relativeImport(cachePath, target), external: true };
      });
    }
  };
  const result = await build({
    entryPoints: [subpath === undefined ? name : `${name}/${subpath}`],
    // Resolve the entry from the folder whose node_modules holds this copy of the package.
    absWorkingDir: packageDir.slice(0, -`/node_modules/${name}`.length),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    legalComments: "inline",
    write: false,
    logLevel: "silent",
    plugins: [externalizeOtherPackages]
  });
  return selfHosted(result.outputFiles[0]!.text);
}

/**
 * A bundle with jsDelivr's package URLs pointed at our own vendored folder. Some libraries carry
 * a helper that builds CDN URLs for their assets (DuckDB-Wasm's getJsDelivrBundles) which
 * Framework never calls; rewritten, even a page that called it would fetch nothing from
 * outside the site, and the built site names no CDN at all.
 */
export function selfHosted(code: string): string {
  return code.replaceAll("https://cdn.jsdelivr.net/npm/", "/_npm/");
}

function relativeImport(from: string, to: string): string {
  const relative = posix.relative(posix.dirname(from), to);
  return relative.startsWith(".") ? relative : `./${relative}`;
}

/** Changes when the lockfile, the list of specifiers or this script changes. */
function vendorStamp(projectDir: string, specifiers: readonly string[]): string {
  const hash = createHash("sha256");
  hash.update(readFileSync(join(projectDir, "package-lock.json")));
  hash.update(JSON.stringify(specifiers));
  hash.update(readFileSync(new URL(import.meta.url)));
  return hash.digest("hex");
}
