import { copyFileSync, createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Writable } from "node:stream";
import { contextOf, type TableContext, type WarehouseSchema } from "./context.js";
import type { Database, Row } from "./db.js";
import { churn } from "./customers/churn.js";
import { activation, levers } from "./customers/levers.js";
import { prepareCustomerOrders } from "./customers/customer-orders.js";
import { cohortRetentionQuery, prepareRfm, RFM_QUERY, rfmSegmentsQuery, valueConcentrationQuery } from "./customers/rfm.js";
import { clvHoldout, clvModel, clvParams, clvQuery, customerBaseValue, prepareClvPredictions } from "./customers/clv.js";
import { keyEvents } from "./key-events.js";
import { kpis } from "./kpis.js";
import { comments } from "./loyalty/comments.js";
import { complaintRetention, complaints } from "./loyalty/complaints.js";
import { drivers, importancePerformance } from "./loyalty/drivers.js";
import { linkage, loyaltyGroups } from "./loyalty/linkage.js";
import { nps, satisfaction } from "./loyalty/nps.js";
import { noFilterColumn } from "./data-loader.js";
import { identifier, literal } from "./sql.js";
import { competitorRatings } from "./tracking/competitor-ratings.js";
import { perceptualMap } from "./tracking/perceptual-map.js";
import { shareOfPreference } from "./tracking/preference.js";
import { waveChanges } from "./tracking/wave-changes.js";
import { prepareQuarterlySales } from "./quarterly-sales.js";
import { headToHead } from "./value/head-to-head.js";
import { profiles } from "./value/profiles.js";
import { valueMap } from "./value/value-map.js";
import { valueFactors, whatWho } from "./value/what-who.js";
import { pipelineQuery, wonLost, wonLostReasons } from "./won-lost.js";

type ColumnType = "VARCHAR" | "DOUBLE" | "BIGINT" | "BOOLEAN";

export interface TableDefinition {
  name: string;
  /** One line, shown by `cva tables`. */
  description: string;
  /** A table that is one SQL query over the warehouse: DuckDB writes it straight out. */
  query?(schema: WarehouseSchema): string;
  /** A table computed in JavaScript from small aggregates, with its columns' types. */
  compute?(context: TableContext): Promise<object[]>;
  columns?: readonly (readonly [string, ColumnType])[];
  /**
   * A table with a row per customer: prepares temporary tables, then returns the query that
   * DuckDB runs (null when there is nothing to compute). Never precomputed for the site.
   */
  prepareQuery?(context: TableContext): Promise<string | null>;
  /** A row per customer: too large to precompute for the site, which reads summaries. */
  large?: boolean;
  /**
   * Rows that are not aggregates (a customer, a rejected input row, a comment): left out of the
   * tables published for ad-hoc SQL on the explore page.
   */
  rowLevel?: boolean;
  /**
   * The exports (`orders`) and columns (`responses.overall_satisfaction`) the table is made
   * from: without one of them it is empty, and `missingInputs` says which is missing.
   */
  needs?: readonly string[];
}

/** The table's inputs that the warehouse lacks (see TableDefinition.needs). */
export function missingInputs(table: TableDefinition, schema: WarehouseSchema): string[] {
  return (table.needs ?? []).filter((need) => {
    const [name, column] = need.split(".");
    return !schema.has(name!, column);
  });
}

/** A table with nothing to compute: no row, the declared columns. */
function emptyQuery(table: TableDefinition): string {
  return `SELECT ${table.columns!.map(([c, t]) => `NULL::${t} AS ${identifier(c)}`).join(", ")} WHERE false`;
}

const V = "VARCHAR", D = "DOUBLE", I = "BIGINT", B = "BOOLEAN";

