/**
 * `dispatch_batches.retry_at`: a batch whose remaining deliveries wait minutes for their next try (an SMTP
 * server greylisting: 4xx, "try again later") is given back with the time it is due; the dispatch sweep
 * queues it again then, rather than the job queue retrying it within seconds.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.alterTable('dispatch_batches').addColumn('retry_at', 'bigint').execute();
}
