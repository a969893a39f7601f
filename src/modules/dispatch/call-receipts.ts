/**
 * What a call's provider reports besides its end: the person called pressed 1 (an acknowledgement on the
 * delivery, the call going on), or nobody answered (no answer, busy) — then the delivery goes back to the
 * queue to be called again, its batch is reopened for the sweep to queue, and the message is sending again.
 * Whether and when it is called again is the batch sender's to decide (retry-policy.ts `nextTry`: the
 * tenant's redials and interval, the message's validity), so one delivery is never in two calls at once:
 * it is queued only once its call has ended, and a queued delivery is sent only by the batch's one holder.
 * Both run in the receipt writer's transaction, matching calls still waiting for their end by the
 * provider's id (the index of deliveries waiting for a receipt).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Engine } from '../../db/engines/engine.js';
import type { ReceiptRow } from './delivery.repository.js';
import { UNANSWERED_PREFIX } from './retry-policy.js';

/**
 * The acknowledgements kept waiting (they came before their call was recorded as made) of the calls whose
 * end is among these receipts: matched with it, they are not left behind when the end closes the call.
 */
export async function keptAcknowledgements(
  trx: Kysely<Database>,
  engine: Engine,
  receipts: readonly ReceiptRow[],
): Promise<ReceiptRow[]> {
  const ids = receipts.filter((r) => r.status === 'delivered').map((r) => r.providerId);
  if (ids.length === 0) return [];
  const rows = await trx
    .selectFrom('delivery_receipts')
    .select(['provider', 'provider_id', 'received_at'])
    .where(engine.inList('provider_id', ids))
    .where('status', '=', 'acknowledged')
    .execute();
  return rows.map((r) => ({
    provider: r.provider,
    providerId: r.provider_id,
    status: 'acknowledged' as const,
    error: null,
    at: Number(r.received_at),
  }));
}

/** Records the acknowledgement on the calls these provider ids name (the first one counts); the ids matched. */
export async function acknowledgeCalls(
  trx: Kysely<Database>,
  engine: Engine,
  provider: string,
  ids: readonly string[],
  now: number,
): Promise<string[]> {
  const rows = await trx
    .updateTable('deliveries')
    .set({ acknowledged_at: sql<number>`coalesce(acknowledged_at, ${now})` })
    .where('status', '=', 'sent')
    .where('provider', '=', provider)
    .where(engine.inList('provider_id', [...ids]))
    .returning('provider_id')
    .execute();
  return rows.map((r) => r.provider_id!);
}

/** Counts a write of a delivery's outcome (a chunk that went before it no longer holds the delivery in doubt). */
export const oneMoreWrite = sql<number>`written + 1`;

/** Puts the unanswered calls these provider ids name back in the queue, to be called again; the ids matched. */
export async function callAgainLater(
  trx: Kysely<Database>,
  engine: Engine,
  provider: string,
  ids: readonly string[],
  reason: string | null,
  now: number,
): Promise<string[]> {
  const rows = await trx
    .updateTable('deliveries')
    .set({
      status: 'queued',
      error: `${UNANSWERED_PREFIX}${reason ?? 'not answered'}`,
      updated_at: now,
      written: oneMoreWrite,
    })
    .where('status', '=', 'sent')
    .where('provider', '=', provider)
    .where(engine.inList('provider_id', [...ids]))
    .returning(['message_id', 'seq', 'provider_id'])
    .execute();
  const seqsByMessage = new Map<string, number[]>();
  for (const r of rows) seqsByMessage.set(r.message_id, [...(seqsByMessage.get(r.message_id) ?? []), r.seq]);
  for (const [messageId, seqs] of seqsByMessage) await reopenBatches(trx, messageId, seqs, { retry_at: now }, now);
  return rows.map((r) => r.provider_id!);
}

/**
 * The batches holding these deliveries pending again, with `change` (due now for a call to make again — a
 * batch a worker holds right now is given back when it ends, see finishBatch — or free to take for the
 * failed sent again), and their message sending again if it had ended; the batches.
 */
export async function reopenBatches(
  trx: Kysely<Database>,
  messageId: string,
  seqs: readonly number[],
  change: { retry_at: number } | { claimed_until: 0 },
  now: number,
): Promise<Array<{ batch_no: number; priority: number }>> {
  const batches = await trx
    .selectFrom('dispatch_batches')
    .select(['batch_no', 'priority', 'first_seq', 'last_seq'])
    .where('message_id', '=', messageId)
    .execute();
  const hit = batches.filter((b) => seqs.some((s) => s >= b.first_seq && s <= b.last_seq));
  for (const b of hit)
    await trx
      .updateTable('dispatch_batches')
      .set({ status: 'pending', ...change, updated_at: now })
      .where('message_id', '=', messageId)
      .where('batch_no', '=', b.batch_no)
      .execute();
  await trx
    .updateTable('messages')
    .set({ status: 'sending', finished_at: null })
    .where('id', '=', messageId)
    .where('status', '=', 'sent')
    .execute();
  return hit.map((b) => ({ batch_no: b.batch_no, priority: b.priority }));
}
