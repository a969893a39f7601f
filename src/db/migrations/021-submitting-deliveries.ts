/**
 * `deliveries.submitting`: the claim (its attempt number) that began handing this delivery to its
 * provider; cleared when the provider's answer is recorded. A delivery still queued with it set was
 * handed over by a process that died before the answer was written: it may have gone out, and is not
 * sent again unless its provider recognises a repeated message.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('submitting', 'integer').execute();
}
