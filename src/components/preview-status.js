// The panel at the top of every page while `npm run dev` previews exports that no longer
// ingest: each problem with its file, line, column and rule, and a word that the reports shown
// are from the last exports that ingested cleanly. Empty in a build (there are no problems).
import { FileAttachment } from "observablehq:stdlib";
import { html } from "npm:htl";

const status = await FileAttachment("../data/site/preview-status.json").json();

const time = (iso) =>
  iso ? new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "";

// The footer's figures (files, rows, rejects) follow the exports in a preview too, as text: the
// config that wrote the page's footer is reloaded only when the sidebar changes.
for (const [key, text] of Object.entries(status.provenance ?? {}))
  for (const element of document.querySelectorAll(`[data-provenance="${CSS.escape(key)}"]`)) element.textContent = text;

/** The panel, or an empty string when the exports ingest. */
export const previewStatus =
  status.problems.length === 0
    ? ""
    : html`<div class="alert" id="preview-status" role="alert">
  <p><strong>The exports changed at ${time(status.checkedAt)} and cannot be ingested: ${status.problems.length} problem${status.problems.length === 1 ? "" : "s"}.</strong></p>
  <table>
    <thead><tr><th>File</th><th>Line</th><th>Column</th><th>Rule</th><th>Problem</th></tr></thead>
    <tbody>${status.problems.map((p) => html`<tr><td>${p.file}</td><td>${p.line ?? ""}</td><td>${p.column ?? ""}</td><td><code>${p.rule}</code></td><td>${p.message}</td></tr>`)}</tbody>
  </table>
  <p>${
    status.goodAt
      ? `The reports below are from the last exports that ingested cleanly (checked at ${time(status.goodAt)}). Fix the files and save: the preview updates by itself.`
      : "No earlier exports of this folder ingested cleanly, so there are no reports to show yet. Fix the files and save: the preview updates by itself."
  }</p>
</div>`;
