import { B, D, I, NULL, V, type RowOf } from "../table.js";
import { literal, quarterLabel } from "../../core/sql.js";
import { memoized, type TableContext } from "../../warehouse/context.js";
import { round } from "../../core/numbers.js";
import { fitGammaGamma, type RfmCounts, type GammaGammaParams } from "./clv-models.js";
import {
  PURCHASE_MODELS,
  purchaseModel,
  type PurchaseModel,
  type PurchaseModelName,
  type PurchaseParams
} from "./purchase-models.js";

/** Transactions are counted in weeks, as in Fader, Hardie & Lee (2005). */
export const PERIOD_DAYS = 7;
/** Predictions look one year (52 periods) ahead. */
export const HORIZON_PERIODS = 52;
/** Annual discount rate of the three-year CLV. */
export const ANNUAL_DISCOUNT = 0.1;

export type ClvFit = "calibration" | "full";

/**
 * Per customer, in DuckDB, for both fits in one pass over the purchase days (same-day orders
 * merged; refunds, negative amounts, left out), up to each fit's end: x = repeat days, t_x =
 * last - first, T = end - first (in periods); the mean spend of the repeat days; purchase days
 * after the end (the holdout). The "full" fit ends at the last purchase and makes the
 * per-customer predictions; the calibration fit ends halfway through the purchase history, and
 * the holdout check compares its predictions for the second half with what happened.
 * `clv_statistics_full` and `clv_statistics_calibration` are views of the one table.
 */
function prepareClvStatistics(context: TableContext): Promise<void> {
  return memoized(context, "clv-statistics", async () => {
    await preparePurchaseDays(context);
    const { db } = context;
    // The mean of the repeat days is the sum up to the end less the first day's, over x.
    await db.run(`
      CREATE OR REPLACE TEMP TABLE clv_statistics AS
      WITH bounds AS (SELECT max(day) AS last_day, min(day) + CAST(floor(date_diff('day', min(day), max(day)) / 2) AS INTEGER) AS cal_end FROM purchase_days)
      SELECT d.customer_id, min(d.day) AS first_day, b.last_day, b.cal_end,
             count(*) - 1 AS x_full,
             date_diff('day', min(d.day), max(d.day)) / ${PERIOD_DAYS}.0 AS t_x_full,
             date_diff('day', min(d.day), b.last_day) / ${PERIOD_DAYS}.0 AS t_full,
             (sum(d.amount) - arg_min(d.amount, d.day)) / nullif(count(*) - 1, 0) AS mean_spend_full,
             count(*) FILTER (WHERE d.day <= b.cal_end) - 1 AS x_cal,
             date_diff('day', min(d.day), max(d.day) FILTER (WHERE d.day <= b.cal_end)) / ${PERIOD_DAYS}.0 AS t_x_cal,
             date_diff('day', min(d.day), b.cal_end) / ${PERIOD_DAYS}.0 AS t_cal,
             (sum(d.amount) FILTER (WHERE d.day <= b.cal_end) - arg_min(d.amount, d.day)) / nullif(count(*) FILTER (WHERE d.day <= b.cal_end) - 1, 0) AS mean_spend_cal,
             count(*) FILTER (WHERE d.day > b.cal_end) AS holdout_cal,
             date_diff('day', b.cal_end, b.last_day) / ${PERIOD_DAYS}.0 AS holdout_periods_cal
      FROM purchase_days d CROSS JOIN bounds b GROUP BY d.customer_id, b.last_day, b.cal_end`);
    await db.run(`
      CREATE OR REPLACE TEMP VIEW clv_statistics_full AS
      SELECT customer_id, x_full AS x, t_x_full AS t_x, t_full AS "T", mean_spend_full AS mean_spend, 0::BIGINT AS holdout,
             0::DOUBLE AS holdout_periods, last_day AS calibration_end FROM clv_statistics`);
    await db.run(`
      CREATE OR REPLACE TEMP VIEW clv_statistics_calibration AS
      SELECT customer_id, x_cal AS x, t_x_cal AS t_x, t_cal AS "T", mean_spend_cal AS mean_spend, holdout_cal AS holdout,
             holdout_periods_cal AS holdout_periods, cal_end AS calibration_end FROM clv_statistics WHERE first_day <= cal_end`);
  });
}

