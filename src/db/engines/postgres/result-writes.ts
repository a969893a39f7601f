import { sql } from 'kysely';
import type { Engine } from '../engine.js';
import type { DeliveryResult } from '../writes.js';

/**
 * The results as arrays indexed by `seq - first + 1` (null where the chunk has no delivery), so that a row
 * finds its values by arithmetic: looking its seq up in a list is a scan of the list per value, eight
 * per row, and took a quarter of the statement's time for a chunk of 150. A chunk lies within one batch,
 * so the arrays are at most a batch long. No results give an empty range (first 0, last -1): no row matches.
 */
function byOffset(results: readonly DeliveryResult[]) {
  if (results.length === 0) return { first: 0, last: -1, column: () => [] };
  const first = Math.min(...results.map((r) => r.seq));
  const last = Math.max(...results.map((r) => r.seq));
  const at: (DeliveryResult | undefined)[] = Array.from({ length: last - first + 1 });
  for (const r of results) at[r.seq - first] ??= r;
  const column = <T>(value: (r: DeliveryResult) => T): (T | null)[] => at.map((r) => (r ? value(r) : null));
  return { first, last, column };
}

/**
 * PostgreSQL's write of a chunk of delivery results: one statement that extends the claim and updates
 * the rows only if the claim held (a send waits on every round trip of its writes; a transaction of
 * claim + rows was four). The results go as array parameters (a short, constant text, prepared once per
 * connection). No join: a join of the results with a message's deliveries is planned from statistics
 * taken before the send (no row of this message, none queued) and came out as a nested loop over every
 * delivery of the message per chunk — seconds per chunk. Here the rows are found on the primary key by
 * the seq range of the chunk.
 */
export const writeClaimedResults: Engine['writeClaimedResults'] = async (db, batch, results, now, leaseUntil) => {
  const { first, last, column } = byOffset(results);
  const at = sql`deliveries.seq - ${first} + 1`;
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
        select ${column((r) => r.status)}::text[] as statuses,
          ${column((r) => r.providerId)}::text[] as provider_ids, ${column((r) => r.error)}::text[] as errors,
          ${column((r) => r.provider)}::text[] as providers, ${column((r) => (r.attempted ? 1 : 0))}::int[] as attempted,
          ${column((r) => r.answer)}::text[] as answers
      ) as r
      where exists (select 1 from held)
        and deliveries.tenant_id = ${batch.tenantId} and deliveries.message_id = ${batch.messageId}
        and deliveries.seq >= ${first} and deliveries.seq <= ${last}
        and r.statuses[${at}] is not null and deliveries.status = 'queued'
      returning 1
    )
    select exists (select 1 from held) as held`.execute(db);
  return rows[0]?.held === true;
};