const INGEST_AND_REVENUE_TABLES: readonly TableDefinition[] = [
  {
    name: "ingest-summary",
    description: "Per export file (and per export, for a survey file that holds several): rows read, accepted and rejected (read = accepted + rejected), don't-know answers, rejects by rule; and files ignored.",
    query: () => `
      SELECT file, export, format, 'ingested' AS status, rows_read, rows_accepted, rows_rejected, dont_know, rejected_by_rule
      FROM ingest_files f
      UNION ALL
      SELECT unnest(from_json(ignored_files, '["VARCHAR"]')), NULL, NULL, 'ignored: not part of the data contract', NULL, NULL, NULL, NULL, ''
      FROM ingest_meta
      ORDER BY status, file`
  },
  {
    name: "provenance",
    description: "Where the figures come from: per export file its rows read and rejected, size and modification time; the data folder's name and the config's hash.",
    query: () => `
      SELECT s.file, f.export, f.rows_read, f.rows_rejected, s.bytes, strftime(s.modified_at, '%Y-%m-%d %H:%M UTC') AS modified_at,
             regexp_extract(m.data_dir, '([^/]+)/*$', 1) AS data_folder,
             CASE WHEN m.config IS NULL THEN NULL ELSE sha256(m.config)[:12] END AS config_hash
      FROM ingest_sources s LEFT JOIN ingest_files f USING (file) CROSS JOIN ingest_meta m
      ORDER BY f.export IS NULL, s.file`
  },
  {
    name: "rejects",
    rowLevel: true,
    description: "Every rule an input row broke: file, line, column, value (personal data withheld), rule, message.",
    query: () => `SELECT file, line, "column", value, rule, message FROM rejects ORDER BY file, line, "column", rule`
  },
  {
    name: "rejects-by-rule",
    description: "Rejected rows per file and rule, with the first line and an example message.",
    query: () => `
      SELECT file, rule, count(DISTINCT line) AS rows, min(line) AS first_line, arg_min(message, line) AS example
      FROM rejects GROUP BY ALL ORDER BY file, rows DESC, rule`
  },
  {
    name: "ingest-warnings",
    description: "Treatments an analyst should know of, per file: an encoding converted, survey answers no choice mapping turned into a score (by text and count).",
    query: (schema) =>
      schema.has("ingest_warnings") ? `SELECT file, message FROM ingest_warnings ORDER BY file, message` : `SELECT NULL::VARCHAR AS file, NULL::VARCHAR AS message WHERE false`
  },
  {
    name: "revenue-by-quarter",
    description: "Per calendar quarter: net revenue (refunds deducted), cost and gross margin of orders with a cost, orders, customers buying.",
    columns: [["quarter", V], ["revenue", D], ["cost", D], ["gross_margin", D], ["orders", I], ["customers", I]],
    prepareQuery: async (context) => {
      if (!context.schema.has("orders")) return null;
      await prepareQuarterlySales(context);
      return `
        SELECT quarter, round(revenue::DOUBLE, 2) AS revenue, round(cost::DOUBLE, 2) AS cost,
               round((revenue_with_cost - cost)::DOUBLE, 2) AS gross_margin, orders, customers
        FROM quarterly_sales ORDER BY quarter`;
    }
  },
  {
    name: "responses-by-wave",
    description: "Per survey wave: respondents, and those linked to a CRM customer by customer_id.",
    query: (schema) =>
      schema.has("responses")
        ? `SELECT wave, count(*) AS respondents, ${schema.has("responses", "customer_id") ? "count(customer_id)" : "0::BIGINT"} AS linked FROM responses GROUP BY ALL ORDER BY wave`
        : `SELECT NULL::VARCHAR AS wave, NULL::BIGINT AS respondents, NULL::BIGINT AS linked WHERE false`
  }
];

const PROFILE_COLUMNS = [["wave", V], ["segment", V], ["group", V], ["attribute", V], ["label", V], ["brand", V], ["is_ours", B], ["weight", D],
  ["weight_source", V], ["n", I], ["mean", D], ["ci_low", D], ["ci_high", D], ["competitor_mean", D], ["ratio", D], ["suppressed", B], ["note", V]] as const;
const SCORE_COLUMNS = [["wave", V], ["segment", V], ["group", V], ["brand", V], ["is_ours", B], ["score", D], ["se", D], ["ci_low", D], ["ci_high", D],
  ["suppressed", B], ["note", V]] as const;