/**
 * Purchase days, once per session: per customer and day, the orders' amounts summed (same-day
 * orders merged; refunds, negative amounts, left out). Both fits and the base value read them.
 * Amounts stay exact decimals: a sum of doubles depends on the order DuckDB's threads add them
 * in, and a fit on a flat likelihood turns that last bit into a different estimate each run.
 */
function preparePurchaseDays(context: TableContext): Promise<void> {
  return memoized(context, "purchase-days", () =>
    context.db.run(`
    CREATE OR REPLACE TEMP TABLE purchase_days AS
    SELECT customer_id, ordered_at::DATE AS day, sum(amount) AS amount FROM orders WHERE amount >= 0 GROUP BY ALL`)
  );
}

/** A fit's customers grouped by (x, t_x, T), once per session: the fit and the predictions read them. */
function clvGroups(context: TableContext, fit: ClvFit): Promise<RfmCounts> {
  return memoized(context, `clv-groups:${fit}`, async () => {
    await prepareClvStatistics(context);
    const [x, t_x, T, count] = await context.db.doubleColumns(
      // In a fixed order: a sum's rounding, and so a fit on a flat likelihood, then never varies between runs.
      `SELECT x, t_x, "T", count(*) FROM clv_statistics_${fit} GROUP BY ALL ORDER BY ALL`
    );
    return { x: x!, t_x: t_x!, T: T!, count: count! };
  });
}

/**
 * The least history a CLV fit is made on: customers in all, and customers with a repeat
 * purchase. The models learn how purchase rates and drop-out vary across customers: too few
 * customers, or too few who bought again, and the likelihood has no maximum (r and alpha run
 * off together).
 */
export const MIN_CLV_CUSTOMERS = 30;
export const MIN_CLV_REPEAT_BUYERS = 10;

export interface ClvModel {
  fit: ClvFit;
  calibrationEnd: string;
  customers: number;
  repeatBuyers: number;
  /** The purchase model the holdout check chose (see clvModelChoice). */
  purchase: PurchaseModel;
  purchaseParams: PurchaseParams;
  purchaseLogLikelihood: number;
  gammaGamma: GammaGammaParams | null;
  gammaGammaLogLikelihood: number | null;
  /** Mean spend per repeat transaction, for customers without repeats. */
  populationSpend: number | null;
}

/**
 * Fits the purchase model the holdout check chose, and Gamma-Gamma, by maximum likelihood on
 * statistics aggregated in DuckDB.
 */
export function clvModel(context: TableContext, fit: ClvFit): Promise<ClvModel | null> {
  return memoized(context, `clv-model:${fit}`, async () => {
    // A history too short for the holdout check keeps the first model, BG/NBD, unchecked.
    // The choice table's model column holds the names of PURCHASE_MODELS it was made from.
    const chosen = ((await clvModelChoice(context)).find((c) => c.chosen)?.model ??
      PURCHASE_MODELS[0]!.name) as PurchaseModelName;
    return fitClvModel(context, fit, purchaseModel(chosen));
  });
}

/** Whether a fit's customers are enough to learn from (see MIN_CLV_CUSTOMERS). */
function enoughHistory(counts: RfmCounts): boolean {
  let customers = 0,
    repeaters = 0;
  counts.count.forEach((n, g) => ((customers += n), (repeaters += counts.x[g]! > 0 ? n : 0)));
  return customers >= MIN_CLV_CUSTOMERS && repeaters >= MIN_CLV_REPEAT_BUYERS;
}

