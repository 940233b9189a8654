import type { Problem } from "../core/errors.js";

/** A relation in the contract's shape, with the extra columns validation understands. */
export interface ExportView {
  /** The contract columns it has. */
  columns: string[];
  problems: Problem[];
  /** Treatments the analyst should know of (columns named twice that the mapping does not read). */
  warnings: string[];
}
