import { B, D, I, NULL, V, type RowOf } from "../table.js";
import { literal, quarterLabel } from "../../core/sql.js";
import { memoized, type TableContext, type WarehouseSchema } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { twoProportionTest, wilsonInterval } from "../../core/stats/intervals.js";

/** The competitor label of deals with no competitor named. */
export const NO_COMPETITOR = "(none named)";
/** The label of the rows that total every competitor. */
export const ALL_DEALS = "All deals";

export const WON_LOST_COLUMNS = [
  ["quarter", V],
  ["competitor", V],
  ["won", I],
  ["lost", I],
  /** won / (won + lost). */
  ["win_rate", D, NULL],
  /** Wilson 95% interval of the win rate. */
  ["ci_low", D, NULL],
  ["ci_high", D, NULL],
  ["value_won", D, NULL],
  ["value_lost", D, NULL],
  /**
   * The baseline every page compares this win rate with: the latest earlier quarter with
   * deals against the same competitor (as the KPI cards take the previous quarter on record).
   */
  ["previous_quarter", V, NULL],
  /** win_rate minus the previous quarter's, with Newcombe's 95% interval. */
  ["change", D, NULL],
  ["change_ci_low", D, NULL],
  ["change_ci_high", D, NULL],
  /** Two-proportion z-test of the change; `significant` at 5%. */
  ["p_value", D, NULL],
  ["significant", B, NULL]
] as const;

export type WonLostRow = RowOf<typeof WON_LOST_COLUMNS>;

/**
 * The open pipeline: deals whose stage is neither won nor lost, per competitor named (and in
 * all), with their value and expected close dates. Open deals are never in win rates.
 */
export function pipelineQuery(schema: WarehouseSchema): string {
  if (!schema.has("opportunities"))
    return `SELECT NULL::VARCHAR AS competitor, NULL::BIGINT AS deals, NULL::DOUBLE AS value, NULL::VARCHAR AS earliest_close, NULL::VARCHAR AS latest_close WHERE false`;
  const competitor = schema.has("opportunities", "competitor")
    ? `coalesce(competitor, ${literal(NO_COMPETITOR)})`
    : literal(NO_COMPETITOR);
  return `
    SELECT * FROM (
      SELECT CASE WHEN grouping(competitor) = 1 THEN ${literal(ALL_DEALS)} ELSE competitor END AS competitor, count(*) AS deals,
             ${schema.has("opportunities", "amount") ? "round(sum(amount)::DOUBLE, 2)" : "NULL::DOUBLE"} AS value,
             strftime(min(closed_at), '%Y-%m-%d') AS earliest_close, strftime(max(closed_at), '%Y-%m-%d') AS latest_close
      FROM (SELECT ${competitor} AS competitor, ${schema.has("opportunities", "amount") ? "amount" : "NULL AS amount"}, closed_at FROM opportunities WHERE outcome = 'open') GROUP BY GROUPING SETS ((competitor), ()) HAVING count(*) > 0)
    ORDER BY competitor = ${literal(ALL_DEALS)} DESC, deals DESC, competitor`;
}

