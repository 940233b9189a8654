// Framework's resize() renders once for every width the browser reports, including the
// narrow one of a card measured before the page has finished its layout. A chart narrower
// than its margins draws bars of negative width, so charts never go below this width: on a
// very narrow screen they scroll instead.
export const MIN_CHART_WIDTH = 360;

import * as Plot from "npm:@observablehq/plot";

/**
 * Plot.plot for the reports: the chart is one image to assistive technology, named by its
 * ariaLabel, with the table behind it (chartTable) as its text alternative. Plot labels each
 * mark's group (aria-label="bar"), which ARIA forbids on a group without a role; those groups
 * are hidden from the accessibility tree instead, and keep their labels for the tests.
 */
export function plot(options) {
  // A chart with nothing to draw (every cell suppressed) says why instead of drawing empty axes.
  if (options.empty) return emptyChart(options);
  const figure = Plot.plot(options);
  const svg =
    figure.tagName.toLowerCase() === "svg"
      ? figure
      : (figure.querySelector("svg[aria-label]") ?? figure.querySelector("svg"));
  if (svg && options.ariaLabel) svg.setAttribute("role", "img");
  for (const group of figure.querySelectorAll("svg g[aria-label]")) group.setAttribute("aria-hidden", "true");
  return figure;
}

/** A chart's title and subtitle, then `options.empty` (why there is nothing to draw) as text. */
function emptyChart({ title, subtitle, empty, height }) {
  const figure = document.createElement("figure");
  figure.className = "empty-chart";
  for (const [tag, text] of [
    ["h2", title],
    ["h3", subtitle]
  ]) {
    if (!text) continue;
    const element = document.createElement(tag);
    element.textContent = text;
    figure.append(element);
  }
  const message = document.createElement("p");
  message.className = "muted";
  message.textContent = empty;
  if (height) message.style.minHeight = `${Math.round(height / 2)}px`;
  figure.append(message);
  return figure;
}
