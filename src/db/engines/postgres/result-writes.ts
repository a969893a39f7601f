import { sql } from 'kysely';
import type { Engine } from '../engine.js';

/**
 * PostgreSQL's write of a chunk of delivery results: one UPDATE with the results as array parameters (a
 * short, constant text, prepared once per connection), each row taking its values by its position in
 * the seq array. No join: a join of the results with a message's deliveries is planned from statistics taken before the send
 * (no row of this message, none queued) and came out as a nested loop over every delivery of the message
 * per chunk — seconds per chunk. Here the rows are found on the primary key by the seq range of the chunk.
 */
export const writeDeliveryResults: Engine['writeDeliveryResults'] = async (trx, tenantId, messageId, results, now) => {
  if (results.length === 0) return;
  const seqs = results.map((r) => r.seq);
  const at = sql`array_position(r.seqs, deliveries.seq)`;
  await sql`
    update deliveries set
      status = r.statuses[${at}], provider_id = r.provider_ids[${at}], error = r.errors[${at}], provider = r.providers[${at}], answer = r.answers[${at}],
      attempts = deliveries.attempts + r.attempted[${at}], updated_at = ${now}, submitting = null,
      sent_at = case when r.statuses[${at}] in ('sent', 'delivered') then ${now} else deliveries.sent_at end
    from (
      select ${seqs}::int[] as seqs, ${results.map((r) => r.status)}::text[] as statuses,
        ${results.map((r) => r.providerId)}::text[] as provider_ids, ${results.map((r) => r.error)}::text[] as errors,
        ${results.map((r) => r.provider)}::text[] as providers, ${results.map((r) => (r.attempted ? 1 : 0))}::int[] as attempted,
        ${results.map((r) => r.answer)}::text[] as answers
    ) as r
    where deliveries.tenant_id = ${tenantId} and deliveries.message_id = ${messageId}
      and deliveries.seq >= ${Math.min(...seqs)} and deliveries.seq <= ${Math.max(...seqs)} and deliveries.seq = any(r.seqs)
      and deliveries.status = 'queued'`.execute(trx);
};
