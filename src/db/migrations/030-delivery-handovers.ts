/**
 * `delivery_handovers`: each chunk of a batch being handed to its provider, one row per chunk (the claim's
 * attempt, the chunk's deliveries, when) instead of a mark on each of its deliveries — an insert of one row
 * where a hundred rows were updated (and written again when their answers came).
 *
 * `deliveries.written`: how many times a delivery's outcome was written (an answer, a call to make again,
 * a resend the operator asked for). A chunk keeps each delivery's count as it was when the chunk went: a
 * delivery still queued with that same count in a chunk of an earlier claim was handed over by a process
 * that died before its answer was written — no clock involved.
 *
 * Marks left by the column this replaces (`deliveries.submitting`) become one handover each, then the
 * column goes.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('delivery_handovers')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('batch_no', 'integer', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('first_seq', 'integer', (c) => c.notNull())
    // The chunk's deliveries as `seq:written` pairs, comma-separated (read back only when a batch changes hands).
    .addColumn('seqs', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('delivery_handovers_pk', ['message_id', 'batch_no', 'attempt', 'first_seq'])
    .execute();
  await db.schema
    .alterTable('deliveries')
    .addColumn('written', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`
    insert into delivery_handovers (tenant_id, message_id, batch_no, attempt, first_seq, seqs, at)
    select d.tenant_id, d.message_id, b.batch_no, d.submitting, d.seq, cast(d.seq as text) || ':0', d.updated_at
    from deliveries d
    join dispatch_batches b on b.message_id = d.message_id and d.seq between b.first_seq and b.last_seq
    where d.submitting is not null and d.status = 'queued'`.execute(db);
  await db.schema.alterTable('deliveries').dropColumn('submitting').execute();
}