/** Customer value analysis (Gale): see docs/metrics.md for every formula. */
const VALUE_TABLES: readonly TableDefinition[] = [
  {
    name: "quality-profile",
    description: "Per wave, segment, quality attribute and brand: weight (and its source), n, mean with 95% CI, ratio to the competitors' mean.",
    columns: PROFILE_COLUMNS,
    compute: async (context) => (await profiles(context)).rows.filter((r) => r.group === "quality")
  },
  {
    name: "quality-score",
    description: "Per wave, segment and brand: market-perceived quality score (Σ weight × ratio; 100 = parity) with a delta-method 95% CI.",
    columns: SCORE_COLUMNS,
    compute: async (context) => (await profiles(context)).scores.filter((s) => s.group === "quality")
  },
  {
    name: "price-profile",
    description: "Per wave, segment, price attribute and brand: weight, n, mean with 95% CI, ratio to the competitors' mean.",
    columns: PROFILE_COLUMNS,
    compute: async (context) => (await profiles(context)).rows.filter((r) => r.group === "price")
  },
  {
    name: "relative-price",
    description: "Per wave, segment and brand: price-satisfaction score, relative price (100 × 100 / score, or from actual prices) with 95% CI.",
    columns: [["wave", V], ["segment", V], ["brand", V], ["is_ours", B], ["price_score", D], ["relative_price", D], ["ci_low", D], ["ci_high", D],
      ["price_basis", V], ["suppressed", B], ["note", V]],
    compute: async (context) => {
      const prices = (await profiles(context)).scores.filter((s) => s.group === "price");
      return (await valueMap(context)).map((v) => ({
        wave: v.wave, segment: v.segment, brand: v.brand, is_ours: v.is_ours,
        price_score: prices.find((p) => p.wave === v.wave && p.segment === v.segment && p.brand === v.brand)?.score ?? null,
        relative_price: v.relative_price, ci_low: v.price_ci_low, ci_high: v.price_ci_high, price_basis: v.price_basis,
        suppressed: v.relative_price === null, note: v.relative_price === null ? v.note : null
      }));
    }
  },
  {
    name: "value-map",
    description: "Per wave, segment and brand: quality score and relative price, signed distance to the fair-value line (positive = better value) and zone.",
    columns: [["wave", V], ["segment", V], ["brand", V], ["is_ours", B], ["quality_score", D], ["quality_ci_low", D], ["quality_ci_high", D],
      ["relative_price", D], ["price_ci_low", D], ["price_ci_high", D], ["price_basis", V], ["value_distance", D], ["zone", V], ["suppressed", B], ["note", V]],
    compute: valueMap
  },
  {
    name: "head-to-head",
    description: "Per wave, competitor and attribute: weight, our and their mean, gap, weighted gap and net, paired or Welch test with Holm-adjusted p.",
    columns: [["wave", V], ["competitor", V], ["group", V], ["attribute", V], ["label", V], ["weight", D], ["our_mean", D], ["their_mean", D], ["gap", D],
      ["weighted_gap", D], ["net_weighted_gap", D], ["test", V], ["n_pairs", I], ["t", D], ["p_value", D], ["p_holm", D], ["significant", B], ["suppressed", B]],
    compute: headToHead
  },
  {
    name: "value-factors",
    description: "Per wave, brand and value factor (product, service, personnel, image, price): weighted mean rating and score (100 = parity).",
    columns: [["wave", V], ["brand", V], ["is_ours", B], ["factor", V], ["attributes", I], ["mean", D], ["score", D]],
    compute: valueFactors
  },
  {
    name: "what-who",
    description: "Per wave and attribute: the owning function, our gap to the best competitor, and a priority (weight × how far we trail).",
    columns: [["wave", V], ["attribute", V], ["label", V], ["group", V], ["owner", V], ["weight", D], ["our_mean", D], ["best_competitor", V],
      ["best_mean", D], ["gap_to_best", D], ["priority", D]],
    compute: whatWho
  },
  {
    name: "won-lost",
    description: "Per quarter and competitor (and all deals): deals won and lost, win rate with Wilson 95% CI, value won and lost.",
    columns: [["quarter", V], ["competitor", V], ["won", I], ["lost", I], ["win_rate", D], ["ci_low", D], ["ci_high", D], ["value_won", D], ["value_lost", D]],
    compute: wonLost
  },
  {
    name: "won-lost-reasons",
    description: "Per competitor (and all deals), outcome and reason: deals, share of the competitor's deals with that outcome, value.",
    columns: [["competitor", V], ["outcome", V], ["reason", V], ["deals", I], ["share", D], ["value", D]],
    compute: wonLostReasons
  },
  {
    name: "pipeline",
    description: "Open deals (stage neither won nor lost), per competitor named and in all: deals, value, earliest and latest expected close. Never in win rates.",
    query: pipelineQuery
  },
  {
    name: "key-events",
    description: "The events export, with our quality score and win rate in each event's quarter.",
    columns: [["date", V], ["quarter", V], ["brand", V], ["title", V], ["our_quality_score", D], ["win_rate", D]],
    compute: keyEvents
  }
];

