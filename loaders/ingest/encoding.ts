import { closeSync, createReadStream, createWriteStream, openSync, readSync } from "node:fs";
import { once } from "node:events";

/** Text encodings ingest reads; DuckDB reads UTF-8 only, so the others are converted first. */
export type Encoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

/**
 * The encoding of a text file, from its first 64 KB: a UTF-16 byte order mark, else UTF-8 if
 * those bytes decode as UTF-8 (a BOM or none), else Windows-1252 (what Excel on Windows
 * writes as "CSV"). A file whose later bytes are not UTF-8 is caught when DuckDB reads it.
 */
export function detectEncoding(path: string): Encoding {
  const fd = openSync(path, "r");
  const head = Buffer.alloc(65_536);
  const size = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  if (size >= 2 && head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (size >= 2 && head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  return decodesAsUtf8(head.subarray(0, size)) ? "utf-8" : "windows-1252";
}

function decodesAsUtf8(bytes: Buffer): boolean {
  // The last few bytes may be a character cut in half by the 64 KB window.
  for (let cut = 0; cut < 4 && cut <= bytes.length; ++cut) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, bytes.length - cut));
      return true;
    } catch {
      if (bytes.length < 65_536) return false;
    }
  }
  return false;
}

/** Writes `path` decoded from `encoding` to `target` as UTF-8 without a BOM, streaming. */
export async function convertToUtf8(path: string, encoding: Exclude<Encoding, "utf-8">, target: string): Promise<void> {
  const decoder = new TextDecoder(
    encoding === "utf-16be" ? "utf-16be" : encoding === "utf-16le" ? "utf-16le" : "windows-1252"
  );
  const output = createWriteStream(target);
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) {
    if (!output.write(decoder.decode(chunk as Buffer, { stream: true }))) await once(output, "drain");
  }
  output.end(decoder.decode());
  await once(output, "finish");
}

export const ENCODING_NAMES: Record<Encoding, string> = {
  "utf-8": "UTF-8",
  "utf-16le": "UTF-16",
  "utf-16be": "UTF-16 (big-endian)",
  "windows-1252": "Windows-1252"
};
