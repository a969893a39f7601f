/**
 * PostgreSQL only: drops the foreign keys of the two tables a send writes a row per recipient into —
 * incident_recipients → incidents and deliveries → messages. PostgreSQL checks a foreign key with a
 * trigger per inserted row; for a send to 130,000 recipients that was 1.2 s of the 3 s a send may take
 * to be frozen and queued (measured: deliveries 1.2 s → 0.5 s without it). The rows are written only by
 * the dispatch starter, in the transaction that reads the incident or message they belong to, and no
 * code deletes incidents or messages, so the keys guarded nothing the code can break; what they would
 * cascade (a tenant deleted by hand) now needs the tenant's rows of these tables deleted too (both carry
 * tenant_id). SQLite checks foreign keys inside the insert at no comparable cost and keeps them.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  if (engine.name !== 'postgres') return;
  await sql`alter table incident_recipients drop constraint if exists incident_recipients_incident_id_fkey`.execute(db);
  await sql`alter table deliveries drop constraint if exists deliveries_message_id_fkey`.execute(db);
}
