// Plain-language readings of the value tables, for executives. Pure functions of table rows:
// the numbers come from the library; these only choose the words.
import { formatMoney, moneyFormat } from "./format.js";

const points = (x) => `${Math.abs(x).toFixed(1)} point${Math.abs(x).toFixed(1) === "1.0" ? "" : "s"}`;
const percent = (x) => `${Math.round(100 * x)}%`;
const list = (items) => (items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`);

/** One wave and segment of the value-map table -> "Northwind offers fair value: ..." */
export function valueMapReading(rows, brand) {
  const ours = rows.find((d) => d.brand === brand);
  if (!ours || ours.suppressed) return `Too few respondents rated ${brand} to place it on the value map.`;
  const basis = ours.price_basis === "actual" ? "actual prices" : "price satisfaction";
  let text = `${brand} offers ${ours.zone}: a quality score of ${ours.quality_score.toFixed(0)} (100 = the competitors' average) at a relative price of ${ours.relative_price.toFixed(0)} (from ${basis}).`;
  const best = rows.filter((d) => !d.suppressed).sort((a, b) => b.value_distance - a.value_distance)[0];
  if (best && best.brand !== brand)
    text += ` ${best.brand} offers the best value, ${best.value_distance.toFixed(1)} points below the fair-value line.`;
  else if (best) text += ` No competitor offers better value.`;
  return text;
}

/** One wave, competitor and group of the head-to-head table -> "We lead Contoso on ..." */
export function headToHeadReading(rows, competitor) {
  const usable = rows.filter((d) => !d.suppressed);
  if (!usable.length) return `Too few respondents rated both brands to compare us with ${competitor}.`;
  const lead = usable.filter((d) => d.significant && d.gap > 0).sort((a, b) => b.gap - a.gap);
  const trail = usable.filter((d) => d.significant && d.gap < 0).sort((a, b) => a.gap - b.gap);
  const parts = [];
  if (lead.length)
    parts.push(`We lead ${competitor} on ${list(lead.map((d) => `${d.label.toLowerCase()} by ${points(d.gap)}`))}`);
  if (trail.length)
    parts.push(`${competitor} leads on ${list(trail.map((d) => `${d.label.toLowerCase()} by ${points(d.gap)}`))}`);
  if (!parts.length) parts.push(`No attribute differs significantly between us and ${competitor}`);
  const net = usable[0].net_weighted_gap;
  const weighted =
    net === null
      ? ""
      : ` Weighted by importance, we are ${net >= 0 ? "ahead" : "behind"} by ${Math.abs(net).toFixed(2)} points.`;
  return `${parts.join("; ")}.${weighted}`;
}

/** The won-lost rows of one competitor (or all deals) -> "Against Globex we won 40% of deals in ..." */
export function winRateReading(rows, competitor) {
  const series = rows
    .filter((d) => d.competitor === competitor && d.win_rate !== null)
    .sort((a, b) => a.quarter.localeCompare(b.quarter));
  if (series.length === 0) return `No deals recorded against ${competitor}.`;
  const last = series.at(-1);
  const against = competitor === "All deals" ? "Over all deals" : `Against ${competitor}`;
  let text = `${against} we won ${percent(last.win_rate)} in ${last.quarter} (95% CI ${percent(last.ci_low)}-${percent(last.ci_high)}, ${last.won + last.lost} deals)`;
  // The baseline is the table's (the latest earlier quarter with deals), as on every page.
  const previous = series.find((d) => d.quarter === last.previous_quarter);
  if (previous && last.change !== null) {
    const points = Math.abs(100 * last.change);
    text +=
      points < 0.5
        ? `, unchanged from ${percent(previous.win_rate)} in ${previous.quarter}`
        : `, ${last.change > 0 ? "up" : "down"} ${points.toFixed(0)} points from ${percent(previous.win_rate)} in ${previous.quarter} (${last.significant ? "a significant change" : `within chance, p = ${last.p_value.toFixed(2)}`})`;
  }
  return `${text}.`;
}

/** One wave of the what-who table (the one priority list) -> "Fix first: ..." */
export function whatWhoReading(rows) {
  const top = rows
    .filter((d) => d.priority > 0)
    .sort((a, b) => b.priority - a.priority)
    .slice(0, 3);
  if (!top.length)
    return rows.every((d) => d.gap_to_best === null || d.gap_to_best >= 0)
      ? "We lead every competitor on every attribute: nothing to catch up on."
      : "Nothing to fix first: where a competitor is rated above us, the gap is within chance or the attribute shows no measured effect on satisfaction.";
  return `Fix first: ${list(top.map((d) => `${d.label.toLowerCase()} (${d.owner}; ${d.best_competitor} is ${points(d.gap_to_best)} ahead)`))}.`;
}

/** The linkage and loyalty-groups tables -> what each link of the chain shows, money in `currency`. */
export function linkageReading(links, groups, currency = "USD") {
  const money = (x) => moneyFormat(currency)(Math.abs(x));
  const link = (n) => links.find((d) => d.link === n);
  const [r2, retention, revenue, risk] = [link(1), link(3), link(4), link(5)];
  const parts = [];
  if (r2)
    parts.push(`Our attribute ratings explain ${Math.round(100 * r2.value)}% of the variation in overall satisfaction`);
  const recommend = links.find((d) => d.link === 2 && /recommend/.test(d.measure));
  if (recommend) parts.push(`satisfaction goes with likelihood to recommend (r = ${recommend.value.toFixed(2)})`);
  let text = parts.length ? `${parts.join("; ")}.` : "";
  const promoters = groups.find((g) => g.group === "promoter");
  const detractors = groups.find((g) => g.group === "detractor");
  if (retention && promoters && detractors) {
    const significant = retention.ci_low > 0 || retention.ci_high < 0;
    text += ` Promoters we can link to the CRM were still buying two quarters later ${percent(promoters.retention)} of the time, detractors ${percent(detractors.retention)}`;
    text += significant
      ? ` (a difference of ${retention.value.toFixed(1)} points, 95% CI ${retention.ci_low.toFixed(1)} to ${retention.ci_high.toFixed(1)}).`
      : " (not a significant difference).";
  }
  if (revenue)
    text += ` They spent ${money(revenue.value)} ${revenue.value >= 0 ? "more" : "less"} per customer over those six months.`;
  if (risk && risk.value > 0)
    text += ` Revenue at risk from the latest wave's ${risk.n} linked detractors: about ${money(risk.value)}.`;
  return text.trim();
}

/** One wave of the drivers table and the what-if choice -> "Raising ... would lift ...". */
export function driverReading(rows, attribute, change) {
  const driver = rows.find((d) => d.attribute === attribute);
  if (!driver) return "";
  const effect = driver.coefficient * change;
  const direction = effect >= 0 ? "lift" : "lower";
  return `${change >= 0 ? "Raising" : "Lowering"} our ${driver.label.toLowerCase()} rating by ${Math.abs(change).toFixed(1)} points would ${direction} overall satisfaction by about ${Math.abs(effect).toFixed(2)} points, other ratings held fixed (regression coefficient ${driver.coefficient.toFixed(2)}, n = ${driver.n.toLocaleString("en-US")}). This is an association in survey answers, not proof of cause.`;
}

/** One wave and breakdown of the competitor-ratings table -> where we stand, significant gaps only. */
export function competitorReading(rows, brand) {
  const competitorsRows = rows.filter((d) => !d.is_ours && !d.suppressed && d.significant !== null);
  if (!competitorsRows.length) return "Too few respondents in this group to compare the brands.";
  const byAttribute = d3group(competitorsRows, (d) => d.label);
  const leadAll = [];
  const trailing = [];
  for (const [label, list] of byAttribute) {
    if (list.every((d) => d.significant && d.gap > 0)) leadAll.push(label.toLowerCase());
    for (const d of list.filter((d) => d.significant && d.gap < 0))
      trailing.push(`${d.brand} on ${label.toLowerCase()} (by ${points(d.gap)})`);
  }
  const lead = leadAll.length
    ? `${brand} is rated significantly above every competitor on ${list(leadAll)}`
    : `${brand} leads no competitor on every attribute`;
  const trail = trailing.length
    ? `; it is rated significantly below ${list(trailing)}`
    : "; no competitor is rated significantly above it on anything";
  return `${lead}${trail}. Tests are paired where respondents rated both brands, Holm-corrected across attributes.`;
}

/** One wave of the wave-changes table -> what moved, significant after correction only. */
export function trendsReading(rows, wave) {
  const current = rows.filter((d) => d.wave === wave);
  const moved = current.filter((d) => d.significant_year || d.significant_prev);
  const compared = current.filter((d) => d.p_holm_year !== null || d.p_holm_prev !== null).length;
  if (!compared) return `No earlier wave to compare ${wave} with.`;
  const sentences = moved.map((d) =>
    d.significant_year
      ? `${d.brand} ${d.change_year > 0 ? "rose" : "fell"} ${points(d.change_year)} on ${d.label.toLowerCase()} over the year to ${wave} (95% CI ${d.year_ci_low.toFixed(2)} to ${d.year_ci_high.toFixed(2)})`
      : `${d.brand} ${d.change_prev > 0 ? "rose" : "fell"} ${points(d.change_prev)} on ${d.label.toLowerCase()} since ${d.previous_wave}`
  );
  const rest = `${moved.length ? "No other" : "No"} brand's rating on any attribute changed significantly (${compared} brand-attribute comparison${compared === 1 ? "" : "s"}, Holm-corrected).`;
  return moved.length ? `${sentences.join("; ")}. ${rest}` : rest;
}

function d3group(items, key) {
  const map = new Map();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}

/** A figure of the kpis table in its unit: $9.8M (in `currency`), 2,926, 90.4%, +11, 106.3. */
export function formatKpi(value, unit, currency = "USD") {
  if (value === null || value === undefined) return "–";
  switch (unit) {
    case "currency":
      return formatMoney(value, currency);
    case "count":
      return Math.round(value).toLocaleString("en-US");
    case "share":
      return `${(Math.round(1000 * value) / 10).toFixed(1)}%`;
    case "score":
      return `${value > 0 ? "+" : value < 0 ? "−" : ""}${Math.abs(value).toFixed(0)}`;
    default:
      return value.toFixed(1);
  }
}

/** The size of a kpis row's change: "12.4%" (relative) or "1.2 pts" (difference). */
function changeSize(row) {
  return row.change_kind === "relative"
    ? `${(100 * Math.abs(row.change)).toFixed(1)}%`
    : `${Math.abs(row.unit === "share" ? 100 * row.change : row.change).toFixed(1)} pts`;
}

/** A kpis row's change: "▲ 12.4% vs 2025-Q3", "▼ 1.2 pts vs 2025-Q3". */
export function formatKpiChange(row) {
  if (row.change === null || row.change === undefined) return row.previous_quarter ? "" : "first quarter on record";
  if (unchanged(row)) return `■ unchanged vs ${row.previous_quarter}`;
  return `${row.change > 0 ? "▲" : "▼"} ${changeSize(row)} vs ${row.previous_quarter}`;
}

/** A change too small to show at one decimal. */
const unchanged = (row) => /^0\.0\D/.test(changeSize(row));

/** A kpis row -> one plain sentence for the executive, with whether its change is real. */
export function kpiReading(row, currency = "USD") {
  const value = formatKpi(row.value, row.unit, currency);
  const noise =
    row.significant === false ? ", within sampling noise" : row.significant ? ", beyond sampling noise" : "";
  const delta =
    row.change === null || row.change === undefined
      ? ""
      : unchanged(row)
        ? ` (unchanged from ${row.previous_quarter})`
        : ` (${row.change > 0 ? "up" : "down"} ${changeSize(row)} from ${row.previous_quarter}${noise})`;
  switch (row.kpi) {
    case "revenue":
      return `Net revenue of ${value} in ${row.quarter}${delta}${row.complete ? "" : "; the quarter is not over in the export"}.`;
    case "customers":
      return `${value} customers bought in ${row.quarter}${delta}.`;
    case "retention":
      return `${value} of the customers active at the start of ${row.quarter} were kept${delta}.`;
    case "nps":
      return `Net Promoter Score ${value} in the ${row.wave} survey${delta}.`;
    case "quality":
      return `Customers rate our quality at ${value}, where 100 is the competitors' average${delta}.`;
    case "price":
      return `Our price is seen at ${value} against the competitors' 100${row.value > 100 ? " (dearer)" : " (cheaper)"}${delta}.`;
    case "clv":
      return `The customer base is worth ${value} over the next three years${delta}.`;
    default:
      return `${row.label}: ${value}${delta}.`;
  }
}

/**
 * The chosen model's clv-holdout "all" row -> the caveat the lifetime value card carries; with
 * the card's value, also the figure scaled by the holdout's actual over predicted purchases.
 * @param {{actual: number, predicted: number} | undefined} all
 * @param {{label?: string, value?: number, currency?: string}} [options]
 */
export function clvCaveat(all, { label = "the model", value = 0, currency = "USD" } = {}) {
  if (!all || !(all.actual > 0)) return "";
  const bias = all.predicted / all.actual - 1;
  const check = `Holdout check of ${label}, the best of three models`;
  if (Math.abs(bias) < 0.05)
    return `${check}: it predicted ${all.predicted.toFixed(2)} purchases per customer where ${all.actual.toFixed(2)} happened.`;
  const scaled = value > 0 ? `; scaled to what happened, about ${formatMoney(value / (1 + bias), currency)}` : "";
  return `${check}: it ${bias > 0 ? "over" : "under"}-predicted purchases by ${Math.abs(100 * bias).toFixed(0)}% (${all.predicted.toFixed(2)} per customer against ${all.actual.toFixed(2)})${scaled}. Read this figure as ${bias > 0 ? "an upper" : "a lower"} estimate.`;
}

const MODEL_LABELS = { "bg-nbd": "BG/NBD", "mbg-nbd": "MBG/NBD", "pareto-nbd": "Pareto/NBD" };

/**
 * A published-quarters row whose figure moved since it was published -> the line its card
 * carries: both figures, and the exports (and, for the base value, the model) behind each.
 * @param {{restated: boolean, published: number | null, published_as_of: string, published_model: string | null,
 *   current: number | null, current_as_of: string | null, current_model: string | null} | undefined} restatement
 * @param {string} unit
 */
export function restatementNote(restatement, unit, currency = "USD") {
  if (!restatement?.restated) return "";
  const r = restatement;
  const models =
    r.published_model && r.current_model && r.published_model !== r.current_model
      ? ` (the lifetime value model is now ${MODEL_LABELS[r.current_model] ?? r.current_model}, was ${MODEL_LABELS[r.published_model] ?? r.published_model})`
      : "";
  return `Restated: ${formatKpi(r.published, unit, currency)} when published, with the exports of ${r.published_as_of}; ${formatKpi(r.current, unit, currency)} with the exports of ${r.current_as_of ?? "today"}${models}.`;
}