/** The customer loyalty model: see docs/metrics.md for every formula. */
const LOYALTY_TABLES: readonly TableDefinition[] = [
  {
    name: "nps",
    description: "Per wave, segment and brand: promoters (9-10), passives (7-8), detractors (0-6), NPS with its standard error and 95% CI.",
    columns: [["wave", V], ["segment", V], ["brand", V], ["is_ours", B], ["n", I], ["promoters", D], ["passives", D], ["detractors", D], ["nps", D], ["se", D], ["ci_low", D], ["ci_high", D], ["suppressed", B]],
    compute: nps
  },
  {
    name: "satisfaction",
    description: "Per wave, segment and measure (overall satisfaction, perceived value): mean and top-2-box share, with 95% CIs.",
    columns: [["wave", V], ["segment", V], ["measure", V], ["n", I], ["mean", D], ["ci_low", D], ["ci_high", D], ["top2", D], ["top2_ci_low", D], ["top2_ci_high", D], ["suppressed", B]],
    compute: satisfaction
  },
  {
    name: "drivers",
    description: "Key drivers of overall satisfaction per wave and pooled: correlation, OLS coefficient and beta, relative weight, Shapley share, R².",
    columns: [["wave", V], ["outcome", V], ["attribute", V], ["label", V], ["n", I], ["r_squared", D], ["correlation", D], ["coefficient", D], ["intercept", D],
      ["beta", D], ["relative_weight", D], ["relative_weight_pct", D], ["shapley", D], ["rank", I]],
    compute: (context) => drivers(context)
  },
  {
    name: "importance-performance",
    description: "Per wave and attribute: derived importance (% of R²) against our rating, with the importance-performance quadrant.",
    columns: [["wave", V], ["attribute", V], ["label", V], ["importance", D], ["performance", D], ["quadrant", V]],
    compute: importancePerformance
  },
  {
    name: "loyalty-groups",
    needs: ["orders", "responses"],
    description: "Promoters, passives and detractors linked to the CRM: retention and revenue per customer in the 180 days after answering, with 95% CIs.",
    columns: [["group", V], ["n", I], ["retention", D], ["retention_ci_low", D], ["retention_ci_high", D], ["revenue", D], ["revenue_ci_low", D],
      ["revenue_ci_high", D], ["margin", D]],
    compute: loyaltyGroups
  },
  {
    name: "linkage",
    needs: ["orders", "responses"],
    description: "Each link of the loyalty chain measured (ratings -> satisfaction -> stated -> actual loyalty -> revenue), and revenue at risk from detractors.",
    columns: [["link", I], ["from_component", V], ["to_component", V], ["measure", V], ["value", D], ["ci_low", D], ["ci_high", D], ["n", I], ["unit", V]],
    compute: linkage
  },
  {
    name: "complaints",
    needs: ["tickets", "orders"],
    description: "Per quarter: active customers, complaints, complaints per 100 active customers, share resolved, days to resolution.",
    columns: [["quarter", V], ["active_customers", I], ["complaints", I], ["complaint_rate", D], ["resolved_share", D], ["median_days_to_resolve", D], ["mean_days_to_resolve", D]],
    compute: complaints
  },
  {
    name: "comments",
    rowLevel: true,
    description: "Survey comments by wave and loyalty group (the 100 most recent of each), with emails, phone numbers and known names redacted.",
    columns: [["wave", V], ["segment", V], ["group", V], ["overall_satisfaction", I], ["comment", V]],
    compute: comments
  },
  {
    name: "complaint-retention",
    needs: ["orders", "tickets"],
    description: "Complainers whose first complaint was resolved or not: retention in the 180 days after, with Wilson 95% CIs.",
    columns: [["resolution", V], ["customers", I], ["retention", D], ["ci_low", D], ["ci_high", D]],
    compute: complaintRetention
  }
];