/** A fit of one purchase model, memoized: the calibration fits also serve the model choice. */
function purchaseFit(context: TableContext, fit: ClvFit, purchase: PurchaseModel) {
  return memoized(context, `clv-purchase:${fit}:${purchase.name}`, async () => {
    const counts = await clvGroups(context, fit);
    if (!enoughHistory(counts)) return null;
    // The full history's fit starts where the first half's ended, with its curvature scaled to
    // the full history's customers: a few iterations instead of a fit from scratch.
    const half = fit === "full" ? await purchaseFit(context, "calibration", purchase) : null;
    const customers = (c: RfmCounts) => c.count.reduce((sum, n) => sum + n, 0);
    const ratio = half ? customers(await clvGroups(context, "calibration")) / customers(counts) : 1;
    const inverseHessian = half?.inverseHessian?.map((row) => row.map((v) => v * ratio));
    const fitted = purchase.fit(counts, half?.params, inverseHessian ? { inverseHessian } : {});
    // A history too short or too thin to fit (a handful of customers, a few weeks) has no model: no CLV rather than NaN.
    return [...Object.values(fitted.params), fitted.logLikelihood].every(Number.isFinite) ? fitted : null;
  });
}

/** One purchase model's fit with Gamma-Gamma's, memoized per fit and model. */
function fitClvModel(context: TableContext, fit: ClvFit, purchase: PurchaseModel): Promise<ClvModel | null> {
  return memoized(context, `clv-fit:${fit}:${purchase.name}`, async () => {
    const { db } = context;
    const table = `clv_statistics_${fit}`;
    const purchases = await purchaseFit(context, fit, purchase);
    if (!purchases) return null;
    const [meta] = await db.rows<{ end: string; customers: number }>(
      `SELECT any_value(calibration_end) AS end, count(*) AS customers FROM ${table}`
    );
    const spending = await spendFit(context, fit);
    return {
      fit,
      calibrationEnd: meta!.end,
      customers: meta!.customers,
      repeatBuyers: spending.repeatBuyers,
      purchase,
      purchaseParams: purchases.params,
      purchaseLogLikelihood: purchases.logLikelihood,
      gammaGamma: spending.fit?.params ?? null,
      gammaGammaLogLikelihood: spending.fit?.logLikelihood ?? null,
      populationSpend: spending.fit
        ? (spending.fit.params.p * spending.fit.params.gamma) / (spending.fit.params.q - 1)
        : null
    };
  });
}

/** Gamma-Gamma on a fit's repeat buyers, once per fit whatever the purchase model. */
function spendFit(context: TableContext, fit: ClvFit) {
  return memoized(context, `clv-spend:${fit}`, async () => {
    const [x, meanSpend] = await context.db.doubleColumns(
      `SELECT x::DOUBLE, mean_spend::DOUBLE FROM clv_statistics_${fit} WHERE x > 0 AND mean_spend > 0 ORDER BY customer_id`
    );
    const buyers = { x: x!, meanSpend: meanSpend! };
    const fitted = buyers.x.length >= 3 ? fitGammaGamma(buyers) : null;
    const usable =
      fitted && [...Object.values(fitted.params), fitted.logLikelihood].every(Number.isFinite) && fitted.params.q > 1;
    return { repeatBuyers: buyers.x.length, fit: usable ? fitted : null };
  });
}

export const CLV_PARAM_COLUMNS = [
  ["fit", V],
  ["model", V],
  ["parameter", V],
  ["value", D],
  ["log_likelihood", D],
  ["customers", I],
  ["calibration_end", V],
  ["period_days", I]
] as const;

export type ClvParamRow = RowOf<typeof CLV_PARAM_COLUMNS>;

export async function clvParams(context: TableContext): Promise<ClvParamRow[]> {
  const rows: ClvParamRow[] = [];
  for (const fit of ["calibration", "full"] as const) {
    const model = await clvModel(context, fit);
    if (!model) continue;
    const row = (name: string, parameter: string, value: number, logLikelihood: number, customers: number) => ({
      fit,
      model: name,
      parameter,
      value: round(value, 6)!,
      log_likelihood: round(logLikelihood, 3)!,
      customers,
      calibration_end: model.calibrationEnd,
      period_days: PERIOD_DAYS
    });
    // The calibration fit shows every candidate (the choice compares them); the full fit, the chosen one.
    for (const purchase of fit === "calibration" ? PURCHASE_MODELS : [model.purchase]) {
      const fitted = await fitClvModel(context, fit, purchase);
      if (!fitted) continue;
      for (const [parameter, value] of Object.entries(fitted.purchaseParams))
        rows.push(row(purchase.name, parameter, value, fitted.purchaseLogLikelihood, fitted.customers));
    }
    for (const [parameter, value] of Object.entries(model.gammaGamma ?? {})) {
      rows.push(row("gamma-gamma", parameter, value, model.gammaGammaLogLikelihood!, model.repeatBuyers));
    }
  }
  return rows;
}

