// What the data folder holds, for reports that cannot be made without an export: each says
// which export would bring it, instead of showing empty charts.
import { FileAttachment } from "observablehq:stdlib";
import { html } from "npm:htl";

/** The currency, scales and inputs of the data folder (the member report-config.json of src/data/site.zip.ts). */
export const report = await FileAttachment("../data/site/report-config.json").json();

const INPUTS = {
  orders: "the orders export (orders.csv, or an e-commerce or CRM order export mapped under sources)",
  customers: "the customers export (customers.csv)",
  responses: "a survey (responses.csv and ratings.csv, or a survey tool's export mapped under sources)",
  ratings: "a survey's brand ratings (ratings.csv, or a survey tool's export mapped under sources)",
  opportunities: "the opportunities export (won, lost and open deals)",
  tickets: "the tickets export (complaints and requests)",
  activations: "the activations export",
  "responses.overall_satisfaction": "an overall-satisfaction question in the survey (answers.overall_satisfaction)",
  "responses.likelihood_to_recommend":
    "a likelihood-to-recommend question in the survey (answers.likelihood_to_recommend)",
  "responses.customer_id": "the customer id in the survey's responses, to link answers to the CRM"
};

/** The inputs among `needs` the folder lacks. */
export function missingInputs(needs) {
  return needs.filter((need) => !report.inputs.includes(need));
}

/**
 * A note saying which exports `what` needs and the folder lacks, or "" when it has them all.
 * With `page`, the rest of the page is hidden behind it (style.css): its charts would be empty.
 */
export function needsNote(needs, what, { page = false } = {}) {
  const missing = missingInputs(needs);
  if (!missing.length) return "";
  const listed = missing.map((need) => INPUTS[need] ?? need);
  const joined = listed.length === 1 ? listed[0] : `${listed.slice(0, -1).join(", ")} and ${listed.at(-1)}`;
  return html`<div class=${`card missing-input${page ? " page-wide" : ""}`} role="note"><p><strong>${what} needs ${joined}.</strong> The data folder lacks ${missing.length === 1 ? "it" : "them"}: add ${missing.length === 1 ? "it" : "them"} (docs/data-contract.md, docs/formats.md) and build again.</p></div>`;
}
