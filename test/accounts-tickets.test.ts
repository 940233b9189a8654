import { describe, expect, it } from "vitest";
import { tableRows } from "../loaders/publish/table-output.js";
import { ingestChanged, VALID_FOLDER } from "./support/fixture-folder.js";

const csv = (...lines: string[]) => lines.join("\n") + "\n";
const CONFIG = JSON.parse(String(VALID_FOLDER["cva.config.json"]));
// A Salesforce Account export: API names, every value quoted; Type tells customers from prospects and partners.
const ACCOUNTS = csv(
  '"Id","Name","Type","Industry","BillingCity","Phone"',
  '"C1","Northwind Traders","Customer - Direct","Retail","Denver","+1 303-555-0110"',
  '"C2","Contoso Ltd","Customer - Channel","Manufacturing","Boston",""',
  '"C3","Litware Inc","Prospect","Software","Austin",""',
  '"C4","Fabrikam Inc","","Manufacturing","New York",""'
);
const accounts = (extra: object = {}) => ({
  "customers.csv": null,
  "Account.csv": ACCOUNTS,
  "cva.config.json": JSON.stringify({
    ...CONFIG,
    ...extra,
    sources: [{ file: "Account.csv", export: "customers", rename: { Id: "customer_id", Name: "name", Phone: "phone" } }]
  })
});

describe("which CRM records are customers", () => {
  it("customerBase keeps prospects, partners and blank types out, as not-a-customer rejects", async () => {
    const outcome = await ingestChanged(
      accounts({ customerBase: { column: "Type", values: ["customer - direct", "Customer - Channel"] } })
    );
    try {
      expect(outcome.problems).toEqual([]);
      expect(await outcome.db.rows(`SELECT customer_id FROM customers ORDER BY 1`)).toEqual([
        { customer_id: "C1" },
        { customer_id: "C2" }
      ]);
      expect(outcome.rejects.filter((r) => r.file === "Account.csv").map((r) => [r.line, r.rule, r.message])).toEqual([
        [
          4,
          "not-a-customer",
          '"Prospect" is not one of the customerBase values (customer - direct, Customer - Channel): not a customer'
        ],
        [
          5,
          "not-a-customer",
          "blank is not one of the customerBase values (customer - direct, Customer - Channel): not a customer"
        ]
      ]);
    } finally {
      outcome.dispose();
    }
  });

  it("without customerBase, a CRM export is taken whole, with a warning naming the column that may mark prospects", async () => {
    const outcome = await ingestChanged(accounts());
    try {
      expect(await outcome.db.rows(`SELECT count(*)::INTEGER AS n FROM customers`)).toEqual([{ n: 4 }]);
      expect(outcome.result!.warnings.filter((w) => w.file === "Account.csv").map((w) => w.message)).toContain(
        'every row is taken as a customer, though column type may mark prospects, leads or partners: set customerBase { "column": ..., "values": [...] } in cva.config.json to keep them out'
      );
    } finally {
      outcome.dispose();
    }
  });

  it("a customerBase column the export does not have stops ingest", async () => {
    const outcome = await ingestChanged(
      accounts({ customerBase: { column: "Lifecycle Stage", values: ["customer"] } })
    );
    try {
      expect(outcome.problems.map((p) => [p.file, p.column, p.rule])).toEqual([
        ["Account.csv", "customerBase.column", "config"]
      ]);
    } finally {
      outcome.dispose();
    }
  });
});

describe("tickets filed by a contact", () => {
  const TICKETS = csv(
    "ticket_id,customer_id,contact_id,opened_at,resolved_at,kind",
    "T1,C1,,2024-03-01,2024-03-02,complaint",
    "T2,,K2,2024-03-05,,complaint",
    "T3,,K9,2024-03-06,,complaint",
    "T4,,,2024-03-07,,complaint"
  );

  it("take their customer from the contacts export; the rest are unlinked, in the totals and not per customer, with a warning", async () => {
    const outcome = await ingestChanged({
      "tickets.csv": TICKETS,
      "contacts.csv": csv("contact_id,customer_id,FirstName,Email", "K1,C1,Ann,ann@x.example", "K2,C2,Bo,bo@x.example")
    });
    try {
      expect(outcome.problems).toEqual([]);
      expect(await outcome.db.rows(`SELECT ticket_id, customer_id FROM tickets ORDER BY 1`)).toEqual([
        { ticket_id: "T1", customer_id: "C1" },
        { ticket_id: "T2", customer_id: "C2" },
        { ticket_id: "T3", customer_id: null },
        { ticket_id: "T4", customer_id: null }
      ]);
      expect((await outcome.db.columns(`SELECT * FROM contacts`)).map((c) => c.name)).toEqual([
        "contact_id",
        "customer_id"
      ]);
      expect(outcome.result!.warnings).toContainEqual({
        file: "tickets.csv",
        message:
          "2 tickets name no customer (1 of them a contact the contacts export does not hold): counted in the complaint totals, not per customer"
      });
      // All four complaints count in 2024-Q1's total.
      expect(
        (await tableRows<{ quarter: string; complaints: number }>(outcome.db, "complaints")).find(
          (r) => r.quarter === "2024-Q1"
        )?.complaints
      ).toBe(4);
    } finally {
      outcome.dispose();
    }
  });

  it("without a contacts export, say how many name only a contact", async () => {
    const outcome = await ingestChanged({ "tickets.csv": TICKETS });
    try {
      expect(outcome.result!.warnings).toContainEqual({
        file: "tickets.csv",
        message:
          "3 tickets name no customer (2 of them a contact: add the contacts export, contact_id and customer_id, to link them): counted in the complaint totals, not per customer"
      });
    } finally {
      outcome.dispose();
    }
  });
});
