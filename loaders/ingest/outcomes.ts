/**
 * A deal's outcome from the stage a CRM writes: won, lost, or open (pipeline). Salesforce's
 * standard stages and HubSpot's default pipeline (internal names and labels) are known; the
 * config's `outcomes` adds a company's own (HubSpot pipelines close deals as "Contract Signed"
 * or "Paid"). Stages match case- and space-insensitively: HubSpot writes `Closed Lost `.
 * Salesforce's `IsClosed` and `IsWon` columns, when a file has them, decide over the stage.
 */
import { normalStage, type Config } from "../contract/config.js";
import { TRUE_WORDS, FALSE_WORDS } from "../contract/contract.js";
import { identifier, literal, literalList } from "../core/sql.js";

export type Outcome = "won" | "lost" | "open";

export const DEFAULT_STAGES: Record<Outcome, readonly string[]> = {
  won: ["won", "closed won", "closedwon"],
  lost: ["lost", "closed lost", "closedlost"],
  open: [
    "open",
    // Salesforce's standard opportunity stages.
    "prospecting",
    "qualification",
    "needs analysis",
    "value proposition",
    "id. decision makers",
    "perception analysis",
    "proposal/price quote",
    "negotiation/review",
    // HubSpot's default sales pipeline: internal names, then labels.
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "appointment scheduled",
    "qualified to buy",
    "presentation scheduled",
    "decision maker bought-in",
    "contract sent"
  ]
};

/** Every stage the folder knows, normalized → its outcome: the defaults and the config's. */
export function stageMap(config: Config | undefined): Map<string, Outcome> {
  const map = new Map<string, Outcome>();
  for (const outcome of ["won", "lost", "open"] as const) {
    for (const stage of [...DEFAULT_STAGES[outcome], ...(config?.outcomes[outcome] ?? [])])
      map.set(normalStage(stage), outcome);
  }
  return map;
}

/** The columns whose flags decide a deal's outcome, as a Salesforce export names them (lower-cased). */
export const OUTCOME_FLAGS = { closed: "isclosed", won: "iswon" } as const;

const TRUE = literalList(TRUE_WORDS);
const FALSE = literalList(FALSE_WORDS);

/**
 * The outcome of the stage `v`, as SQL: 'won', 'lost', 'open', or NULL when the stage is not
 * known. With `flags` (the prefix of the row's columns, when the file has IsClosed and IsWon),
 * the flags decide and the stage only speaks when they are blank.
 */
export function outcomeSql(v: string, config: Config | undefined, flags?: string): string {
  const cases = [...stageMap(config)].map(([stage, outcome]) => `WHEN ${literal(stage)} THEN '${outcome}'`).join(" ");
  const byStage = `CASE lower(regexp_replace(${v}, '\\s+', ' ', 'g')) ${cases} END`;
  if (flags === undefined) return byStage;
  const closed = `lower(${flags}${identifier(OUTCOME_FLAGS.closed)})`,
    won = `lower(${flags}${identifier(OUTCOME_FLAGS.won)})`;
  return `CASE WHEN ${closed} IN ${FALSE} THEN 'open' WHEN ${closed} IN ${TRUE} AND ${won} IN ${TRUE} THEN 'won' WHEN ${closed} IN ${TRUE} AND ${won} IN ${FALSE} THEN 'lost' ELSE ${byStage} END`;
}

/** What to add to the config for stages that are not known, for a problem's message. */
export function outcomesHint(stages: string[]): string {
  return `add each to "won", "lost" or "open" under "outcomes" in cva.config.json, e.g. "outcomes": { "open": [${JSON.stringify(stages[0] ?? "")}] }`;
}
