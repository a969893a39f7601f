/**
 * What the SMS path needs to be exact under load and across processes:
 * - `delivery_receipts`: receipts that arrived before their delivery was recorded as sent (an SMSC can
 *   answer within milliseconds, before the batch's results are written) wait here to be matched, by the
 *   provider's name and its message id (ids are unique only within one provider).
 * - `provider_pacing`: one timeline per provider shared by every process that sends through it, so that
 *   two workers together stay within the provider's throughput.
 * - `messages.receipts_closed_at`: when a message's deliveries still waiting for a receipt after its
 *   validity were expired (each message once).
 * - `deliveries.answer`: the provider's raw answer to the last try (JSON), kept with the delivery.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('delivery_receipts')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('delivery_receipts_id_idx')
    .on('delivery_receipts')
    .columns(['provider_id', 'provider'])
    .execute();
  await db.schema.createIndex('delivery_receipts_age_idx').on('delivery_receipts').column('received_at').execute();
  await db.schema
    .createTable('provider_pacing')
    .addColumn('provider', 'text', (c) => c.primaryKey())
    .addColumn('next_free_at', 'double precision', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('messages').addColumn('receipts_closed_at', 'bigint').execute();
  await db.schema.alterTable('deliveries').addColumn('answer', 'text').execute();
  // Messages whose receipt wait is still open, by validity: the sweep's one read.
  await db.schema
    .createIndex('messages_receipts_open_idx')
    .on('messages')
    .column('expires_at')
    .where(sql<boolean>`receipts_closed_at is null`)
    .execute();
}
