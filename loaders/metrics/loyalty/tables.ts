/** The customer loyalty model: see docs/metrics.md for every formula. */
import { B, D, defineTable, I, V, type TableDefinition } from "../table.js";
import { comments } from "./comments.js";
import { complaintRetention, complaints } from "./complaints.js";
import { drivers, importancePerformance } from "./drivers.js";
import { linkage, loyaltyGroups } from "./linkage.js";
import { nps, satisfaction } from "./nps.js";

export const LOYALTY_TABLES: readonly TableDefinition[] = [
  defineTable({
    name: "nps",
    description:
      "Per wave, segment and brand: promoters (9-10), passives (7-8), detractors (0-6), NPS with its standard error and 95% CI.",
    columns: [
      ["wave", V],
      ["segment", V],
      ["brand", V],
      ["is_ours", B],
      ["n", I],
      ["promoters", D],
      ["passives", D],
      ["detractors", D],
      ["nps", D],
      ["se", D],
      ["ci_low", D],
      ["ci_high", D],
      ["suppressed", B]
    ],
    compute: nps
  }),
  defineTable({
    name: "satisfaction",
    description:
      "Per wave, segment and measure (overall satisfaction, perceived value): mean and top-2-box share, with 95% CIs.",
    columns: [
      ["wave", V],
      ["segment", V],
      ["measure", V],
      ["n", I],
      ["mean", D],
      ["ci_low", D],
      ["ci_high", D],
      ["top2", D],
      ["top2_ci_low", D],
      ["top2_ci_high", D],
      ["suppressed", B]
    ],
    compute: satisfaction
  }),
  defineTable({
    name: "drivers",
    description:
      "Key drivers of overall satisfaction per wave and pooled: correlation, OLS coefficient and beta, relative weight, Shapley share, R².",
    columns: [
      ["wave", V],
      ["outcome", V],
      ["attribute", V],
      ["label", V],
      ["n", I],
      ["r_squared", D],
      ["correlation", D],
      ["coefficient", D],
      ["intercept", D],
      ["beta", D],
      ["relative_weight", D],
      ["relative_weight_pct", D],
      ["shapley", D],
      ["rank", I]
    ],
    compute: (context) => drivers(context)
  }),
  defineTable({
    name: "importance-performance",
    description:
      "Per wave and attribute: derived importance (% of R²) against our rating, with the importance-performance quadrant.",
    columns: [
      ["wave", V],
      ["attribute", V],
      ["label", V],
      ["importance", D],
      ["performance", D],
      ["quadrant", V]
    ],
    compute: importancePerformance
  }),
  defineTable({
    name: "loyalty-groups",
    needs: ["orders", "responses.customer_id", "responses.likelihood_to_recommend", "responses.responded_at"],
    description:
      "Promoters, passives and detractors linked to the CRM: retention and revenue per customer in the 180 days after answering, with 95% CIs.",
    columns: [
      ["group", V],
      ["n", I],
      ["retention", D],
      ["retention_ci_low", D],
      ["retention_ci_high", D],
      ["revenue", D],
      ["revenue_ci_low", D],
      ["revenue_ci_high", D],
      ["margin", D]
    ],
    compute: loyaltyGroups
  }),
  defineTable({
    name: "linkage",
    needs: ["orders", "responses"],
    description:
      "Each link of the loyalty chain measured (ratings -> satisfaction -> stated -> actual loyalty -> revenue), and revenue at risk from detractors.",
    columns: [
      ["link", I],
      ["from_component", V],
      ["to_component", V],
      ["measure", V],
      ["value", D],
      ["ci_low", D],
      ["ci_high", D],
      ["n", I],
      ["unit", V]
    ],
    compute: linkage
  }),
  defineTable({
    name: "complaints",
    needs: ["tickets", "orders"],
    description:
      "Per quarter: active customers, complaints, complaints per 100 active customers, share resolved, days to resolution.",
    columns: [
      ["quarter", V],
      ["active_customers", I],
      ["complaints", I],
      ["complaint_rate", D],
      ["resolved_share", D],
      ["median_days_to_resolve", D],
      ["mean_days_to_resolve", D]
    ],
    compute: complaints
  }),
  defineTable({
    name: "comments",
    rowLevel: true,
    description:
      "Survey comments by wave and loyalty group (the 100 most recent of each), with emails, phone numbers and known names redacted.",
    columns: [
      ["wave", V],
      ["segment", V],
      ["group", V],
      ["overall_satisfaction", I],
      ["comment", V]
    ],
    compute: comments
  }),
  defineTable({
    name: "complaint-retention",
    needs: ["orders", "tickets"],
    description:
      "Complainers whose first complaint was resolved or not: retention in the 180 days after, with Wilson 95% CIs.",
    columns: [
      ["resolution", V],
      ["customers", I],
      ["retention", D],
      ["ci_low", D],
      ["ci_high", D]
    ],
    compute: complaintRetention
  })
];
