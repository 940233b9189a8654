/**
 * The few numbers an executive reads first, per calendar quarter, each with its change from
 * the quarter before: what the overview's cards and the quarterly review pages show.
 */
import { B, D, NULL, V, type RowOf } from "../table.js";
import { memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { holm, twoProportionTest } from "../../core/stats/intervals.js";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import { churn } from "../customers/churn.js";
import { customerBaseValue } from "../customers/clv.js";
import { nps } from "../loyalty/nps.js";
import { prepareQuarterlySales } from "../sales/quarterly-sales.js";
import { quarterLabel } from "../../core/sql.js";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import { valueMap } from "../value/value-map.js";

export type KpiId = "revenue" | "customers" | "retention" | "nps" | "quality" | "price" | "clv";

export const KPI_COLUMNS = [
  ["quarter", V],
  ["kpi", V],
  ["label", V],
  /** currency, count, share (0-1), score (NPS points) or index (100 = market parity). */
  ["unit", V],
  ["value", D, NULL],
  ["previous_quarter", V, NULL],
  ["previous", D, NULL],
  /** Relative change (0.08 = +8%) for currency and counts; a difference in the unit otherwise. */
  ["change", D, NULL],
  ["change_kind", V, NULL],
  /** Two-sided p-value of the change (two-proportion or normal test); null where there is no sampling. */
  ["p_value", D, NULL],
  /** p_value adjusted by Holm's method across the quarter's cards: several cards are read at once. */
  ["p_holm", D, NULL],
  /** Whether the change is beyond sampling noise: p_holm below 5%; null where there is no sampling. */
  ["significant", B, NULL],
  /** Survey wave behind a survey figure. */
  ["wave", V, NULL],
  /** The orders export covers the quarter to within its last week (else the quarter is partial). */
  ["complete", B]
] as const;

export type KpiRow = RowOf<typeof KPI_COLUMNS>;

/** A quarter counts as complete when the last order falls within its final week. */
export const COMPLETE_WITHIN_DAYS = 7;

interface Reading {
  value: number | null;
  /** Standard error, for figures estimated from a sample. */
  se?: number | null;
  /** Successes and trials, for a proportion (tested with a two-proportion z test). */
  k?: number;
  n?: number;
  wave?: string;
}

const LABELS: Record<KpiId, [string, KpiRow["unit"]]> = {
  revenue: ["Net revenue", "currency"],
  customers: ["Customers buying", "count"],
  retention: ["Customers kept", "share"],
  nps: ["Net Promoter Score", "score"],
  quality: ["Quality score", "index"],
  price: ["Relative price", "index"],
  clv: ["Customer base value (3-year CLV)", "currency"]
};

const Z = normalQuantile(0.975, 0, 1);
/** A symmetric-enough CI's standard error. */
const seOf = (low: number | null, high: number | null) =>
  low === null || high === null ? null : (high - low) / (2 * Z);

/**
 * Survey waves mapped to quarters: a wave labelled `YYYY-Qn` is that quarter; any other label
 * takes the quarter of its median response date (none without responded_at).
 */
async function waveQuarters(context: TableContext): Promise<Map<string, string>> {
  if (!context.schema.has("responses")) return new Map();
  const date = context.schema.has("responses", "responded_at") ? "median(responded_at)" : "NULL::DATE";
  const rows = await context.db.rows<{ wave: string; quarter: string | null }>(`
    SELECT wave, CASE WHEN regexp_full_match(wave, '\\d{4}-Q[1-4]') THEN wave
                      ELSE ${quarterLabel(date)} END AS quarter
    FROM responses GROUP BY wave`);
  return new Map(rows.filter((r) => r.quarter).map((r) => [r.quarter!, r.wave]));
}

export function kpis(context: TableContext): Promise<KpiRow[]> {
  return memoized(context, "kpis", async () => {
    const series = new Map<KpiId, Map<string, Reading>>();
    const put = (kpi: KpiId, quarter: string, reading: Reading) => {
      if (!series.has(kpi)) series.set(kpi, new Map());
      series.get(kpi)!.set(quarter, reading);
    };
    // A survey without orders still has its NPS, quality and price per wave.
    const orders = context.schema.has("orders");
    if (orders) await prepareQuarterlySales(context);
    const sales = !orders
      ? []
      : await context.db.rows<{ quarter: string; revenue: number; customers: number; complete: boolean }>(`
      SELECT quarter, revenue::DOUBLE AS revenue, customers,
             (SELECT max(last_order) FROM quarterly_sales)::DATE >= (start + INTERVAL 3 MONTH - INTERVAL ${COMPLETE_WITHIN_DAYS} DAY)::DATE AS complete
      FROM quarterly_sales ORDER BY quarter`);
    const complete = new Map(sales.map((s) => [s.quarter, s.complete]));
    const quarters = sales.map((s) => s.quarter);
    for (const s of sales) {
      put("revenue", s.quarter, { value: round(s.revenue, 2) });
      put("customers", s.quarter, { value: s.customers });
    }
    for (const c of orders ? (await churn(context)).filter((c) => c.segment === "All" && c.quarter !== null) : []) {
      put("retention", c.quarter!, {
        value: c.churn_rate === null ? null : round(1 - c.churn_rate, 4),
        k: c.customers - c.churned,
        n: c.customers
      });
    }
    const waves = await waveQuarters(context);
    const npsRows = await nps(context);
    const map = await valueMap(context);
    for (const [quarter, wave] of waves) {
      const ours = npsRows.find((r) => r.wave === wave && r.segment === "All" && r.is_ours && !r.suppressed);
      if (ours) put("nps", quarter, { value: ours.nps, se: ours.se, wave });
      const point = map.find((r) => r.wave === wave && r.segment === "All" && r.is_ours && !r.suppressed);
      if (point) {
        put("quality", quarter, {
          value: point.quality_score,
          se: seOf(point.quality_ci_low, point.quality_ci_high),
          wave
        });
        put("price", quarter, { value: point.relative_price, se: seOf(point.price_ci_low, point.price_ci_high), wave });
      }
    }
    for (const b of orders ? await customerBaseValue(context) : []) put("clv", b.quarter, { value: b.clv_3y });

    const all = [...new Set([...quarters, ...waves.keys()])].sort();
    const rows: KpiRow[] = [];
    for (const [kpi, readings] of series) {
      const [label, unit] = LABELS[kpi];
      const relative = unit === "currency" || unit === "count";
      for (const quarter of all) {
        const current = readings.get(quarter);
        if (!current) continue;
        const previousQuarter =
          all
            .slice(0, all.indexOf(quarter))
            .reverse()
            .find((q) => readings.has(q)) ?? null;
        const previous = previousQuarter ? readings.get(previousQuarter)! : null;
        const comparable = current.value !== null && previous?.value != null && (!relative || previous.value !== 0);
        rows.push({
          quarter,
          kpi,
          label,
          unit,
          value: current.value,
          previous_quarter: previousQuarter,
          previous: previous?.value ?? null,
          change: comparable
            ? round(relative ? current.value! / previous!.value! - 1 : current.value! - previous!.value!, 4)
            : null,
          change_kind: comparable ? (relative ? "relative" : "difference") : null,
          p_value: comparable ? round(changeP(current, previous!), 6) : null,
          p_holm: null,
          significant: null,
          wave: current.wave ?? null,
          complete: complete.get(quarter) ?? true
        });
      }
    }
    // Holm across the cards of each quarter: an executive reads them together, so "beyond
    // noise" on one of seven changes must survive the other six tests.
    for (const quarter of all) {
      const cards = rows.filter((r) => r.quarter === quarter);
      holm(cards.map((r) => r.p_value)).forEach((adjusted, i) => {
        cards[i]!.p_holm = round(adjusted, 6);
        cards[i]!.significant = adjusted === null ? null : adjusted < 0.05;
      });
    }
    const order = Object.keys(LABELS);
    return rows.sort((a, b) => a.quarter.localeCompare(b.quarter) || order.indexOf(a.kpi) - order.indexOf(b.kpi));
  });
}

/** Two-sided p-value of a change between independent samples; null for population figures. */
function changeP(current: Reading, previous: Reading): number | null {
  if (current.n !== undefined && previous.n !== undefined && current.k !== undefined && previous.k !== undefined)
    return twoProportionTest(current.k, current.n, previous.k, previous.n)?.p ?? null;
  if (current.se == null || previous.se == null) return null;
  const se = Math.hypot(current.se, previous.se);
  return se > 0 ? 2 * (1 - normalCdf(Math.abs(current.value! - previous.value!) / se, 0, 1)) : null;
}
