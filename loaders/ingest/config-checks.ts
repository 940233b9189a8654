/**
 * Settings of the config that name what the exports must hold, checked against the files
 * read, so that a mistake in them is said by `cva validate` (a line naming the setting) rather
 * than found later by a table that cannot be computed.
 */
import { CONFIG_FILE, isNpsScale, type Config } from "../contract/config.js";
import type { ExportName } from "../contract/contract.js";
import type { Problem } from "../core/errors.js";
import type { Warning } from "./warnings.js";

/** The columns read of each export in the folder, lower-cased. */
export type ColumnsRead = ReadonlyMap<ExportName, readonly string[]>;

/** Settings that cannot apply to the exports: they stop ingest. */
export function configProblems(config: Config | undefined, columns: ColumnsRead): Problem[] {
  const problems: Problem[] = [];
  const flag = config?.churn.flagColumn?.trim().toLowerCase();
  const customers = columns.get("customers");
  if (flag && customers && !customers.includes(flag)) {
    problems.push({
      file: CONFIG_FILE,
      column: "churn.flagColumn",
      rule: "unknown-column",
      message: `names the column ${flag}, which customers has not (its columns: ${customers.join(", ")}): name one of them, or remove the setting to measure churn by inactivity`
    });
  }
  return problems;
}

/** Settings that leave a report out: said, and the reports go on without it. */
export function configWarnings(config: Config | undefined, columns: ColumnsRead): Warning[] {
  if (!config || isNpsScale(config)) return [];
  const asked = columns.get("responses")?.includes("likelihood_to_recommend") || columns.has("recommendations");
  if (!asked) return [];
  const { min, max } = config.scales.likelihood_to_recommend;
  return [
    {
      file: CONFIG_FILE,
      message: `scales.likelihood_to_recommend is ${min}-${max}, not 0-10: NPS and the loyalty groups (promoters 9-10, detractors 0-6) are defined on 0-10 only, so they are left out`
    }
  ];
}
