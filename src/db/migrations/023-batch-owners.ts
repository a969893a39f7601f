/**
 * `dispatch_batches.claimed_by`: the id of the worker process that holds the batch (`aviso worker --id`),
 * so that a restarted process with the same id takes its batches back at once instead of waiting for
 * their leases to run out.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.alterTable('dispatch_batches').addColumn('claimed_by', 'text').execute();
}
