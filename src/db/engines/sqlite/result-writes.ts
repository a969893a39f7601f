import { sql } from 'kysely';
import type { Engine } from '../engine.js';

/**
 * SQLite's write of a chunk of delivery results: the claim extended, then one UPDATE … FROM (VALUES …),
 * in one transaction (in-process, so the steps cost no round trips). The seq range of the chunk is
 * spelled out: without it SQLite (3.53, parameters bound) planned the message's deliveries as the outer
 * loop — every delivery of the message read for each chunk, 30 ms per 250 results at 130,000 recipients
 * instead of 0.6.
 */
export const writeClaimedResults: Engine['writeClaimedResults'] = (db, batch, results, now, leaseUntil) =>
  db.transaction().execute(async (trx) => {
    const held = await trx
      .updateTable('dispatch_batches')
      .set({ claimed_until: leaseUntil, updated_at: now })
      .where('tenant_id', '=', batch.tenantId)
      .where('message_id', '=', batch.messageId)
      .where('batch_no', '=', batch.batchNo)
      .where('attempts', '=', batch.attempt)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(held.numUpdatedRows) !== 1) return false;
    if (results.length === 0) return true;
    const seqs = results.map((r) => r.seq);
    const values = sql.join(
      results.map(
        (r) =>
          sql`(cast(${r.seq} as integer), ${r.status}, ${r.provider}, ${r.providerId}, ${r.error}, ${r.attempted ? 1 : 0}, ${r.answer})`,
      ),
    );
    await sql`
      with r (seq, status, provider, provider_id, error, attempted, answer) as (values ${values})
      update deliveries set
        status = r.status, provider_id = r.provider_id, error = r.error, provider = r.provider, answer = r.answer,
        attempts = deliveries.attempts + r.attempted, updated_at = ${now}, written = deliveries.written + 1,
        sent_at = case when r.status in ('sent', 'delivered') then ${now} else deliveries.sent_at end
      from r
      where deliveries.tenant_id = ${batch.tenantId} and deliveries.message_id = ${batch.messageId}
        and deliveries.seq >= ${Math.min(...seqs)} and deliveries.seq <= ${Math.max(...seqs)} and deliveries.seq = r.seq
        and deliveries.status = 'queued'`.execute(trx);
    return true;
  });
