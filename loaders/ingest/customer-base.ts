/** Which records of a customers export are customers: record kinds that say otherwise. */
import type { ReadFile } from "./context.js";
import type { Warning } from "./warnings.js";
import type { Problem } from "../core/errors.js";

/** Lifecycle and type columns of CRM exports: they tell customers from prospects, leads and partners. */
const RECORD_KINDS = /^(lifecycle ?stage|type|account ?type|customer ?type|status|record ?type)$/;

/**
 * The config's customerBase must name a column of the customers export. A CRM's customers
 * export without it takes every record as a customer: said in a warning (customerBaseWarnings).
 */
export function customerBaseProblems(file: ReadFile): Problem[] {
  const {
    spec,
    source,
    columns,
    folder: { config }
  } = file;
  const base = config?.customerBase;
  if (spec.name !== "customers" || !base || columns.includes(base.column.toLowerCase())) return [];
  return [
    {
      file: source.fileName,
      column: "customerBase.column",
      rule: "config",
      message: `${base.column} is not a column of ${source.fileName} (found: ${columns.join(", ")})`
    }
  ];
}

export function customerBaseWarnings(file: ReadFile): Warning[] {
  const {
    spec,
    source,
    columns,
    folder: { config }
  } = file;
  // A contract customers file is customers by definition; a tool's export may hold prospects. HubSpot's lifecycle stage is read by default.
  if (
    spec.name !== "customers" ||
    !source.entry ||
    config?.customerBase ||
    (source.entry.format === "hubspot" && columns.includes("lifecycle stage"))
  )
    return [];
  const kind = columns.find((c) => RECORD_KINDS.test(c));
  return [
    {
      file: source.fileName,
      message: kind
        ? `every row is taken as a customer, though column ${kind} may mark prospects, leads or partners: set customerBase { "column": ..., "values": [...] } in cva.config.json to keep them out`
        : "every row is taken as a customer: the export has no lifecycle or type column to tell prospects apart (customerBase in cva.config.json)"
    }
  ];
}