/** Competitor ratings and wave-over-wave tracking: see docs/metrics.md. */
const TRACKING_TABLES: readonly TableDefinition[] = [
  {
    name: "competitor-ratings",
    description: "Per wave, breakdown (all, segment, region), brand and attribute: n, mean, SD, 95% CI, top-2-box, rank, our gap with a Holm-corrected test.",
    columns: [["wave", V], ["breakdown", V], ["breakdown_value", V], ["brand", V], ["is_ours", B], ["attribute", V], ["label", V], ["n", I], ["mean", D], ["sd", D],
      ["ci_low", D], ["ci_high", D], ["top2", D], ["rank", I], ["gap", D], ["test", V], ["n_pairs", I], ["t", D], ["p_value", D], ["p_holm", D], ["significant", B],
      ["suppressed", B], ["note", V]],
    compute: competitorRatings
  },
  {
    name: "wave-changes",
    description: "Per wave, brand and attribute: change from the previous wave and from a year earlier, with 95% CIs; significant only after Holm's correction.",
    columns: [["wave", V], ["brand", V], ["is_ours", B], ["attribute", V], ["label", V], ["mean", D], ["previous_wave", V], ["change_prev", D], ["prev_ci_low", D],
      ["prev_ci_high", D], ["p_prev", D], ["p_holm_prev", D], ["significant_prev", B], ["year_ago_wave", V], ["change_year", D], ["year_ci_low", D],
      ["year_ci_high", D], ["p_year", D], ["p_holm_year", D], ["significant_year", B]],
    compute: waveChanges
  },
  {
    name: "perceptual-map",
    description: "Per wave: principal components of the standardized brand means: brand scores and attribute loadings on PC1-PC2, with variance explained.",
    columns: [["wave", V], ["kind", V], ["name", V], ["pc1", D], ["pc2", D], ["explained_pc1", D], ["explained_pc2", D]],
    compute: perceptualMap
  },
  {
    name: "share-of-preference",
    description: "Per wave and breakdown: share of respondents who would choose each brand (responses.preferred_brand), with Wilson 95% CIs.",
    columns: [["wave", V], ["breakdown", V], ["breakdown_value", V], ["brand", V], ["is_ours", B], ["n", I], ["chosen", I], ["share", D], ["ci_low", D],
      ["ci_high", D], ["suppressed", B]],
    compute: shareOfPreference
  }
];

