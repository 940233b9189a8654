import { csvFormatRow } from "d3-dsv";
import { closeSync, openSync, writeSync } from "node:fs";

/** The size at which buffered rows are written out; bounds memory whatever the row count. */
const FLUSH_BYTES = 1 << 20;

export type CsvValue = string | number | boolean | null | undefined;

/**
 * Writes a CSV file row by row through a small buffer, so that generating ten million rows
 * holds one megabyte of them at a time. Writes are synchronous: the generator is a batch job
 * and this keeps back-pressure trivial.
 */
export class CsvWriter {
  private readonly fd: number;
  private buffer = "";
  rows = 0;

  constructor(path: string, header: readonly string[]) {
    this.fd = openSync(path, "w");
    this.buffer = header.join(",") + "\n";
  }

  write(values: readonly CsvValue[]): void {
    // d3-dsv quotes a field (RFC 4180) when it holds a comma, quote or line break.
    this.buffer += csvFormatRow(values.map((v) => (v === undefined || v === null ? "" : String(v)))) + "\n";
    ++this.rows;
    if (this.buffer.length >= FLUSH_BYTES) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.buffer) writeSync(this.fd, this.buffer);
    this.buffer = "";
  }
}
