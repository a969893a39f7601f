import { sql } from 'kysely';
import type { Engine } from '../engine.js';

/**
 * PostgreSQL's write of a chunk of delivery results: one statement that extends the claim and updates
 * the rows only if the claim held (a send waits on every round trip of its writes; a transaction of
 * claim + rows was four). The results go as array parameters (a short, constant text, prepared once per
 * connection), each row taking its values by its position in the seq array. No join: a join of the
 * results with a message's deliveries is planned from statistics taken before the send (no row of this
 * message, none queued) and came out as a nested loop over every delivery of the message per chunk —
 * seconds per chunk. Here the rows are found on the primary key by the seq range of the chunk.
 */
export const writeClaimedResults: Engine['writeClaimedResults'] = async (db, batch, results, now, leaseUntil) => {
  const seqs = results.map((r) => r.seq);
  const at = sql`array_position(r.seqs, deliveries.seq)`;
  const { rows } = await sql<{ held: boolean }>`
    with held as (
      update dispatch_batches set claimed_until = ${leaseUntil}, updated_at = ${now}
      where tenant_id = ${batch.tenantId} and message_id = ${batch.messageId} and batch_no = ${batch.batchNo}
        and attempts = ${batch.attempt} and status = 'pending'
      returning 1
    ), written as (
      update deliveries set
        status = r.statuses[${at}], provider_id = r.provider_ids[${at}], error = r.errors[${at}], provider = r.providers[${at}], answer = r.answers[${at}],
        attempts = deliveries.attempts + r.attempted[${at}], updated_at = ${now}, written = deliveries.written + 1,
        sent_at = case when r.statuses[${at}] in ('sent', 'delivered') then ${now} else deliveries.sent_at end
      from (
        select ${seqs}::int[] as seqs, ${results.map((r) => r.status)}::text[] as statuses,
          ${results.map((r) => r.providerId)}::text[] as provider_ids, ${results.map((r) => r.error)}::text[] as errors,
          ${results.map((r) => r.provider)}::text[] as providers, ${results.map((r) => (r.attempted ? 1 : 0))}::int[] as attempted,
          ${results.map((r) => r.answer)}::text[] as answers
      ) as r
      where exists (select 1 from held)
        and deliveries.tenant_id = ${batch.tenantId} and deliveries.message_id = ${batch.messageId}
        and deliveries.seq >= ${seqs.length > 0 ? Math.min(...seqs) : 0} and deliveries.seq <= ${seqs.length > 0 ? Math.max(...seqs) : -1}
        and deliveries.seq = any(r.seqs) and deliveries.status = 'queued'
      returning 1
    )
    select exists (select 1 from held) as held`.execute(db);
  return rows[0]?.held === true;
};
