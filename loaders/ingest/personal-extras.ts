/** Columns beyond the contract that hold personal data: found by name or value, and kept out of the typed tables. */
import type { ReadFile } from "./context.js";
import type { SourceFile } from "./read-source.js";
import type { Warning } from "./warnings.js";
import type { FileSpec } from "../contract/contract.js";
import { columnsHoldingContacts, isPersonalName } from "./personal-columns.js";

/** Columns beyond the contract's, kept as text dimensions of the export's table. */
export function extraColumns(spec: FileSpec, columns: string[]): string[] {
  if (spec.extras === false) return [];
  return columns.filter((c) => !spec.columns.some((s) => s.name === c) && !c.startsWith("_"));
}

/**
 * Extra columns that hold personal data (a CRM's "First Name", "BillingStreet", "Mobile Phone",
 * a survey tool's IP address and location, an unmapped column of e-mail addresses) are not
 * kept at all: the contract's own personal columns go to customer_contacts, these nowhere.
 */
export async function personalExtras(file: ReadFile): Promise<{ byName: string[]; byValue: string[] }> {
  const { db, spec, columns } = file;
  const extras = extraColumns(spec, columns);
  const byName = extras.filter(isPersonalName);
  return {
    byName,
    byValue: await columnsHoldingContacts(
      db,
      `raw_${spec.name}`,
      extras.filter((c) => !byName.includes(c))
    )
  };
}

export function personalWarnings(
  source: SourceFile,
  { byName, byValue }: { byName: string[]; byValue: string[] }
): Warning[] {
  const keep = "map one to name, email or phone under rename to keep it as the customer's contact";
  return [
    ...(byName.length
      ? [
          {
            file: source.fileName,
            message: `columns ${byName.join(", ")} look like personal data and were not kept (${keep})`
          }
        ]
      : []),
    ...(byValue.length
      ? [
          {
            file: source.fileName,
            message: `columns ${byValue.join(", ")} hold e-mail addresses or phone numbers and were not kept (${keep})`
          }
        ]
      : [])
  ];
}
