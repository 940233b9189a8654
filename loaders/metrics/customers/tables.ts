/** The value of each customer: see docs/metrics.md. */
import { D, defineTable, I, V, type TableDefinition } from "../table.js";
import { prepareCustomerOrders } from "./customer-orders.js";
import { CHURN_COLUMNS, churn } from "./churn.js";
import {
  BASE_VALUE_COLUMNS,
  CLV_PARAM_COLUMNS,
  HOLDOUT_COLUMNS,
  clvHoldout,
  clvModelChoice,
  MODEL_CHOICE_COLUMNS,
  clvModel,
  clvParams,
  clvQuery,
  customerBaseValue,
  prepareClvPredictions
} from "./clv.js";
import { ACTIVATION_COLUMNS, OUTREACH_COLUMNS, activation, outreachQuery } from "./activation.js";
import { LEVER_COLUMNS, levers } from "./levers.js";
import { cohortRetentionQuery, prepareRfm, RFM_QUERY, rfmSegmentsQuery, valueConcentrationQuery } from "./rfm.js";

export const CUSTOMER_TABLES: readonly TableDefinition[] = [
  defineTable({
    name: "rfm",
    needs: ["orders"],
    rowLevel: true,
    description:
      "Per customer (ids only): recency, frequency, monetary and margin, quintile scores and the named RFM segment.",
    large: true,
    columns: [
      ["customer_id", V],
      ["recency_days", I],
      ["frequency", I],
      ["monetary", D],
      ["margin", D],
      ["r_score", I],
      ["f_score", I],
      ["m_score", I],
      ["segment", V]
    ],
    prepare: async (context) => {
      if (!context.schema.has("orders")) return null;
      await prepareRfm(context);
      return RFM_QUERY;
    }
  }),
  defineTable({
    name: "rfm-segments",
    needs: ["orders"],
    description:
      "Per RFM segment (champions, loyal, at risk, hibernating, ...): customers, revenue and margin with their shares.",
    columns: [
      ["segment", V],
      ["customers", I],
      ["customer_share", D],
      ["revenue", D],
      ["revenue_share", D],
      ["margin", D],
      ["margin_share", D],
      ["mean_recency_days", D],
      ["mean_frequency", D]
    ],
    prepare: async (context) => {
      await prepareRfm(context);
      return rfmSegmentsQuery();
    }
  }),
  defineTable({
    name: "value-concentration",
    needs: ["orders"],
    description:
      "Value concentration (Lorenz) curve: for each percentile of customers ranked by revenue, the cumulative share of revenue.",
    columns: [
      ["percentile", I],
      ["customer_share", D],
      ["revenue_share", D]
    ],
    prepare: async (context) => {
      await prepareCustomerOrders(context);
      return valueConcentrationQuery();
    }
  }),
  defineTable({
    name: "cohort-retention",
    needs: ["orders"],
    description:
      "Cohorts by quarter of first order x quarters since: active customers and share, net revenue and revenue retention.",
    columns: [
      ["cohort", V],
      ["period", I],
      ["cohort_size", I],
      ["active", I],
      ["active_share", D],
      ["revenue", D],
      ["revenue_retention", D]
    ],
    query: cohortRetentionQuery
  }),
  defineTable({
    name: "customer-base-value",
    needs: ["orders"],
    description:
      "At the end of each quarter: customers so far and their summed three-year CLV from their orders to that day (the full fit's parameters).",
    columns: BASE_VALUE_COLUMNS,
    compute: customerBaseValue
  }),
  defineTable({
    name: "levers",
    needs: ["orders"],
    description:
      "Retention levers: rewards members vs the rest, first purchase to activate used vs unused, one vs several categories bought in the first 90 days: retention and revenue per year with 95% CIs, and each lever's test.",
    columns: LEVER_COLUMNS,
    compute: levers
  }),
  defineTable({
    name: "activation",
    needs: ["activations.activated_at", "orders"],
    description:
      "Purchases to activate (activations export) at least 90 days old: share activated within 90 days with 95% CI, median days, customers and value left unused; overall and per category.",
    columns: ACTIVATION_COLUMNS,
    compute: activation
  }),
  defineTable({
    name: "outreach",
    needs: ["activations.activated_at", "orders"],
    rowLevel: true,
    description:
      "The activation lever's outreach list (ids only, pseudonyms where keys are personal): every customer with a purchase unused after 90 days, how many and what they cost, most money first.",
    columns: OUTREACH_COLUMNS,
    prepare: outreachQuery
  }),
  defineTable({
    name: "churn",
    needs: ["orders"],
    description:
      "Churn rate with Wilson 95% CI, overall and per segment: from a churn flag in the customers export, else per quarter from 180 days without an order.",
    columns: CHURN_COLUMNS,
    compute: churn
  }),
  defineTable({
    name: "clv-params",
    needs: ["orders"],
    description:
      "Maximum-likelihood fits with log-likelihoods: every purchase model (BG/NBD, MBG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta) on the first half, the chosen one on the full history, and Gamma-Gamma (p, q, gamma) on both.",
    columns: CLV_PARAM_COLUMNS,
    compute: clvParams
  }),
  defineTable({
    name: "clv-holdout",
    needs: ["orders"],
    description:
      "Holdout check, per purchase model: mean purchases per customer in the second half, predicted by the first-half fit and actual, by calibration frequency and for all customers.",
    columns: HOLDOUT_COLUMNS,
    compute: clvHoldout
  }),
  defineTable({
    name: "clv-model-choice",
    needs: ["orders"],
    description:
      "The purchase model every CLV figure uses: BG/NBD, MBG/NBD and Pareto/NBD fitted on the first half, the one whose holdout predictions fall closest to what customers did chosen; log-likelihood, holdout error and bias of each.",
    columns: MODEL_CHOICE_COLUMNS,
    compute: clvModelChoice
  }),
  defineTable({
    name: "best-customers",
    needs: ["orders"],
    rowLevel: true,
    description:
      "The 100 customers with the highest three-year CLV (ids only: never names or emails), with revenue and margin to date and RFM segment.",
    columns: [
      ["customer_id", V],
      ["clv_3y", D],
      ["p_alive", D],
      ["expected_revenue_1y", D],
      ["revenue_to_date", D],
      ["margin_to_date", D],
      ["segment", V]
    ],
    prepare: async (context) => {
      const model = await clvModel(context, "full");
      if (!model || !(await prepareClvPredictions(context))) return null;
      await prepareRfm(context);
      return `SELECT c.customer_id, c.clv_3y, c.p_alive, c.expected_revenue_1y, r.monetary AS revenue_to_date, r.margin AS margin_to_date, r.segment
              FROM (${clvQuery(model)}) c JOIN customer_rfm r USING (customer_id) ORDER BY c.clv_3y DESC, c.customer_id LIMIT 100`;
    }
  }),
  defineTable({
    name: "clv-deciles",
    needs: ["orders"],
    description:
      "Customers in ten equal groups by three-year CLV: mean and range of CLV, mean P(alive), share of the total CLV.",
    columns: [
      ["decile", I],
      ["customers", I],
      ["mean_clv", D],
      ["min_clv", D],
      ["max_clv", D],
      ["mean_p_alive", D],
      ["clv_share", D]
    ],
    prepare: async (context) => {
      const model = await clvModel(context, "full");
      if (!model || !(await prepareClvPredictions(context))) return null;
      return `WITH c AS (SELECT clv_3y, p_alive, ntile(10) OVER (ORDER BY clv_3y DESC, customer_id) AS decile FROM (${clvQuery(model)}))
              SELECT decile, count(*) AS customers, round(avg(clv_3y), 2) AS mean_clv, min(clv_3y) AS min_clv, max(clv_3y) AS max_clv,
                     round(avg(p_alive), 4) AS mean_p_alive, round(sum(clv_3y) / nullif(sum(sum(clv_3y)) OVER (), 0), 4) AS clv_share
              FROM c GROUP BY decile ORDER BY decile`;
    }
  }),
  defineTable({
    name: "clv",
    needs: ["orders"],
    rowLevel: true,
    description:
      "Per customer (ids only): P(alive), expected purchases and revenue next year, expected spend, three-year discounted CLV.",
    large: true,
    columns: [
      ["customer_id", V],
      ["repeat_purchases", I],
      ["recency_weeks", D],
      ["age_weeks", D],
      ["p_alive", D],
      ["expected_purchases_1y", D],
      ["expected_spend", D],
      ["expected_revenue_1y", D],
      ["clv_3y", D]
    ],
    prepare: async (context) => {
      const model = await clvModel(context, "full");
      return model && (await prepareClvPredictions(context)) ? clvQuery(model) : null;
    }
  })
];