export const HOLDOUT_COLUMNS = [
  /** The purchase model whose calibration fit made the prediction. */
  ["model", V],
  /** Repeat purchases in the calibration period: 0 ... 6, then "7+"; last, "all" customers. */
  ["frequency", V],
  ["customers", I],
  /** Mean purchases per customer in the holdout period, as happened. */
  ["actual", D],
  /** Mean purchases per customer in the holdout period, as predicted by the calibration fit. */
  ["predicted", D]
] as const;

export type HoldoutRow = RowOf<typeof HOLDOUT_COLUMNS>;

interface HoldoutGroup {
  customers: number;
  actual: number;
  predicted: number;
}

/** One model's calibration predictions for the holdout period against what customers did, by calibration frequency. */
function holdoutGroups(context: TableContext, purchase: PurchaseModel) {
  return memoized(context, `clv-holdout:${purchase.name}`, async () => {
    const fitted = await purchaseFit(context, "calibration", purchase);
    if (!fitted) return null;
    const [x, t_x, T, periods, count, actual] = await context.db.doubleColumns(`
      SELECT x, t_x, "T", holdout_periods, count(*), sum(holdout) FROM clv_statistics_calibration GROUP BY ALL ORDER BY ALL`);
    const groups = new Map<string, HoldoutGroup>();
    count!.forEach((n, c) => {
      const key = x![c]! >= 7 ? "7+" : String(x![c]);
      const group = groups.get(key) ?? { customers: 0, actual: 0, predicted: 0 };
      group.customers += n;
      group.actual += actual![c]!;
      group.predicted += n * purchase.expectedPurchases(fitted.params, periods![c]!, x![c]!, t_x![c]!, T![c]!);
      groups.set(key, group);
    });
    return [...groups].sort(([a], [b]) => (a === "7+" ? 99 : +a) - (b === "7+" ? 99 : +b));
  });
}

/** The calibration fits' predictions for the holdout period against what customers did, for every candidate model. */
export async function clvHoldout(context: TableContext): Promise<HoldoutRow[]> {
  const rows: HoldoutRow[] = [];
  for (const purchase of PURCHASE_MODELS) {
    const groups = await holdoutGroups(context, purchase);
    if (!groups) continue;
    // The whole base, the overview's caveat on the lifetime value card: how far the fit's
    // predictions for the holdout fell from what happened.
    const all = { customers: 0, actual: 0, predicted: 0 };
    for (const [, g] of groups) for (const k of ["customers", "actual", "predicted"] as const) all[k] += g[k];
    for (const [frequency, g] of [...groups, ["all", all] as const])
      rows.push({
        model: purchase.name,
        frequency,
        customers: g.customers,
        actual: round(g.actual / g.customers, 4)!,
        predicted: round(g.predicted / g.customers, 4)!
      });
  }
  return rows;
}

export const MODEL_CHOICE_COLUMNS = [
  ["model", V],
  ["label", V],
  /** Log-likelihood of the calibration fit. */
  ["log_likelihood", D],
  /** Σ over calibration-frequency groups of customers × |predicted − actual mean holdout purchases|, over all customers. */
  ["holdout_error", D],
  /** Predicted over actual holdout purchases of the whole base, less one (0.17 = 17% too many). */
  ["holdout_bias", D, NULL],
  /** The model with the smallest holdout error: the one every CLV figure uses. */
  ["chosen", B]
] as const;

export type ModelChoiceRow = RowOf<typeof MODEL_CHOICE_COLUMNS>;