/** The value of each customer: see docs/metrics.md. */
const CUSTOMER_TABLES: readonly TableDefinition[] = [
  {
    name: "rfm",
    needs: ["orders"],
    rowLevel: true,
    description: "Per customer (ids only): recency, frequency, monetary and margin, quintile scores and the named RFM segment.",
    large: true,
    columns: [["customer_id", V], ["recency_days", I], ["frequency", I], ["monetary", D], ["margin", D], ["r_score", I], ["f_score", I], ["m_score", I], ["segment", V]],
    prepareQuery: async (context) => {
      if (!context.schema.has("orders")) return null;
      await prepareRfm(context);
      return RFM_QUERY;
    }
  },
  {
    name: "rfm-segments",
    needs: ["orders"],
    description: "Per RFM segment (champions, loyal, at risk, hibernating, ...): customers, revenue and margin with their shares.",
    columns: [["segment", V], ["customers", I], ["customer_share", D], ["revenue", D], ["revenue_share", D], ["margin", D], ["margin_share", D],
      ["mean_recency_days", D], ["mean_frequency", D]],
    prepareQuery: async (context) => {
      await prepareRfm(context);
      return rfmSegmentsQuery();
    }
  },
  {
    name: "value-concentration",
    needs: ["orders"],
    description: "Value concentration (Lorenz) curve: for each percentile of customers ranked by revenue, the cumulative share of revenue.",
    columns: [["percentile", I], ["customer_share", D], ["revenue_share", D]],
    prepareQuery: async (context) => {
      await prepareCustomerOrders(context);
      return valueConcentrationQuery();
    }
  },
  {
    name: "cohort-retention",
    needs: ["orders"],
    description: "Cohorts by quarter of first order x quarters since: active customers and share, net revenue and revenue retention.",
    columns: [["cohort", V], ["period", I], ["cohort_size", I], ["active", I], ["active_share", D], ["revenue", D], ["revenue_retention", D]],
    query: cohortRetentionQuery
  },
  {
    name: "customer-base-value",
    needs: ["orders"],
    description: "At the end of each quarter: customers so far and their summed three-year CLV from their orders to that day (the full fit's parameters).",
    columns: [["quarter", V], ["customers", I], ["clv_3y", D]],
    compute: customerBaseValue
  },
  {
    name: "kpis",
    description: "Per quarter, the executive figures (revenue, customers buying, customers kept, NPS, quality score, relative price, customer base value) with the change from the quarter before, whether it is beyond sampling noise, and whether the quarter is complete.",
    columns: [["quarter", V], ["kpi", V], ["label", V], ["unit", V], ["value", D], ["previous_quarter", V], ["previous", D], ["change", D],
      ["change_kind", V], ["significant", B], ["wave", V], ["complete", B]],
    compute: kpis
  },
  {
    name: "levers",
    needs: ["orders"],
    description: "Retention levers: rewards members vs the rest, purchases left unused vs all activated, cross-sell depth (categories bought): retention and revenue per year with 95% CIs.",
    columns: [["lever", V], ["group", V], ["customers", I], ["retention", D], ["ci_low", D], ["ci_high", D], ["revenue_per_year", D], ["revenue_ci_low", D], ["revenue_ci_high", D]],
    compute: levers
  },
  {
    name: "activation",
    description: "Purchases to activate (activations export) at least 90 days old: share activated within 90 days with 95% CI, median days, customers and value left unused; overall and per category.",
    columns: [["category", V], ["purchases", I], ["activated", I], ["activated_share", D], ["ci_low", D], ["ci_high", D], ["median_days_to_activate", D],
      ["customers_with_unused", I], ["unused_value", D]],
    compute: activation
  },
  {
    name: "churn",
    needs: ["orders"],
    description: "Churn rate with Wilson 95% CI, overall and per segment: from a churn flag in the customers export, else per quarter from 180 days without an order.",
    columns: [["quarter", V], ["segment", V], ["customers", I], ["churned", I], ["churn_rate", D], ["ci_low", D], ["ci_high", D], ["definition", V]],
    compute: churn
  },
  {
    name: "clv-params",
    needs: ["orders"],
    description: "BG/NBD (r, alpha, a, b) and Gamma-Gamma (p, q, gamma) maximum-likelihood fits with log-likelihoods: calibration (first half) and full history.",
    columns: [["fit", V], ["model", V], ["parameter", V], ["value", D], ["log_likelihood", D], ["customers", I], ["calibration_end", V], ["period_days", I]],
    compute: clvParams
  },
  {
    name: "clv-holdout",
    needs: ["orders"],
    description: "Holdout check: mean purchases per customer in the second half, predicted by the first-half fit and actual, by calibration frequency.",
    columns: [["frequency", V], ["customers", I], ["actual", D], ["predicted", D]],
    compute: clvHoldout
  },
  {
    name: "best-customers",
    needs: ["orders"],
    rowLevel: true,
    description: "The 100 customers with the highest three-year CLV (ids only: never names or emails), with revenue and margin to date and RFM segment.",
    columns: [["customer_id", V], ["clv_3y", D], ["p_alive", D], ["expected_revenue_1y", D], ["revenue_to_date", D], ["margin_to_date", D], ["segment", V]],
    prepareQuery: async (context) => {
      const model = await clvModel(context, "full");
      if (!model || !(await prepareClvPredictions(context))) return null;
      await prepareRfm(context);
      return `SELECT c.customer_id, c.clv_3y, c.p_alive, c.expected_revenue_1y, r.monetary AS revenue_to_date, r.margin AS margin_to_date, r.segment
              FROM (${clvQuery(model)}) c JOIN customer_rfm r USING (customer_id) ORDER BY c.clv_3y DESC, c.customer_id LIMIT 100`;
    }
  },
  {
    name: "clv-deciles",
    needs: ["orders"],
    description: "Customers in ten equal groups by three-year CLV: mean and range of CLV, mean P(alive), share of the total CLV.",
    columns: [["decile", I], ["customers", I], ["mean_clv", D], ["min_clv", D], ["max_clv", D], ["mean_p_alive", D], ["clv_share", D]],
    prepareQuery: async (context) => {
      const model = await clvModel(context, "full");
      if (!model || !(await prepareClvPredictions(context))) return null;
      return `WITH c AS (SELECT clv_3y, p_alive, ntile(10) OVER (ORDER BY clv_3y DESC, customer_id) AS decile FROM (${clvQuery(model)}))
              SELECT decile, count(*) AS customers, round(avg(clv_3y), 2) AS mean_clv, min(clv_3y) AS min_clv, max(clv_3y) AS max_clv,
                     round(avg(p_alive), 4) AS mean_p_alive, round(sum(clv_3y) / nullif(sum(sum(clv_3y)) OVER (), 0), 4) AS clv_share
              FROM c GROUP BY decile ORDER BY decile`;
    }
  },
  {
    name: "clv",
    needs: ["orders"],
    rowLevel: true,
    description: "Per customer (ids only): P(alive), expected purchases and revenue next year, expected spend, three-year discounted CLV.",
    large: true,
    columns: [["customer_id", V], ["repeat_purchases", I], ["recency_weeks", D], ["age_weeks", D], ["p_alive", D], ["expected_purchases_1y", D],
      ["expected_spend", D], ["expected_revenue_1y", D], ["clv_3y", D]],
    prepareQuery: async (context) => {
      const model = await clvModel(context, "full");
      return model && (await prepareClvPredictions(context)) ? clvQuery(model) : null;
    }
  }
];

