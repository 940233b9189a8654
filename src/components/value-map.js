// Gale's customer value map, drawn the same way on the value-map page, the overview and the
// quarterly reviews.
import * as Plot from "npm:@observablehq/plot";
import { MIN_CHART_WIDTH, plot } from "./layout.js";

/**
 * `current`: value-map rows of one wave and segment (the dots); `paths`: rows of every wave for
 * the brands' trails (optional); `fairValue`: {slope, band} from the config; `colors`: Plot's
 * color options for brands. `compact` drops the trails, intervals and zone labels.
 */
export function valueMapChart({ current, paths = [], fairValue, colors, width, height, compact = false, ariaLabel }) {
  const { slope, band } = fairValue;
  const shown = [...current, ...paths].filter((d) => !d.suppressed);
  const xs = shown.flatMap((d) => [d.quality_ci_low ?? d.quality_score, d.quality_ci_high ?? d.quality_score, 100]);
  const ys = shown.flatMap((d) => [d.price_ci_low ?? d.relative_price, d.price_ci_high ?? d.relative_price, 100]);
  const pad = 3;
  const x = [Math.min(...xs) - pad, Math.max(...xs) + pad];
  const y = [Math.min(...ys) - pad, Math.max(...ys) + pad];
  const line = (offset) => (q) => 100 + slope * (q - 100) + offset * Math.sqrt(1 + slope * slope);
  const grid = Array.from({ length: 51 }, (_, i) => x[0] + (i * (x[1] - x[0])) / 50);
  const dots = current.filter((d) => !d.suppressed);
  return plot({
    width: Math.max(width, MIN_CHART_WIDTH),
    height: height ?? Math.min(560, width * 0.7),
    marginRight: 80,
    x: {
      domain: x,
      label: compact ? "Quality score →" : "Market-perceived quality score (100 = competitors' average) →",
      grid: true
    },
    y: { domain: y, label: compact ? "↑ Relative price" : "↑ Relative price (100 = competitors' average)", grid: true },
    color: colors,
    marks: [
      Plot.areaY(grid, {
        x: (q) => q,
        y1: line(-band / 2),
        y2: line(band / 2),
        fill: "currentColor",
        fillOpacity: 0.07,
        clip: true
      }),
      Plot.line(grid, {
        x: (q) => q,
        y: line(0),
        stroke: "currentColor",
        strokeDasharray: "4,3",
        strokeOpacity: 0.6,
        clip: true
      }),
      compact
        ? null
        : Plot.text(["Better value"], {
            frameAnchor: "bottom-right",
            dx: -8,
            dy: -8,
            fill: "currentColor",
            fillOpacity: 0.6
          }),
      compact
        ? null
        : Plot.text(["Worse value"], { frameAnchor: "top-left", dx: 8, dy: 8, fill: "currentColor", fillOpacity: 0.6 }),
      compact
        ? null
        : Plot.line(
            paths.filter((d) => !d.suppressed),
            {
              x: "quality_score",
              y: "relative_price",
              z: "brand",
              stroke: "brand",
              strokeOpacity: 0.35,
              markerEnd: "arrow"
            }
          ),
      compact
        ? null
        : Plot.ruleY(dots, {
            x1: "quality_ci_low",
            x2: "quality_ci_high",
            y: "relative_price",
            stroke: "brand",
            strokeOpacity: 0.6
          }),
      compact
        ? null
        : Plot.ruleX(
            dots.filter((d) => d.price_ci_low !== null),
            { y1: "price_ci_low", y2: "price_ci_high", x: "quality_score", stroke: "brand", strokeOpacity: 0.6 }
          ),
      Plot.dot(dots, {
        x: "quality_score",
        y: "relative_price",
        fill: "brand",
        r: (d) => (d.is_ours ? 8 : 6),
        stroke: "var(--theme-background)",
        tip: true,
        title: (d) =>
          `${d.brand}, ${d.wave}\nQuality ${d.quality_score} (95% CI ${d.quality_ci_low}-${d.quality_ci_high})\nRelative price ${d.relative_price}${d.price_ci_low !== null ? ` (95% CI ${d.price_ci_low}-${d.price_ci_high})` : ""}\n${d.zone}, ${d.value_distance > 0 ? "+" : ""}${d.value_distance} points from the line`
      }),
      Plot.text(dots, {
        x: "quality_score",
        y: "relative_price",
        text: "brand",
        dx: 12,
        textAnchor: "start",
        fontWeight: (d) => (d.is_ours ? "bold" : "normal")
      })
    ],
    ariaLabel
  });
}

/** The value map's rows as a table's options. */
export const VALUE_MAP_TABLE = {
  columns: [
    "brand",
    "quality_score",
    "quality_ci_low",
    "quality_ci_high",
    "relative_price",
    "price_ci_low",
    "price_ci_high",
    "value_distance",
    "zone"
  ],
  header: {
    brand: "Brand",
    quality_score: "Quality",
    quality_ci_low: "Low",
    quality_ci_high: "High",
    relative_price: "Relative price",
    price_ci_low: "Low",
    price_ci_high: "High",
    value_distance: "Distance",
    zone: "Zone"
  }
};