/** Deals won and lost per quarter of closing, against each competitor and in all (the opportunities export). */
export function wonLost(context: TableContext): Promise<WonLostRow[]> {
  return memoized(context, "won-lost", async () => {
    if (!context.schema.has("opportunities")) return [];
    const amount = context.schema.has("opportunities", "amount");
    const competitor = context.schema.has("opportunities", "competitor")
      ? `coalesce(competitor, ${literal(NO_COMPETITOR)})`
      : literal(NO_COMPETITOR);
    const rows = await context.db.rows<{
      quarter: string;
      competitor: string | null;
      won: number;
      lost: number;
      value_won: number | null;
      value_lost: number | null;
    }>(`
      SELECT ${quarterLabel("closed_at")} AS quarter, ${competitor} AS competitor,
             count(*) FILTER (WHERE outcome = 'won') AS won, count(*) FILTER (WHERE outcome = 'lost') AS lost,
             ${amount ? "sum(amount) FILTER (WHERE outcome = 'won')::DOUBLE" : "NULL::DOUBLE"} AS value_won,
             ${amount ? "sum(amount) FILTER (WHERE outcome = 'lost')::DOUBLE" : "NULL::DOUBLE"} AS value_lost
      FROM opportunities WHERE outcome IN ('won', 'lost')
      GROUP BY GROUPING SETS ((1, 2), (1)) ORDER BY 1, 2 NULLS FIRST`);
    const previousOf = new Map<(typeof rows)[number], (typeof rows)[number]>();
    const latest = new Map<string | null, (typeof rows)[number]>();
    for (const r of [...rows].sort((a, b) => a.quarter.localeCompare(b.quarter))) {
      if (r.won + r.lost === 0) continue;
      const before = latest.get(r.competitor);
      if (before) previousOf.set(r, before);
      latest.set(r.competitor, r);
    }
    return rows.map((r) => {
      const interval = wilsonInterval(r.won, r.won + r.lost);
      const previous = previousOf.get(r);
      const test = previous
        ? twoProportionTest(r.won, r.won + r.lost, previous.won, previous.won + previous.lost)
        : null;
      return {
        quarter: r.quarter,
        competitor: r.competitor ?? ALL_DEALS,
        won: r.won,
        lost: r.lost,
        win_rate: round(r.won + r.lost ? r.won / (r.won + r.lost) : null, 4),
        ci_low: round(interval?.low, 4),
        ci_high: round(interval?.high, 4),
        value_won: round(r.value_won ?? (amount ? 0 : null), 2),
        value_lost: round(r.value_lost ?? (amount ? 0 : null), 2),
        previous_quarter: previous?.quarter ?? null,
        change: round(test?.difference, 4),
        change_ci_low: round(test?.low, 4),
        change_ci_high: round(test?.high, 4),
        p_value: round(test?.p, 6),
        significant: test ? test.p < 0.05 : null
      };
    });
  });
}

export const WON_LOST_REASON_COLUMNS = [
  ["competitor", V],
  ["outcome", V],
  ["reason", V],
  ["deals", I],
  /** Share of this competitor's deals with this outcome. */
  ["share", D],
  ["value", D, NULL]
] as const;

export type WonLostReasonRow = RowOf<typeof WON_LOST_REASON_COLUMNS>;

/** Why deals were won and lost, per competitor (and over all deals), over the whole export. */
export function wonLostReasons(context: TableContext): Promise<WonLostReasonRow[]> {
  return memoized(context, "won-lost-reasons", async () => {
    if (!context.schema.has("opportunities")) return [];
    const has = (column: string) => context.schema.has("opportunities", column);
    const competitor = has("competitor") ? `coalesce(competitor, ${literal(NO_COMPETITOR)})` : literal(NO_COMPETITOR);
    const rows = await context.db.rows<Omit<WonLostReasonRow, "competitor" | "share"> & { competitor: string | null }>(`
      WITH d AS (SELECT ${competitor} AS competitor, outcome, ${has("reason") ? "coalesce(reason, '(not given)')" : "'(not given)'"} AS reason,
                        ${has("amount") ? "amount" : "NULL::DECIMAL(18,2)"} AS amount FROM opportunities WHERE outcome IN ('won', 'lost'))
      SELECT competitor, outcome, reason, count(*) AS deals, sum(amount)::DOUBLE AS value FROM d GROUP BY GROUPING SETS ((competitor, outcome, reason), (outcome, reason))`);
    const totals = new Map<string, number>();
    for (const r of rows)
      totals.set(`${r.competitor}\u0000${r.outcome}`, (totals.get(`${r.competitor}\u0000${r.outcome}`) ?? 0) + r.deals);
    return rows
      .map((r) => ({
        competitor: r.competitor ?? ALL_DEALS,
        outcome: r.outcome,
        reason: r.reason,
        deals: r.deals,
        share: round(r.deals / totals.get(`${r.competitor}\u0000${r.outcome}`)!, 4)!,
        value: round(r.value, 2)
      }))
      .sort(
        (a, b) =>
          a.competitor.localeCompare(b.competitor) ||
          a.outcome.localeCompare(b.outcome) ||
          b.deals - a.deals ||
          a.reason.localeCompare(b.reason)
      );
  });
}