/**
 * The purchase model is chosen by what it predicts, not by its likelihood: each candidate is
 * fitted on the first half of the history and the one whose predictions for the second half
 * fall closest to what customers did, frequency group by frequency group, makes every CLV
 * figure. On a tie the simpler model (the list's order) wins.
 */
export function clvModelChoice(context: TableContext): Promise<ModelChoiceRow[]> {
  return memoized(context, "clv-model-choice", async () => {
    const rows: ModelChoiceRow[] = [];
    for (const purchase of PURCHASE_MODELS) {
      const [fitted, groups] = [
        await purchaseFit(context, "calibration", purchase),
        await holdoutGroups(context, purchase)
      ];
      if (!fitted || !groups) continue;
      let customers = 0,
        error = 0,
        actual = 0,
        predicted = 0;
      for (const [, g] of groups) {
        customers += g.customers;
        error += Math.abs(g.predicted - g.actual);
        actual += g.actual;
        predicted += g.predicted;
      }
      if (!Number.isFinite(error)) continue;
      rows.push({
        model: purchase.name,
        label: purchase.label,
        log_likelihood: round(fitted.logLikelihood, 3)!,
        holdout_error: round(error / customers, 6)!,
        holdout_bias: actual > 0 ? round(predicted / actual - 1, 6) : null,
        chosen: false
      });
    }
    const best = rows.reduce<ModelChoiceRow | null>((b, r) => (!b || r.holdout_error < b.holdout_error ? r : b), null);
    if (best) best.chosen = true;
    return rows;
  });
}

/**
 * Per-customer predictions of the full fit, computed once per distinct (x, t_x, T) into a
 * temporary table that the clv query joins back to the customers: a million customers never
 * become JavaScript objects.
 */
export async function prepareClvPredictions(context: TableContext): Promise<boolean> {
  const model = await clvModel(context, "full");
  if (!model) return false;
  await memoized(context, "clv-predictions", async () => {
    const combos = await clvGroups(context, "full");
    await context.db.run(
      `CREATE OR REPLACE TEMP TABLE clv_predictions (x BIGINT, t_x DOUBLE, "T" DOUBLE, p_alive DOUBLE, purchases_1y DOUBLE, purchases_2y DOUBLE, purchases_3y DOUBLE)`
    );
    const appender = await context.db.connection.createAppender("clv_predictions", "main", "temp");
    // Where a fit on very little history cannot predict a group (its series do not converge), the prediction is unknown, never NaN.
    const appendFinite = (value: number) =>
      Number.isFinite(value) ? appender.appendDouble(value) : appender.appendNull();
    combos.x.forEach((x, c) => {
      const [t_x, T] = [combos.t_x[c]!, combos.T[c]!];
      appender.appendBigInt(BigInt(x));
      appender.appendDouble(t_x);
      appender.appendDouble(T);
      appendFinite(model.purchase.probabilityAlive(model.purchaseParams, x, t_x, T));
      for (const years of [1, 2, 3])
        appendFinite(model.purchase.expectedPurchases(model.purchaseParams, years * HORIZON_PERIODS, x, t_x, T));
      appender.endRow();
    });
    appender.closeSync();
  });
  return true;
}

/** The clv table's SQL, over the temporary tables prepareClvPredictions makes. */
export function clvQuery(model: ClvModel): string {
  const g = model.gammaGamma;
  // Gamma-Gamma: E[spend | x, m] = p (γ + x m) / (p x + q − 1); the population mean without repeats.
  const spend = g
    ? `CASE WHEN s.x > 0 AND s.mean_spend > 0 THEN ${literal(g.p)} * (${literal(g.gamma)} + s.x * s.mean_spend) / (${literal(g.p)} * s.x + ${literal(g.q)} - 1) ELSE ${literal(model.populationSpend)} END`
    : "s.mean_spend";
  const d = ANNUAL_DISCOUNT;
  return `
    SELECT s.customer_id, s.x AS repeat_purchases, round(s.t_x, 3) AS recency_weeks, round(s."T", 3) AS age_weeks,
           round(p.p_alive, 4) AS p_alive, round(p.purchases_1y, 4) AS expected_purchases_1y,
           round(${spend}, 2) AS expected_spend,
           round(p.purchases_1y * (${spend}), 2) AS expected_revenue_1y,
           round((p.purchases_1y / ${literal(1 + d)} + (p.purchases_2y - p.purchases_1y) / ${literal((1 + d) ** 2)} + (p.purchases_3y - p.purchases_2y) / ${literal((1 + d) ** 3)}) * (${spend}), 2) AS clv_3y
    FROM clv_statistics_full s JOIN temp.clv_predictions p ON p.x = s.x AND p.t_x = s.t_x AND p."T" = s."T"
    ORDER BY clv_3y DESC, s.customer_id`;
}

