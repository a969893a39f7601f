/**
 * `deliveries.acknowledged_at`: when the person called pressed 1 to confirm they heard the notice (voice
 * calls); null for every other delivery. Counted beside delivered in a message's view. A receipt kept in
 * `delivery_receipts` may now also be an acknowledgement or an unanswered call (its `status` text says
 * which): no change to that table.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('acknowledged_at', 'bigint').execute();
}
