import { describe, expect, it } from "vitest";
import { formatProblem } from "../loaders/core/errors.js";
import { ingestChanged, VALID_FOLDER } from "./support/fixture-folder.js";

const csv = (...lines: string[]) => lines.join("\n") + "\n";
const CONFIG = JSON.parse(String(VALID_FOLDER["cva.config.json"]));
// Orders as a CRM of a company selling in four countries writes them (Salesforce's CurrencyIsoCode).
const ORDERS = csv(
  "order_id,customer_id,ordered_at,amount,cost,currency",
  "O1,C1,2024-01-15,1000.00,600.00,MXN",
  "O2,C2,2024-02-20,50.50,30.00,USD",
  "O3,C1,2024-03-01,400000,,COP",
  "O4,C2,2024-06-10,1000.00,,mxn",
  "O5,C1,2024-06-11,20.00,,",
  "O6,C2,2024-06-12,10.00,,PEN"
);

describe("amounts in several currencies", () => {
  it("stop ingest with one problem listing each currency and its rows, when no rates are given", async () => {
    const outcome = await ingestChanged({ "orders.csv": ORDERS });
    try {
      expect(outcome.problems.map(formatProblem)).toEqual([
        "orders.csv: currency: amounts in 4 currencies, which summed would mislead: MXN (2 rows), USD (2), COP (1), PEN (1); the reports are in USD (currency in cva.config.json): " +
          "give what one unit of each is worth in currency_rates.csv (currency,rate,valid_from), or set currency if every amount is in one (docs/data-contract.md) [mixed-currencies]"
      ]);
    } finally {
      outcome.dispose();
    }
  });

  it("are converted through currency_rates.csv, each at the rate valid on its date", async () => {
    const rates = csv(
      "currency,rate,valid_from",
      "MXN,0.0580,",
      "MXN,0.0550,2024-06-01",
      "COP,0.00025,",
      "PEN,0.2650,2024-01-01"
    );
    const outcome = await ingestChanged({ "orders.csv": ORDERS, "currency_rates.csv": rates });
    try {
      expect(outcome.problems).toEqual([]);
      // By hand: 1000 × 0.058 = 58.00 (cost 600 × 0.058 = 34.80); 400000 × 0.00025 = 100.00;
      // from June MXN is 0.055: 1000 × 0.055 = 55.00; 10 × 0.265 = 2.65; USD and blank unchanged.
      expect(
        await outcome.db.rows(
          `SELECT order_id, amount::DOUBLE AS amount, cost::DOUBLE AS cost, currency FROM orders ORDER BY order_id`
        )
      ).toEqual([
        { order_id: "O1", amount: 58, cost: 34.8, currency: "MXN" },
        { order_id: "O2", amount: 50.5, cost: 30, currency: "USD" },
        { order_id: "O3", amount: 100, cost: null, currency: "COP" },
        { order_id: "O4", amount: 55, cost: null, currency: "MXN" },
        { order_id: "O5", amount: 20, cost: null, currency: null },
        { order_id: "O6", amount: 2.65, cost: null, currency: "PEN" }
      ]);
    } finally {
      outcome.dispose();
    }
  });

  it("stop ingest when a currency has no rate on a row's date", async () => {
    const outcome = await ingestChanged({
      "orders.csv": ORDERS,
      "currency_rates.csv": csv("currency,rate,valid_from", "MXN,0.058,", "COP,0.00025,", "PEN,0.265,2024-07-01")
    });
    try {
      expect(outcome.problems.map(formatProblem)).toEqual([
        "orders.csv: currency: no rate to USD in currency_rates.csv for PEN (1 row, the first on 2024-06-12): add a rate valid from that date or earlier [no-rate]"
      ]);
    } finally {
      outcome.dispose();
    }
  });

  it("are one currency when every amount is in the config's", async () => {
    const outcome = await ingestChanged({
      "cva.config.json": JSON.stringify({ ...CONFIG, currency: "EUR" }),
      "orders.csv": csv(
        "order_id,customer_id,ordered_at,amount,currency",
        "O1,C1,2024-01-15,10.00,EUR",
        "O2,C2,2024-02-20,20.00,eur"
      )
    });
    try {
      expect(outcome.problems).toEqual([]);
      expect(await outcome.db.rows(`SELECT sum(amount)::DOUBLE AS total FROM orders`)).toEqual([{ total: 30 }]);
    } finally {
      outcome.dispose();
    }
  });

  it("reject an amount that names another currency when the file has no currency column, and a currency that is not a code", async () => {
    const outcome = await ingestChanged({
      "orders.csv": csv(
        "order_id,customer_id,ordered_at,amount",
        "O1,C1,2024-01-15,USD 1,234.50",
        "O2,C2,2024-02-20,EUR 99.00",
        "O3,C1,2024-02-21,12.00 GBP",
        "O4,C1,2024-02-22,$5.00"
      ).replace("USD 1,234.50", '"USD 1,234.50"'),
      "opportunities.csv": csv("opportunity_id,closed_at,outcome,amount,currency", "D1,2024-03-01,won,100,dollars")
    });
    try {
      expect(outcome.rejects.map((r) => [r.file, r.line, r.rule, r.message])).toEqual([
        [
          "opportunities.csv",
          2,
          "not-a-currency",
          '"dollars" is not a three-letter ISO 4217 currency code (USD, EUR, MXN)'
        ],
        [
          "orders.csv",
          3,
          "other-currency",
          '"EUR 99.00" is in EUR, the reports are in USD: map the file\'s currency column as currency and give currency_rates.csv (docs/data-contract.md)'
        ],
        [
          "orders.csv",
          4,
          "other-currency",
          '"12.00 GBP" is in GBP, the reports are in USD: map the file\'s currency column as currency and give currency_rates.csv (docs/data-contract.md)'
        ]
      ]);
    } finally {
      outcome.dispose();
    }
  });
});
