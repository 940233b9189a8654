/**
 * Tickets filed by a contact rather than an account. A Salesforce case often names only its
 * ContactId; the contacts export says which account (customer) each contact belongs to. What
 * no export links is kept and counted in the complaint totals, never given to a customer.
 */
import type { Database } from "../core/db.js";
import type { Warning } from "./warnings.js";
import type { SourceFile } from "./read-source.js";

export async function linkTickets(db: Database, sources: SourceFile[]): Promise<Warning[]> {
  const tables = new Set(
    (await db.rows<{ name: string }>(`SELECT table_name AS name FROM duckdb_tables()`)).map((t) => t.name)
  );
  if (!tables.has("tickets")) return [];
  const columns = new Set((await db.columns(`SELECT * FROM tickets`)).map((c) => c.name));
  const byContact = columns.has("contact_id") && tables.has("contacts");
  if (byContact) {
    await db.run(
      `UPDATE tickets SET customer_id = c.customer_id FROM contacts c WHERE tickets.customer_id IS NULL AND tickets.contact_id = c.contact_id`
    );
  }
  const [left] = await db.rows<{ unlinked: number; with_contact: number }>(`
    SELECT count(*)::BIGINT AS unlinked, ${columns.has("contact_id") ? "count(contact_id)" : "0"}::BIGINT AS with_contact FROM tickets WHERE customer_id IS NULL`);
  if (!left!.unlinked) return [];
  const file = sources.find((s) => s.name === "tickets")?.fileName ?? "tickets.csv";
  const why =
    left!.with_contact === 0
      ? "name no customer"
      : byContact
        ? `name no customer (${left!.with_contact.toLocaleString("en-US")} of them a contact the contacts export does not hold)`
        : `name no customer (${left!.with_contact.toLocaleString("en-US")} of them a contact: add the contacts export, contact_id and customer_id, to link them)`;
  return [
    {
      file,
      message: `${left!.unlinked.toLocaleString("en-US")} tickets ${why}: counted in the complaint totals, not per customer`
    }
  ];
}
