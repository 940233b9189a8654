/**
 * Runs before `observable build` and `observable preview`: vendors the browser libraries from
 * node_modules (no CDN) and drops cached loader outputs when the data folder changed.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { dataFolderFrom } from "../loaders/data-folder.js";
import { invalidateLoaderCache } from "./loader-cache.js";
import { vendorNpm } from "./vendor-npm.js";

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(projectDir, "src");
const { paths, rebuilt } = await vendorNpm({ root, projectDir });
console.log(rebuilt ? `vendored ${paths.length} browser modules from node_modules` : `browser modules up to date (${paths.length})`);
const dataDir = dataFolderFrom();
if (await invalidateLoaderCache(root, dataDir)) console.log(`data folder ${dataDir} changed: its reports will be recomputed`);