/**
 * Every table the reports and the CLI can compute. The same definition serves `cva table` and
 * the site's data loaders, so the two cannot disagree.
 */
export const TABLES: readonly TableDefinition[] = [...INGEST_AND_REVENUE_TABLES, ...VALUE_TABLES, ...LOYALTY_TABLES, ...TRACKING_TABLES, ...CUSTOMER_TABLES];

/** The tables by family, as the benchmark times them. */
export const TABLE_FAMILIES: Readonly<Record<string, readonly TableDefinition[]>> = {
  "ingest and revenue": INGEST_AND_REVENUE_TABLES,
  "customer value analysis": VALUE_TABLES,
  "loyalty": LOYALTY_TABLES,
  "competitor tracking": TRACKING_TABLES,
  "value of each customer": CUSTOMER_TABLES
};

export function tableNamed(name: string): TableDefinition {
  const table = TABLES.find((t) => t.name === name);
  if (!table) throw new Error(`unknown table ${name}: the tables are ${TABLES.map((t) => t.name).join(", ")}`);
  return table;
}

/** A table's rows as JSON-ready objects (for small tables: the loaders' JSON outputs). */
export async function tableRows<T = Row>(db: Database, name: string, context?: TableContext): Promise<T[]> {
  const table = tableNamed(name);
  const ctx = context ?? (await contextOf(db));
  if (missingInputs(table, ctx.schema).length) return [];
  if (table.query) return db.rows<T>(table.query(ctx.schema));
  if (table.prepareQuery) {
    const sql = await table.prepareQuery(ctx);
    return sql ? db.rows<T>(sql) : [];
  }
  return (await table.compute!(ctx)) as T[];
}

export type TableFormat = "csv" | "json" | "parquet";
export const TABLE_FORMATS: readonly TableFormat[] = ["csv", "json", "parquet"];

/** The tables an analyst may query on the explore page: aggregates, never rows of people. */
export const EXPLORE_TABLES: readonly TableDefinition[] = TABLES.filter((t) => !t.large && !t.rowLevel);

/** Keeps the rows of one wave and/or segment (`--wave`, `--segment` of every loader). */
export interface TableFilters {
  wave?: string | undefined;
  segment?: string | undefined;
}

const COPY_OPTIONS: Record<TableFormat, string> = {
  csv: "FORMAT csv, HEADER true",
  json: "FORMAT json, ARRAY true",
  parquet: "FORMAT parquet, COMPRESSION zstd"
};

/**
 * A table as a query DuckDB can copy: a query table's own SQL, a per-customer table's
 * prepared query, or a computed table's rows (small by construction) appended to a temporary
 * table. `rows` are the computed rows when there were any, so a caller needing both computes once.
 */
