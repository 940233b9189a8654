// The explore page's quick chart: any query result drawn with Plot's automatic mark, from the
// columns the analyst picks. No imports beyond Plot and our plot(): pages call it with rows.
import * as Plot from "npm:@observablehq/plot";
import { MIN_CHART_WIDTH, plot } from "./layout.js";

export const QUICK_MARKS = ["auto", "bar", "line", "dot", "area"];

/** The columns of `rows` whose values are all numbers (or empty): the ones a y axis can take. */
export function numericColumns(rows, columns) {
  return columns.filter(
    (c) => rows.some((d) => d[c] != null) && rows.every((d) => d[c] == null || typeof d[c] === "number")
  );
}

/** A chart of `rows`: x and y columns, an optional colour column, and a mark (Plot.auto picks for "auto"). */
export function quickChart(rows, { x, y, color, mark = "auto", width }) {
  return plot({
    width: Math.max(width, MIN_CHART_WIDTH),
    height: 360,
    marginLeft: 60,
    marginBottom: 60,
    x: { tickRotate: rows.length > 12 && typeof rows[0]?.[x] === "string" ? -35 : 0 },
    y: { grid: true },
    color: color ? { legend: true } : undefined,
    marks: [
      Plot.auto(rows, { x, y, color: color || undefined, mark: mark === "auto" ? undefined : mark }),
      Plot.ruleY([0])
    ],
    ariaLabel: `Chart of ${y} by ${x}${color ? ` and ${color}` : ""} from the query's result`
  });
}
