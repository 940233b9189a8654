// KPI cards: a figure, its change from last quarter, and one line saying what it means.
import { html } from "npm:htl";
import { formatKpi, formatKpiChange, kpiReading } from "./readings.js";

/**
 * One card per kpis row. `href` links the card to the report behind the figure; money is in `currency`; `note`
 * is a caveat the figure carries (the lifetime value's holdout check). The change's
 * colour says good or bad news (none for relative price, where either can be the plan) and is
 * never the only signal: the arrow and the words carry it too.
 */
export function kpiCard(row, { href, currency = "USD", note } = {}) {
  const flat = row.change === null || formatKpiChange(row).startsWith("■") || row.kpi === "price";
  const better = flat ? "" : row.change > 0 ? "good" : "bad";
  const noise = row.significant === false ? " noise" : "";
  return html`<div class="card kpi" id=${`kpi-${row.kpi}`}>
    <h2>${href ? html`<a href=${href}>${row.label}</a>` : row.label}</h2>
    <div class="kpi-value">${formatKpi(row.value, row.unit, currency)}</div>
    <div class=${`kpi-change ${better}${noise}`}>${formatKpiChange(row)}${row.significant === false ? " (noise)" : ""}</div>
    <p class="kpi-reading">${kpiReading(row, currency)}</p>
    ${note ? html`<p class="kpi-note muted">${note}</p>` : ""}
  </div>`;
}

/** Where each figure is explained in full. */
export const KPI_PAGES = {
  revenue: "/customers",
  customers: "/retention",
  retention: "/retention",
  nps: "/loyalty",
  quality: "/value-map",
  price: "/value-map",
  clv: "/retention"
};