export const BASE_VALUE_COLUMNS = [
  /** Calendar quarter, e.g. `2025-Q3`; its value is as of its last day (or the last order). */
  ["quarter", V],
  /** Customers with a first order by then. */
  ["customers", I],
  /** Their summed three-year CLV, discounted, currency. */
  ["clv_3y", D],
  /** The purchase model behind it (the one the holdout check chose). */
  ["model", V]
] as const;

export type BaseValueRow = RowOf<typeof BASE_VALUE_COLUMNS>;

/** Repeat buyers a quarter's Gamma-Gamma fit reads at most: an evenly hashed share of them beyond. */
export const BASE_VALUE_SPEND_SAMPLE = 100_000;

/**
 * The value of the customer base at the end of every quarter, as of that day: each customer's
 * three-year CLV from their orders up to it, with models fitted on the orders up to it (the
 * chosen purchase model and Gamma-Gamma), so that later orders never change a closed quarter.
 * Recency and age are in whole weeks, so each quarter's fit and expectations run over its
 * distinct (x, t_x, T) groups, not its customers; a quarter with too little history to fit
 * (see MIN_CLV_CUSTOMERS) has no value.
 */
export function customerBaseValue(context: TableContext): Promise<BaseValueRow[]> {
  return memoized(context, "customer-base-value", async () => {
    const model = await clvModel(context, "full");
    if (!model) return [];
    const { db } = context;
    const purchase = model.purchase;
    // clvModel prepared the purchase days and each customer's first (clv_statistics).
    await db.run(`CREATE OR REPLACE TEMP TABLE base_value_state AS
      WITH bounds AS (SELECT max(day) AS last_day FROM purchase_days),
      firsts AS (SELECT customer_id, first_day FROM clv_statistics),
      by_quarter AS (
        SELECT d.customer_id, date_trunc('quarter', d.day)::DATE AS q, count(*) AS n, max(d.day) AS last_day,
               coalesce(sum(d.amount) FILTER (WHERE d.day > f.first_day), 0) AS repeat_spend
        FROM purchase_days d JOIN firsts f USING (customer_id) GROUP BY ALL),
      running AS (
        SELECT customer_id, q, sum(n) OVER w AS n, max(last_day) OVER w AS last_day, sum(repeat_spend) OVER w AS repeat_spend
        FROM by_quarter WINDOW w AS (PARTITION BY customer_id ORDER BY q)),
      quarters AS (SELECT DISTINCT q FROM by_quarter)
      SELECT g.q, f.customer_id, f.first_day, r.n - 1 AS x, r.last_day, r.repeat_spend,
             least(g.q + INTERVAL 3 MONTH - INTERVAL 1 DAY, b.last_day)::DATE AS q_end
      FROM firsts f JOIN quarters g ON g.q >= date_trunc('quarter', f.first_day) CROSS JOIN bounds b
      ASOF JOIN running r ON r.customer_id = f.customer_id AND g.q >= r.q`);
    await db.run(`CREATE OR REPLACE TEMP TABLE base_value_groups AS
      SELECT q, ${quarterLabel("q")} AS quarter, x,
             round(date_diff('day', first_day, last_day) / ${PERIOD_DAYS}) AS t_x, round(date_diff('day', first_day, q_end) / ${PERIOD_DAYS}) AS "T",
             count(*) AS count, count(*) FILTER (WHERE x > 0 AND repeat_spend > 0) AS spenders,
             sum(CASE WHEN x > 0 AND repeat_spend > 0 THEN (repeat_spend / x)::DECIMAL(38, 10) END)::DOUBLE AS spend
      FROM base_value_state GROUP BY ALL`);
    const quarters = await db.rows<{ q: string; quarter: string; customers: number; buyers: number }>(`
      SELECT q::VARCHAR AS q, quarter, sum(count)::BIGINT AS customers, sum(spenders)::BIGINT AS buyers
      FROM base_value_groups GROUP BY ALL ORDER BY q`);
    const rows: BaseValueRow[] = [];
    const d = 1 + ANNUAL_DISCOUNT;
    // Earliest first: each fit starts where the quarter before ended, with its curvature scaled
    // to this quarter's customers (a log-likelihood's Hessian grows with them), so BFGS takes
    // full steps from the first; the first starts from scratch. A quarter's value then depends
    // on the orders up to its close alone, even where its likelihood is flat.
    let purchaseFrom: PurchaseParams | undefined;
    let curvature: number[][] | undefined;
    let fittedOn = 0;
    let spendFrom: GammaGammaParams | undefined;
    for (const { q, quarter, customers, buyers } of quarters) {
      const [x, t_x, T, count, spenders, spend] = await db.doubleColumns(
        `SELECT x, t_x, "T", count, spenders, coalesce(spend, 0) FROM base_value_groups WHERE q = ${literal(q)}::DATE ORDER BY x, t_x, "T"`
      );
      const counts = { x: x!, t_x: t_x!, T: T!, count: count! };
      if (!enoughHistory(counts)) continue;
      const inverseHessian = purchaseFrom && curvature?.map((row) => row.map((v) => (v * fittedOn) / customers));
      const fitted = purchase.fit(counts, purchaseFrom, inverseHessian ? { inverseHessian } : {});
      if (![...Object.values(fitted.params), fitted.logLikelihood].every(Number.isFinite)) continue;
      [purchaseFrom, curvature, fittedOn] = [fitted.params, fitted.inverseHessian, customers];
      // Gamma-Gamma needs each buyer's mean spend (its likelihood does not sum by group).
      const stride = Math.max(1, Math.ceil(buyers / BASE_VALUE_SPEND_SAMPLE));
      const [bx, bm] = await db.doubleColumns(`
        SELECT x::DOUBLE, (repeat_spend / x)::DOUBLE FROM base_value_state
        WHERE q = ${literal(q)}::DATE AND x > 0 AND repeat_spend > 0 ${stride > 1 ? `AND hash(customer_id) % ${stride} = 0` : ""}
        ORDER BY customer_id`);
      const gg = bx!.length >= 3 ? fitGammaGamma({ x: bx!, meanSpend: bm! }, spendFrom) : null;
      const spending =
        gg && [...Object.values(gg.params), gg.logLikelihood].every(Number.isFinite) && gg.params.q > 1
          ? gg.params
          : null;
      if (spending) spendFrom = spending;
      const population = spending ? (spending.p * spending.gamma) / (spending.q - 1) : 0;
      let value = 0;
      for (let g = 0; g < counts.count.length; ++g) {
        const [y1, y2, y3] = [1, 2, 3].map((years) =>
          purchase.expectedPurchases(fitted.params, years * HORIZON_PERIODS, x![g]!, t_x![g]!, T![g]!)
        ) as [number, number, number];
        const purchases = y1 / d + (y2 - y1) / d ** 2 + (y3 - y2) / d ** 3;
        // Gamma-Gamma is linear in a customer's mean spend m, so a group's spend sums exactly.
        const groupSpend = spending
          ? (spending.p * (spenders![g]! * spending.gamma + x![g]! * spend![g]!)) /
              (spending.p * x![g]! + spending.q - 1) +
            (count![g]! - spenders![g]!) * population
          : spend![g]!;
        if (Number.isFinite(purchases)) value += purchases * groupSpend;
      }
      rows.push({ quarter, customers, clv_3y: round(value, 2)!, model: purchase.name });
    }
    return rows;
  });
}
