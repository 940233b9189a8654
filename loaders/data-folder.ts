import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** This library's folder. */
export const LIBRARY_DIR = fileURLToPath(new URL(".", import.meta.url));

/** The bundled sample exports, next to this library. */
export const SAMPLE_DATA_DIR = fileURLToPath(new URL("../data", import.meta.url));

/**
 * The data folder every report reads: `CVA_DATA` when set (relative to the working
 * directory), the bundled sample data otherwise.
 */
export function dataFolderFrom(env: Record<string, string | undefined> = process.env): string {
  return env.CVA_DATA ? resolve(env.CVA_DATA) : SAMPLE_DATA_DIR;
}
