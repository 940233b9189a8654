// Tables with a "Download CSV" of exactly what they show.
import * as Inputs from "npm:@observablehq/inputs";
import { tableCsv } from "./csv.js";

/** A button that downloads `text` (or what the function `text` returns) as a file. */
export function downloadButton(filename, text, label = "Download CSV") {
  const link = document.createElement("button");
  link.type = "button";
  link.className = "download";
  link.textContent = label;
  link.addEventListener("click", () => {
    const url = URL.createObjectURL(
      new Blob([typeof text === "function" ? text() : text], { type: "text/csv;charset=utf-8" })
    );
    const a = Object.assign(document.createElement("a"), { href: url, download: filename });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  return link;
}

/**
 * Inputs.table with a download of what it shows. Options are Inputs.table's, plus `filename` and `id`;
 * `columns` is required so the download and the table agree.
 */
export function dataTable(rows, { filename = "table.csv", id, ...options }) {
  const figure = document.createElement("div");
  figure.className = "data-table";
  if (id) figure.id = id;
  const table = Inputs.table(rows, { select: false, layout: "auto", ...options });
  // The table scrolls when long: focusable so that keyboard users can scroll it too.
  table.tabIndex = 0;
  figure.append(
    table,
    downloadButton(filename, () => tableCsv(rows, options))
  );
  return figure;
}

/** The table behind a chart, folded away: its text alternative and its download. */
export function chartTable(rows, { summary = "The numbers behind this chart", ...options }) {
  const details = document.createElement("details");
  details.className = "chart-table";
  const title = document.createElement("summary");
  title.textContent = summary;
  details.append(title, dataTable(rows, options));
  return details;
}
