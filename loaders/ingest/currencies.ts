/**
 * Amounts in more than one currency. A CRM of a company selling in several countries writes
 * each deal or order in its own currency (Salesforce's `CurrencyIsoCode`, Shopify's
 * `Currency`); summed as one, MXN 1,000 and USD 1,000 would make USD 2,000. Once the typed
 * tables are written, amounts in another currency than the reports' are converted through
 * the rates the analyst gives (`currency_rates.csv`), or ingest stops naming each currency.
 */
import { DEFAULT_CURRENCY, type Config } from "../contract/config.js";
import type { Database } from "../core/db.js";
import { identifier, literal } from "../core/sql.js";
import type { Problem } from "../core/errors.js";
import type { SourceFile } from "./read-source.js";

/** The exports whose amounts may carry a currency, the amount columns, and the date a rate is taken at. */
export const CURRENCY_EXPORTS = [
  { name: "orders", amounts: ["amount", "cost"], date: "ordered_at" },
  { name: "opportunities", amounts: ["amount"], date: "closed_at" }
] as const;

/** A rate without a date holds from the start of time. */
const RATES = `(SELECT currency, rate, coalesce(valid_from, DATE '0001-01-01') AS valid_from FROM currency_rates)`;

/**
 * Converts the amounts of every export with a currency column into the reports' currency, in
 * place (a blank currency is the reports'). Returns the problems that stop ingest: currencies
 * without rates, or without one on or before a row's date.
 */
export async function convertCurrencies(
  db: Database,
  config: Config | undefined,
  sources: SourceFile[]
): Promise<Problem[]> {
  const report = config?.currency ?? DEFAULT_CURRENCY;
  const tables = new Set(
    (await db.rows<{ name: string }>(`SELECT table_name AS name FROM duckdb_tables()`)).map((t) => t.name)
  );
  const columnsOf = async (table: string) =>
    new Set((await db.columns(`SELECT * FROM ${identifier(table)}`)).map((c) => c.name));
  const problems: Problem[] = [];
  for (const { name, amounts, date } of CURRENCY_EXPORTS) {
    if (!tables.has(name)) continue;
    const columns = await columnsOf(name);
    if (!columns.has("currency")) continue;
    const file = sources.find((s) => s.name === name)?.fileName ?? `${name}.csv`;
    const table = identifier(name);
    const found = await db.rows<{ currency: string; n: number }>(`
      SELECT coalesce(currency, ${literal(report)}) AS currency, count(*)::BIGINT AS n FROM ${table} GROUP BY 1 ORDER BY n DESC, currency`);
    if (found.every((c) => c.currency === report)) continue;
    const listed = found
      .map((c, i) => `${c.currency} (${c.n.toLocaleString("en-US")}${i === 0 ? ` row${c.n === 1 ? "" : "s"}` : ""})`)
      .join(", ");
    if (!tables.has("currency_rates")) {
      problems.push({
        file,
        column: "currency",
        rule: "mixed-currencies",
        message:
          `amounts in ${found.length} currencies, which summed would mislead: ${listed}; the reports are in ${report} (currency in cva.config.json): ` +
          "give what one unit of each is worth in currency_rates.csv (currency,rate,valid_from), or set currency if every amount is in one (docs/data-contract.md)"
      });
      continue;
    }
    const joined = `${table} o ASOF LEFT JOIN ${RATES} r ON o.currency = r.currency AND o.${identifier(date)}::DATE >= r.valid_from`;
    const foreign = `o.currency IS NOT NULL AND o.currency <> ${literal(report)}`;
    const missing = await db.rows<{ currency: string; n: number; first: string }>(`
      SELECT o.currency, count(*)::BIGINT AS n, strftime(min(o.${identifier(date)}), '%Y-%m-%d') AS first FROM ${joined}
      WHERE ${foreign} AND r.rate IS NULL GROUP BY 1 ORDER BY n DESC, 1`);
    if (missing.length) {
      problems.push({
        file,
        column: "currency",
        rule: "no-rate",
        message: `no rate to ${report} in currency_rates.csv for ${missing.map((m) => `${m.currency} (${m.n.toLocaleString("en-US")} row${m.n === 1 ? "" : "s"}, the first on ${m.first})`).join(", ")}: add a rate valid from that date or earlier`
      });
      continue;
    }
    const converted = amounts
      .filter((a) => columns.has(a))
      .map(
        (a) =>
          `CASE WHEN ${foreign} THEN round(o.${identifier(a)} * r.rate, 2)::DECIMAL(18,2) ELSE o.${identifier(a)} END AS ${identifier(a)}`
      );
    await db.run(`CREATE OR REPLACE TABLE ${table} AS SELECT o.* REPLACE (${converted.join(", ")}) FROM ${joined}`);
  }
  return problems;
}
