/** The customer loyalty model: see docs/metrics.md for every formula. */
import { defineTable, type TableDefinition } from "../table.js";
import { COMMENT_COLUMNS, comments } from "./comments.js";
import { COMPLAINT_COLUMNS, COMPLAINT_RETENTION_COLUMNS, complaintRetention, complaints } from "./complaints.js";
import { DRIVER_COLUMNS, IMPORTANCE_PERFORMANCE_COLUMNS, drivers, importancePerformance } from "./drivers.js";
import { LINK_COLUMNS, LOYALTY_GROUP_COLUMNS, linkage, loyaltyGroups } from "./linkage.js";
import { SATISFACTION_COLUMNS, satisfaction } from "../survey/global-perceptions.js";
import { NPS_COLUMNS, nps } from "./nps.js";

export const LOYALTY_TABLES: readonly TableDefinition[] = [
  defineTable({
    name: "nps",
    description:
      "Per wave, segment and brand: promoters (9-10), passives (7-8), detractors (0-6), NPS with its standard error and 95% CI.",
    columns: NPS_COLUMNS,
    compute: nps
  }),
  defineTable({
    name: "satisfaction",
    description:
      "Per wave, segment and measure (overall satisfaction, perceived value): mean and top-2-box share, with 95% CIs.",
    columns: SATISFACTION_COLUMNS,
    compute: satisfaction
  }),
  defineTable({
    name: "drivers",
    description:
      "Key drivers of overall satisfaction per wave and pooled: correlation, OLS coefficient and beta, relative weight, Shapley share, R².",
    columns: DRIVER_COLUMNS,
    compute: (context) => drivers(context)
  }),
  defineTable({
    name: "importance-performance",
    description:
      "Per wave and attribute: derived importance (% of R²) against our rating, with the importance-performance quadrant.",
    columns: IMPORTANCE_PERFORMANCE_COLUMNS,
    compute: importancePerformance
  }),
  defineTable({
    name: "loyalty-groups",
    needs: ["orders", "responses.customer_id", "responses.likelihood_to_recommend", "responses.responded_at"],
    description:
      "Promoters, passives and detractors linked to the CRM: retention and revenue per customer in the 180 days after answering, with 95% CIs.",
    columns: LOYALTY_GROUP_COLUMNS,
    compute: loyaltyGroups
  }),
  defineTable({
    name: "linkage",
    needs: ["orders", "responses"],
    description:
      "Each link of the loyalty chain measured (ratings -> satisfaction -> stated -> actual loyalty -> revenue), and revenue at risk from detractors.",
    columns: LINK_COLUMNS,
    compute: linkage
  }),
  defineTable({
    name: "complaints",
    needs: ["tickets", "orders"],
    description:
      "Per quarter: active customers, complaints, complaints per 100 active customers, share resolved, days to resolution.",
    columns: COMPLAINT_COLUMNS,
    compute: complaints
  }),
  defineTable({
    name: "comments",
    rowLevel: true,
    description:
      "Survey comments by wave and loyalty group (the 100 most recent of each), with emails, phone numbers and known names redacted.",
    columns: COMMENT_COLUMNS,
    compute: comments
  }),
  defineTable({
    name: "complaint-retention",
    needs: ["orders", "tickets"],
    description:
      "Complainers whose first complaint was resolved or not: retention in the 180 days after, with Wilson 95% CIs.",
    columns: COMPLAINT_RETENTION_COLUMNS,
    compute: complaintRetention
  })
];