export async function tableQuery(db: Database, name: string, context?: TableContext): Promise<{ query: string; rows?: object[] }> {
  const table = tableNamed(name);
  const ctx = context ?? (await contextOf(db));
  if (missingInputs(table, ctx.schema).length) return { query: emptyQuery(table), rows: [] };
  if (table.query) return { query: table.query(ctx.schema) };
  if (table.prepareQuery) return { query: (await table.prepareQuery(ctx)) ?? emptyQuery(table) };
  const rows = await table.compute!(ctx);
  return { query: await materialize(db, table, rows), rows };
}

/**
 * Writes a table in `format` to the file `out`, or to `stream` when no file is named. DuckDB
 * writes it (COPY): a query table streams through without becoming JS objects.
 */
export async function writeTable(db: Database, name: string, format: TableFormat, target: { out: string } | { stream: Writable }, filters: TableFilters = {}): Promise<number> {
  const { query } = await tableQuery(db, name);
  return copyQuery(db, name, query, format, target, filters);
}

/**
 * Copies the rows of `query` (the table `name`), filtered, to `target` in `format`; CSV made
 * safe to open in a spreadsheet. A filter on a column the table lacks is an error, not a no-op.
 * Returns the number of rows written.
 */
export async function copyQuery(db: Database, name: string, query: string, format: TableFormat, target: { out: string } | { stream: Writable }, filters: TableFilters = {}): Promise<number> {
  const source = await filtered(db, name, query, filters);
  const scratch = mkdtempSync(join(tmpdir(), "cva-table-"));
  const file = join(scratch, `${name}.${format}`);
  try {
    const [copied] = await db.rows<{ Count: number }>(`COPY (${format === "csv" ? await spreadsheetSafe(db, source) : source}) TO ${literal(file)} (${COPY_OPTIONS[format]})`);
    if ("out" in target) copyFileSync(file, target.out);
    else await pipeline(createReadStream(file), target.stream, { end: false });
    return copied?.Count ?? 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function filtered(db: Database, name: string, query: string, filters: TableFilters): Promise<string> {
  const conditions = (["wave", "segment"] as const).filter((column) => filters[column] !== undefined);
  if (!conditions.length) return query;
  const columns = (await db.columns(query)).map((c) => c.name);
  for (const column of conditions) {
    if (!columns.includes(column)) throw noFilterColumn(name, column);
  }
  return `SELECT * FROM (${query}) WHERE ${conditions.map((column) => `${identifier(column)} = ${literal(filters[column]!)}`).join(" AND ")}`;
}

/**
 * The query with every text cell that a spreadsheet would run as a formula (starting with =,
 * +, -, @, tab or carriage return) prefixed with an apostrophe: exports carry what customers
 * typed, and a CSV is opened in Excel. Numbers are left alone, so negative amounts stay numbers.
 */
async function spreadsheetSafe(db: Database, query: string): Promise<string> {
  const columns = await db.columns(query);
  const cells = columns.map(({ name, type }) => {
    const c = identifier(name);
    return type === "VARCHAR" ? `CASE WHEN regexp_matches(${c}, '^[=+\\-@\\t\\r]') THEN concat(chr(39), ${c}) ELSE ${c} END AS ${c}` : c;
  });
  return `SELECT ${cells.join(", ")} FROM (${query})`;
}

/** Appends computed rows to a temporary table with the table's declared columns; returns a query of it. */
async function materialize(db: Database, table: TableDefinition, rows: object[]): Promise<string> {
  const temp = `table_${table.name.replaceAll("-", "_")}`;
  const columns = table.columns!;
  await db.run(`CREATE OR REPLACE TEMP TABLE ${identifier(temp)} (${columns.map(([c, t]) => `${identifier(c)} ${t}`).join(", ")})`);
  const appender = await db.connection.createAppender(temp, "main", "temp");
  for (const row of rows as Record<string, unknown>[]) {
    for (const [column, type] of columns) {
      const value = row[column];
      if (value === null || value === undefined) appender.appendNull();
      else if (type === "VARCHAR") appender.appendVarchar(String(value));
      else if (type === "DOUBLE") appender.appendDouble(Number(value));
      else if (type === "BIGINT") appender.appendBigInt(BigInt(value as number));
      else appender.appendBoolean(Boolean(value));
    }
    appender.endRow();
  }
  appender.closeSync();
  return `SELECT * FROM temp.${identifier(temp)}`;
}
