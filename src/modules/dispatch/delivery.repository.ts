/**
 * The SQL of deliveries (one row per recipient of the frozen set and message) and of the batches a send
 * is cut into. Taking a batch is a single conditional UPDATE, so any number of workers can race for it
 * safely; a worker's writes check that the batch is still its own. Tenant id first, always.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, DeliveryStatus } from '../../db/schema.js';
import type { Engine } from '../../db/engines/engine.js';
import { precompile, type Param } from '../../db/precompiled.js';
import type { DeliveryResult } from '../../db/engines/writes.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { DeliveryReceipt } from '../../channels/channel.js';
import {
  acknowledgeCalls,
  callAgainLater,
  keptAcknowledgements,
  oneMoreWrite,
  reopenBatches,
} from './call-receipts.js';

export type DeliveryCounts = Record<DeliveryStatus, number>;

export interface BatchClaim {
  batchNo: number;
  firstSeq: number;
  lastSeq: number;
  /** The claim's number: later writes check it is still theirs. */
  attempt: number;
}

export interface QueuedDelivery {
  seq: number;
  channel: 'sms' | 'email' | 'voice' | 'push';
  endpoint: string;
  language: string;
  addressLabel: string | null;
  attempts: number;
  /** The last try's error (null before any); with `updatedAt`, when a slow retry is due. */
  error: string | null;
  /** When the last try's result was recorded. */
  updatedAt: number;
  /** Times its outcome was written; a chunk handing it over keeps this count. */
  written: number;
  /** Handed to its provider by an earlier claim that never recorded the answer: it may have gone out. */
  inDoubt: boolean;
}

export type { DeliveryResult };

/** A provider's final word on a message it took. */
export interface ReceiptRow {
  provider: string;
  providerId: string;
  status: DeliveryReceipt['status'];
  error: string | null;
  at: number;
}

/** How long a receipt with no delivery to match is kept (an SMSC's late or foreign receipts). */
const UNMATCHED_RECEIPTS_KEPT_MS = 2 * 24 * 3_600_000;

/** The claim was taken over by another worker (this one stalled past its lease): stop writing. */
export class LostClaimError extends Error {
  override name = 'LostClaimError';
}

export function deliveryRepository(db: Kysely<Database>, engine: Engine) {
  // A chunk's handover, if the claim is still this worker's: one statement that reads the claim rather
  // than locking it (the answers of the chunk before are being written, and the claim extended, at the
  // same time; a lock would serialise the two). Compiled once: it runs for every chunk of every send.
  const insertHandover = precompile(
    db,
    (
      db,
      p: Param<{
        tenantId: string;
        messageId: string;
        batchNo: number;
        attempt: number;
        firstSeq: number;
        seqs: string;
        at: number;
      }>,
    ) =>
      db
        .insertInto('delivery_handovers')
        .columns(['tenant_id', 'message_id', 'batch_no', 'attempt', 'first_seq', 'seqs', 'at'])
        .expression((eb) =>
          eb
            .selectFrom('dispatch_batches as b')
            .select([
              sql<string>`cast(${p('tenantId')} as text)`.as('tenant_id'),
              sql<string>`cast(${p('messageId')} as text)`.as('message_id'),
              sql<number>`cast(${p('batchNo')} as integer)`.as('batch_no'),
              sql<number>`cast(${p('attempt')} as integer)`.as('attempt'),
              sql<number>`cast(${p('firstSeq')} as integer)`.as('first_seq'),
              sql<string>`cast(${p('seqs')} as text)`.as('seqs'),
              sql<number>`cast(${p('at')} as bigint)`.as('at'),
            ])
            .where('b.tenant_id', '=', p('tenantId'))
            .where('b.message_id', '=', p('messageId'))
            .where('b.batch_no', '=', p('batchNo'))
            .where('b.attempts', '=', p('attempt'))
            .where('b.status', '=', 'pending'),
        ),
  );
  return {
    async hasDeliveries(tenantId: TenantId, messageId: string): Promise<boolean> {
      const row = await db
        .selectFrom('deliveries')
        .select('seq')
        .where('tenant_id', '=', tenantId)
        .where('message_id', '=', messageId)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    /**
     * One delivery per recipient of the frozen set, and the batches, in one transaction: a message has
     * either all its deliveries or none. A number that answered STOP since the set was frozen is not
     * texted or called: its delivery is failed at once, saying why.
     */
    async createDeliveries(
      tenantId: TenantId,
      messageId: string,
      incidentId: string,
      batchSize: number,
      now: number,
    ): Promise<{ recipients: number; batches: number }> {
      return db.transaction().execute(async (trx) => {
        await sql`
          insert into deliveries (tenant_id, message_id, seq, channel, status, attempts, updated_at, error)
          select r.tenant_id, ${messageId}, r.seq, r.channel, case when o.number is null then 'queued' else 'failed' end, 0, ${now}, case when o.number is null then null else 'opted out (STOP)' end
          from incident_recipients r left join sms_opt_outs o on o.tenant_id = r.tenant_id and o.number = r.endpoint and r.channel <> 'email'
          where r.tenant_id = ${tenantId} and r.incident_id = ${incidentId}`.execute(trx);
        const counted = await trx
          .selectFrom('incident_recipients')
          .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('seq').as('last')])
          .where('tenant_id', '=', tenantId)
          .where('incident_id', '=', incidentId)
          .executeTakeFirstOrThrow();
        const priorities = await trx
          .selectFrom('incident_recipients')
          .select((eb) => eb.fn.max('seq').as('last'))
          .where('tenant_id', '=', tenantId)
          .where('incident_id', '=', incidentId)
          .where('priority', '=', 1)
          .executeTakeFirst();
        const recipients = Number(counted.n);
        const lastPriority = priorities?.last === null || priorities?.last === undefined ? -1 : Number(priorities.last);
        const batches = [];
        for (let first = 0, no = 0; first < recipients; first += batchSize, no++) {
          batches.push({
            tenant_id: tenantId,
            message_id: messageId,
            batch_no: no,
            first_seq: first,
            last_seq: Math.min(recipients, first + batchSize) - 1,
            priority: (first <= lastPriority ? 1 : 0) as 0 | 1,
            status: 'pending' as const,
            claimed_until: 0,
            attempts: 0,
            updated_at: now,
          });
        }
        for (let i = 0; i < batches.length; i += 500)
          await trx
            .insertInto('dispatch_batches')
            .values(batches.slice(i, i + 500))
            .execute();
        return { recipients, batches: batches.length };
      });
    },

    async pendingBatches(
      tenantId: TenantId,
      messageId: string,
    ): Promise<Array<{ batch_no: number; priority: number }>> {
      return db
        .selectFrom('dispatch_batches')
        .select(['batch_no', 'priority'])
        .where('tenant_id', '=', tenantId)
        .where('message_id', '=', messageId)
        .where('status', '=', 'pending')
        .orderBy('batch_no')
        .execute();
    },

    /**
     * Gives back the batches a worker process of this id still holds: it was restarted, so whatever it
     * held died with the old process, and waiting for the leases to run out would only delay the send.
     */
    async releaseOwnBatches(
      owner: string,
      now: number,
    ): Promise<Array<{ tenant_id: string; message_id: string; batch_no: number; priority: number }>> {
      return db
        .updateTable('dispatch_batches')
        .set({ claimed_until: 0, updated_at: now })
        .where('claimed_by', '=', owner)
        .where('status', '=', 'pending')
        .where('claimed_until', '>=', now)
        .returning(['tenant_id', 'message_id', 'batch_no', 'priority'])
        .execute();
    },

    /** Takes a batch for sending unless it is done or held by a live worker. */
    async claimBatch(
      tenantId: TenantId,
      messageId: string,
      batchNo: number,
      now: number,
      leaseUntil: number,
      owner: string | null = null,
    ): Promise<BatchClaim | undefined> {
      const row = await db
        .updateTable('dispatch_batches')
        .set((eb) => ({
          claimed_until: leaseUntil,
          claimed_by: owner,
          attempts: eb('attempts', '+', 1),
          updated_at: now,
        }))
        .where('tenant_id', '=', tenantId)
        .where('message_id', '=', messageId)
        .where('batch_no', '=', batchNo)
        .where('status', '=', 'pending')
        .where('claimed_until', '<', now)
        .returning(['batch_no', 'first_seq', 'last_seq', 'attempts'])
        .executeTakeFirst();
      return row && { batchNo: row.batch_no, firstSeq: row.first_seq, lastSeq: row.last_seq, attempt: row.attempts };
    },

    /** Which of these batches are still to send and held by no worker now (never claimed, or their lease over). */
    async unheldBatches(
      now: number,
      batches: ReadonlyArray<{ tenantId: string; messageId: string; batchNo: number }>,
    ): Promise<Array<{ tenant_id: string; message_id: string; batch_no: number }>> {
      if (batches.length === 0) return [];
      return db
        .selectFrom('dispatch_batches')
        .select(['tenant_id', 'message_id', 'batch_no'])
        .where('status', '=', 'pending')
        .where('claimed_until', '<', now)
        .where((eb) =>
          eb.or(
            batches.map((b) =>
              eb.and([
                eb('tenant_id', '=', b.tenantId),
                eb('message_id', '=', b.messageId),
                eb('batch_no', '=', b.batchNo),
              ]),
            ),
          ),
        )
        .execute();
    },

    /** Batches whose worker died holding them (lease over, not done); released so that they are queued again. */
    async releaseAbandonedBatches(
      now: number,
      limit: number,
    ): Promise<Array<{ tenant_id: string; message_id: string; batch_no: number; priority: number }>> {
      const rows = await db
        .selectFrom('dispatch_batches')
        .select(['tenant_id', 'message_id', 'batch_no', 'priority'])
        .where('status', '=', 'pending')
        .where('claimed_until', '>', 0)
        .where('claimed_until', '<', now)
        .limit(limit)
        .execute();
      const released = [];
      for (const r of rows) {
        const result = await db
          .updateTable('dispatch_batches')
          .set({ claimed_until: 0 })
          .where('message_id', '=', r.message_id)
          .where('batch_no', '=', r.batch_no)
          .where('status', '=', 'pending')
          .where('claimed_until', '>', 0)
          .where('claimed_until', '<', now)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) released.push(r);
      }
      return released;
    },

    /**
     * Batches left pending with no worker and no progress for `staleMs` — their job ran out of tries
     * while a provider was away, or was lost with the queue — and batches given back to wait whose
     * `retry_at` has come, touched and returned to be queued again. A second job for a batch that still
     * has one is harmless: the claim lets one of them send.
     */
    async requeueStalledBatches(
      now: number,
      staleMs: number,
      limit: number,
    ): Promise<Array<{ tenant_id: string; message_id: string; batch_no: number; priority: number }>> {
      const rows = await db
        .selectFrom('dispatch_batches')
        .select(['tenant_id', 'message_id', 'batch_no', 'priority'])
        .where('status', '=', 'pending')
        .where('claimed_until', '=', 0)
        .where((eb) =>
          eb.or([
            eb.and([eb('retry_at', 'is', null), eb('updated_at', '<', now - staleMs)]),
            eb('retry_at', '<=', now),
          ]),
        )
        .limit(limit)
        .execute();
      for (const r of rows) {
        await db
          .updateTable('dispatch_batches')
          .set({ updated_at: now, retry_at: null })
          .where('message_id', '=', r.message_id)
          .where('batch_no', '=', r.batch_no)
          .execute();
      }
      return rows;
    },

    async queuedInBatch(
      tenantId: TenantId,
      messageId: string,
      incidentId: string,
      claim: BatchClaim,
    ): Promise<QueuedDelivery[]> {
      const rows = await db
        .selectFrom('deliveries as d')
        .innerJoin('incident_recipients as r', (j) =>
          j.on('r.incident_id', '=', incidentId).onRef('r.seq', '=', 'd.seq'),
        )
        .select([
          'd.seq',
          'r.channel',
          'r.endpoint',
          'r.language',
          'r.address_label',
          'd.attempts',
          'd.error',
          'd.updated_at',
          'd.written',
        ])
        .where('d.tenant_id', '=', tenantId)
        .where('d.message_id', '=', messageId)
        .where('d.seq', '>=', claim.firstSeq)
        .where('d.seq', '<=', claim.lastSeq)
        .where('d.status', '=', 'queued')
        .orderBy('d.seq')
        .execute();
      const handedOver = await handoversBefore(db, tenantId, messageId, claim);
      return rows.map((r) => ({
        seq: r.seq,
        channel: r.channel,
        endpoint: r.endpoint,
        language: r.language,
        addressLabel: r.address_label,
        attempts: r.attempts,
        error: r.error,
        updatedAt: Number(r.updated_at),
        written: r.written,
        // Handed over by an earlier claim, and nothing written for it since.
        inDoubt: handedOver.get(r.seq)?.has(r.written) ?? false,
      }));
    },

    /**
     * Records that a chunk of a claimed batch is being handed to its provider now, if the claim is still
     * this worker's (else LostClaimError): one row for the chunk, with each delivery's write count. A
     * delivery whose count has not moved since is in doubt for whoever takes the batch next (`queuedInBatch`).
     */
    async markSubmitting(
      tenantId: TenantId,
      messageId: string,
      claim: BatchClaim,
      chunk: ReadonlyArray<Pick<QueuedDelivery, 'seq' | 'written'>>,
      now: number,
    ): Promise<void> {
      const { batchNo } = claim;
      if (chunk.length === 0) return;
      const handed = await insertHandover({
        tenantId,
        messageId,
        batchNo,
        attempt: claim.attempt,
        firstSeq: chunk[0]!.seq,
        seqs: chunk.map((d) => `${d.seq}:${d.written}`).join(','),
        at: now,
      });
      if (Number(handed.numAffectedRows ?? 0) === 0)
        throw new LostClaimError(`batch ${batchNo} of message ${messageId} was taken over`);
    },

    /**
     * Records the providers' answers for some deliveries of a claimed batch, in one transaction with the
     * check that the claim is still this worker's (extending it): a recipient is marked sent exactly when
     * its answer is recorded. Only rows still queued change, so a re-run never rewrites a finished one.
     */
    async recordResults(
      tenantId: TenantId,
      messageId: string,
      claim: BatchClaim,
      results: readonly DeliveryResult[],
      now: number,
      leaseUntil: number,
    ): Promise<void> {
      const { batchNo } = claim;
      const batch = { tenantId, messageId, batchNo, attempt: claim.attempt };
      // Each part checks the claim again: a part is written whole while the batch is still this worker's.
      for (let i = 0; i === 0 || i < results.length; i += 500) {
        if (!(await engine.writeClaimedResults(db, batch, results.slice(i, i + 500), now, leaseUntil)))
          throw new LostClaimError(`batch ${batchNo} of message ${messageId} was taken over`);
      }
    },

    /** Marks a batch done (if still this worker's) and, when it was the last, the message sent. */
    async finishBatch(tenantId: TenantId, messageId: string, claim: BatchClaim, now: number): Promise<boolean> {
      const { batchNo } = claim;
      return db.transaction().execute(async (trx) => {
        const done = await trx
          .updateTable('dispatch_batches')
          .set({ status: 'done', claimed_until: 0, updated_at: now })
          .where('tenant_id', '=', tenantId)
          .where('message_id', '=', messageId)
          .where('batch_no', '=', batchNo)
          .where('attempts', '=', claim.attempt)
          .where('status', '=', 'pending')
          // A call unanswered while the batch was being sent went back to the queue (call-receipts.ts): the
          // batch is not done, and is given back for the sweep to queue again.
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('deliveries as d')
                  .select('d.seq')
                  .where('d.message_id', '=', messageId)
                  .where('d.seq', '>=', claim.firstSeq)
                  .where('d.seq', '<=', claim.lastSeq)
                  .where('d.status', '=', 'queued'),
              ),
            ),
          )
          .executeTakeFirst();
        if (Number(done.numUpdatedRows) !== 1) {
          await trx
            .updateTable('dispatch_batches')
            .set({ claimed_until: 0, updated_at: now })
            .where('tenant_id', '=', tenantId)
            .where('message_id', '=', messageId)
            .where('batch_no', '=', batchNo)
            .where('attempts', '=', claim.attempt)
            .where('status', '=', 'pending')
            .execute();
          return false;
        }
        // Nothing of the batch is left to send: what its chunks handed over is answered or failed.
        await trx
          .deleteFrom('delivery_handovers')
          .where('tenant_id', '=', tenantId)
          .where('message_id', '=', messageId)
          .where('batch_no', '=', batchNo)
          .execute();
        // The message row locked first (a no-op update): two workers finishing the last two batches at
        // once would otherwise each still see the other's batch pending (not yet committed) and neither
        // mark the message sent. Locked, the second waits for the first and sees its batch done.
        await trx
          .updateTable('messages')
          .set((eb) => ({ status: eb.ref('status') }))
          .where('tenant_id', '=', tenantId)
          .where('id', '=', messageId)
          .execute();
        const pending = await trx
          .selectFrom('dispatch_batches')
          .select('batch_no')
          .where('message_id', '=', messageId)
          .where('status', '=', 'pending')
          .limit(1)
          .executeTakeFirst();
        if (!pending) {
          await trx
            .updateTable('messages')
            .set({ status: 'sent', finished_at: now })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', messageId)
            .where('status', '=', 'sending')
            .execute();
        }
        return true;
      });
    },

    /**
     * Marks sent the messages still "sending" whose batches are all done (a worker that died between its
     * last batch and the message's status); the ids of those it marked.
     */
    async finishSettledMessages(now: number, limit: number): Promise<string[]> {
      const settled = await db
        .selectFrom('messages as m')
        .select(['m.tenant_id', 'm.id'])
        .where('m.status', '=', 'sending')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('dispatch_batches as b')
                .select('b.batch_no')
                .whereRef('b.message_id', '=', 'm.id')
                .where('b.status', '=', 'pending'),
            ),
          ),
        )
        .limit(limit)
        .execute();
      for (const m of settled) {
        await db
          .updateTable('messages')
          .set({ status: 'sent', finished_at: now })
          .where('tenant_id', '=', m.tenant_id)
          .where('id', '=', m.id)
          .where('status', '=', 'sending')
          .execute();
      }
      return settled.map((m) => m.id);
    },

    /** Gives a batch back to wait until `retryAt`, when the sweep queues it again (if still this worker's). */
    async deferBatch(
      tenantId: TenantId,
      messageId: string,
      claim: BatchClaim,
      retryAt: number,
      now: number,
    ): Promise<void> {
      const { batchNo } = claim;
      await db
        .updateTable('dispatch_batches')
        // The earlier of the two, should a call unanswered meanwhile have made the batch due sooner.
        .set({
          claimed_until: 0,
          retry_at: sql<number>`case when retry_at is not null and retry_at < ${retryAt} then retry_at else ${retryAt} end`,
          updated_at: now,
        })
        .where('tenant_id', '=', tenantId)
        .where('message_id', '=', messageId)
        .where('batch_no', '=', batchNo)
        .where('attempts', '=', claim.attempt)
        .execute();
    },

    /** Gives a batch back (its retryable failures wait for the queue's next try). */
    async releaseBatch(tenantId: TenantId, messageId: string, claim: BatchClaim): Promise<void> {
      const { batchNo } = claim;
      await db
        .updateTable('dispatch_batches')
        .set({ claimed_until: 0 })
        .where('tenant_id', '=', tenantId)
        .where('message_id', '=', messageId)
        .where('batch_no', '=', batchNo)
        .where('attempts', '=', claim.attempt)
        .execute();
    },

    async counts(tenantId: TenantId, messageId: string): Promise<DeliveryCounts> {
      return (await this.countsAndAcknowledged(tenantId, messageId)).counts;
    },

    /** The deliveries per status, and how many calls were confirmed with 1 (in the same read). */
    async countsAndAcknowledged(
      tenantId: TenantId,
      messageId: string,
    ): Promise<{ counts: DeliveryCounts; acknowledged: number }> {
      const rows = await db
        .selectFrom('deliveries')
        .select((eb) => ['status', eb.fn.countAll<number>().as('n'), eb.fn.count<number>('acknowledged_at').as('a')])
        .where('tenant_id', '=', tenantId)
        .where('message_id', '=', messageId)
        .groupBy('status')
        .execute();
      const counts: DeliveryCounts = { queued: 0, sent: 0, delivered: 0, failed: 0, expired: 0 };
      let acknowledged = 0;
      for (const r of rows) {
        counts[r.status] = Number(r.n);
        acknowledged += Number(r.a);
      }
      return { counts, acknowledged };
    },

    /** Failed deliveries back to queued and their batches back to pending; the batches to queue again. */
    async requeueFailed(
      tenantId: TenantId,
      messageId: string,
      now: number,
    ): Promise<Array<{ batch_no: number; priority: number }>> {
      return db.transaction().execute(async (trx) => {
        const failed = await trx
          .selectFrom('deliveries')
          .select('seq')
          .where('tenant_id', '=', tenantId)
          .where('message_id', '=', messageId)
          .where('status', '=', 'failed')
          .execute();
        if (failed.length === 0) return [];
        await trx
          .updateTable('deliveries')
          .set({ status: 'queued', error: null, updated_at: now, written: oneMoreWrite })
          .where('tenant_id', '=', tenantId)
          .where('message_id', '=', messageId)
          .where('status', '=', 'failed')
          .execute();
        return reopenBatches(
          trx,
          messageId,
          failed.map((f) => f.seq),
          { claimed_until: 0 },
          now,
        );
      });
    },

    /**
     * Receipts from the providers: each delivery they name (by provider and the provider's id, still
     * waiting for one) gets its final status. Receipts that match no delivery yet — the SMSC answered
     * before the batch's results were written — are kept (returned as `waiting`) and matched later by
     * `matchKeptReceipts` or `matchWaitingReceipts`. `acknowledging` tells the providers whose receipts
     * can end a call (only theirs can have a press of 1 kept waiting for it); every provider's, unless told.
     */
    async applyReceipts(
      receipts: readonly ReceiptRow[],
      now: number,
      acknowledging: (provider: string) => boolean = () => true,
    ): Promise<{ matched: number; waiting: ReceiptRow[] }> {
      if (receipts.length === 0) return { matched: 0, waiting: [] };
      const keep = (executor: Kysely<Database>, waiting: readonly ReceiptRow[]) => keepReceipts(executor, waiting);
      // The usual batch, one provider's deliveries reported with no call among them, is one statement
      // that changes only deliveries still waiting: it needs no transaction, and a retry changes nothing twice.
      if (receipts.length <= RECEIPTS_PER_STATEMENT && isOneKind(receipts) && !acknowledging(receipts[0]!.provider)) {
        const hit = await matchReceipts(db, engine, receipts, now);
        const waiting = receipts.filter((r) => !hit.has(receiptKey(r.provider, r.providerId)));
        await keep(db, waiting).catch((error: unknown) => {
          throw new ReceiptsNotKeptError(waiting, error);
        });
        return { matched: hit.size, waiting };
      }
      return db.transaction().execute(async (trx) => {
        let matched = 0;
        const waiting: ReceiptRow[] = [];
        for (let i = 0; i < receipts.length; i += RECEIPTS_PER_STATEMENT) {
          const chunk = receipts.slice(i, i + RECEIPTS_PER_STATEMENT);
          // A call's 1 kept early (before the call was recorded as made) goes with the call's end.
          const acknowledgements = await keptAcknowledgements(
            trx,
            engine,
            chunk.filter((r) => acknowledging(r.provider)),
          );
          const hit = await matchReceipts(trx, engine, [...acknowledgements, ...chunk], now);
          await forgetReceipts(
            trx,
            engine,
            acknowledgements.filter((r) => hit.has(receiptKey(r.provider, r.providerId))),
          );
          matched += hit.size;
          waiting.push(...chunk.filter((r) => !hit.has(receiptKey(r.provider, r.providerId))));
        }
        await keep(trx, waiting);
        return { matched, waiting };
      });
    },

    /** Matches these kept receipts (the ones a process just stored) if their deliveries are recorded now; those that matched. */
    async matchKeptReceipts(receipts: readonly ReceiptRow[], now: number): Promise<ReceiptRow[]> {
      if (receipts.length === 0) return [];
      return db.transaction().execute((trx) => matchAndForget(trx, engine, receipts, now));
    },

    /** Matches kept receipts whose deliveries have been recorded since; drops those kept too long. How many matched. */
    async matchWaitingReceipts(now: number, limit: number): Promise<number> {
      return db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('delivery_receipts')
          .where('received_at', '<', now - UNMATCHED_RECEIPTS_KEPT_MS)
          .execute();
        const rows = await trx
          .selectFrom('delivery_receipts')
          .selectAll()
          .orderBy('received_at')
          .limit(limit)
          .execute();
        if (rows.length === 0) return 0;
        const kept = rows.map((r) => ({
          provider: r.provider,
          providerId: r.provider_id,
          status: r.status,
          error: r.error,
          at: r.received_at,
        }));
        return (await matchAndForget(trx, engine, kept, now)).length;
      });
    },

    /**
     * Deliveries still waiting for a receipt when their message's validity ended become `expired`
     * (only those of providers that send receipts: an accepted email gets none and stays sent).
     * Each message once; the messages it closed.
     */
    async expireUnreceipted(now: number, receiptProviders: readonly string[], limit: number): Promise<string[]> {
      const due = await db
        .selectFrom('messages')
        .select(['tenant_id', 'id'])
        .where('receipts_closed_at', 'is', null)
        .where('expires_at', '<', now)
        .where('status', 'in', ['sent', 'cancelled'])
        .limit(limit)
        .execute();
      for (const m of due) {
        await db.transaction().execute(async (trx) => {
          if (receiptProviders.length > 0) {
            await trx
              .updateTable('deliveries')
              .set({ status: 'expired', error: 'no delivery receipt before the message expired', updated_at: now })
              .where('tenant_id', '=', m.tenant_id)
              .where('message_id', '=', m.id)
              .where('status', '=', 'sent')
              .where('provider', 'in', receiptProviders)
              .execute();
          }
          await trx
            .updateTable('messages')
            .set({ receipts_closed_at: now })
            .where('tenant_id', '=', m.tenant_id)
            .where('id', '=', m.id)
            .execute();
        });
      }
      return due.map((m) => m.id);
    },

    /** Deliveries per provider and status, and why messages moved to another provider (failover), for the message's status. */
    async providerCounts(
      tenantId: TenantId,
      messageId: string,
    ): Promise<{
      providers: Array<{ provider: string; status: DeliveryStatus; n: number }>;
      failovers: Array<{ reason: string; n: number }>;
    }> {
      const providers = await db
        .selectFrom('deliveries')
        .select((eb) => ['provider', 'status', eb.fn.countAll<number>().as('n')])
        .where('tenant_id', '=', tenantId)
        .where('message_id', '=', messageId)
        .where('provider', 'is not', null)
        .groupBy(['provider', 'status'])
        .execute();
      const failovers = await db
        .selectFrom('deliveries')
        .select((eb) => ['error', eb.fn.countAll<number>().as('n')])
        .where('tenant_id', '=', tenantId)
        .where('message_id', '=', messageId)
        .where('status', 'in', ['sent', 'delivered'])
        .where('error', 'like', `${FAILOVER_PREFIX}%`)
        .groupBy('error')
        .limit(20)
        .execute();
      return {
        providers: providers.map((p) => ({ provider: p.provider!, status: p.status, n: Number(p.n) })),
        failovers: failovers.map((f) => ({ reason: f.error!.slice(FAILOVER_PREFIX.length), n: Number(f.n) })),
      };
    },

    /** Why the message's deliveries failed or expired, the most frequent reasons first. */
    async failureReasons(tenantId: TenantId, messageId: string): Promise<Array<{ reason: string; n: number }>> {
      const failures = await db
        .selectFrom('deliveries')
        .select((eb) => ['error', eb.fn.countAll<number>().as('n')])
        .where('tenant_id', '=', tenantId)
        .where('message_id', '=', messageId)
        .where('status', 'in', ['failed', 'expired'])
        .groupBy('error')
        .orderBy('n', 'desc')
        .limit(20)
        .execute();
      return failures.map((f) => ({ reason: f.error ?? 'unknown', n: Number(f.n) }));
    },

    /** Every delivery of a message with its endpoint, for the CSV export. */
    async listDeliveries(tenantId: TenantId, messageId: string, incidentId: string) {
      return db
        .selectFrom('deliveries as d')
        .innerJoin('incident_recipients as r', (j) =>
          j.on('r.incident_id', '=', incidentId).onRef('r.seq', '=', 'd.seq'),
        )
        .select([
          'd.seq',
          'r.channel',
          'r.endpoint',
          'r.language',
          'r.address_label',
          'd.status',
          'd.error',
          'd.attempts',
          'd.sent_at',
          'd.updated_at',
        ])
        .where('d.tenant_id', '=', tenantId)
        .where('d.message_id', '=', messageId)
        .orderBy('d.seq')
        .execute();
    },
  };
}

/** Marks a delivery's error text as the reason it went to a later provider of a failover chain. */
export const FAILOVER_PREFIX = 'failover: ';

/**
 * The deliveries of a batch that earlier claims handed over: seq → the write counts they had when they went.
 * Read only when a claim begins, and only this batch's chunks.
 */
async function handoversBefore(
  db: Kysely<Database>,
  tenantId: TenantId,
  messageId: string,
  claim: BatchClaim,
): Promise<Map<number, Set<number>>> {
  const rows = await db
    .selectFrom('delivery_handovers')
    .select('seqs')
    .where('tenant_id', '=', tenantId)
    .where('message_id', '=', messageId)
    .where('batch_no', '=', claim.batchNo)
    .where('attempt', '<>', claim.attempt)
    .execute();
  const handed = new Map<number, Set<number>>();
  for (const row of rows)
    for (const pair of row.seqs.split(',')) {
      const [seq, written] = pair.split(':').map(Number) as [number, number];
      const counts = handed.get(seq) ?? new Set<number>();
      handed.set(seq, counts.add(written));
    }
  return handed;
}

const receiptKey = (provider: string, providerId: string): string => `${provider}\n${providerId}`;

/** Receipts named in one statement (an IN list of provider ids). */
const RECEIPTS_PER_STATEMENT = 500;

/** Receipts that matched (and were written) but whose unmatched companions could not be kept: only those go again. */
export class ReceiptsNotKeptError extends Error {
  override name = 'ReceiptsNotKeptError';
  constructor(
    readonly receipts: readonly ReceiptRow[],
    cause: unknown,
  ) {
    super(`delivery receipts not kept: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The key of a receipt's kind: one UPDATE each (provider, status, and the error unless it is a delivery). */
const kindOf = (r: ReceiptRow): string =>
  r.status === 'delivered' ? `${r.provider}\ndelivered` : JSON.stringify([r.provider, r.status, r.error]);

const isOneKind = (receipts: readonly ReceiptRow[]): boolean => {
  const first = kindOf(receipts[0]!);
  return receipts.every((r) => kindOf(r) === first);
};

/** Stores receipts that match no delivery yet, to be matched once their deliveries are recorded. */
async function keepReceipts(executor: Kysely<Database>, receipts: readonly ReceiptRow[]): Promise<void> {
  const rows = receipts.map((r) => ({
    provider: r.provider,
    provider_id: r.providerId,
    status: r.status,
    error: r.error,
    received_at: r.at,
  }));
  for (let i = 0; i < rows.length; i += RECEIPTS_PER_STATEMENT)
    await executor
      .insertInto('delivery_receipts')
      .values(rows.slice(i, i + RECEIPTS_PER_STATEMENT))
      .execute();
}

/** Matches kept receipts to their deliveries and removes those that matched; the ones that did. */
async function matchAndForget(
  trx: Transaction<Database>,
  engine: Engine,
  receipts: readonly ReceiptRow[],
  now: number,
): Promise<ReceiptRow[]> {
  const matched: ReceiptRow[] = [];
  for (let i = 0; i < receipts.length; i += 500) {
    const chunk = receipts.slice(i, i + 500);
    const hit = await matchReceipts(trx, engine, chunk, now);
    matched.push(...chunk.filter((r) => hit.has(receiptKey(r.provider, r.providerId))));
  }
  await forgetReceipts(trx, engine, matched);
  return matched;
}

/** Removes kept receipts that have been matched: one statement per provider. */
async function forgetReceipts(
  trx: Transaction<Database>,
  engine: Engine,
  receipts: readonly ReceiptRow[],
): Promise<void> {
  const byProvider = new Map<string, string[]>();
  for (const r of receipts) {
    const ids = byProvider.get(r.provider);
    if (ids) ids.push(r.providerId);
    else byProvider.set(r.provider, [r.providerId]);
  }
  for (const [provider, ids] of byProvider) {
    for (let i = 0; i < ids.length; i += 500)
      await trx
        .deleteFrom('delivery_receipts')
        .where('provider', '=', provider)
        .where(engine.inList('provider_id', ids.slice(i, i + 500)))
        .execute();
  }
}

/**
 * Gives the deliveries still waiting for a receipt that these receipts name their final status; the
 * keys of the receipts that matched. One statement per kind of receipt (provider, status, error — in
 * practice one or two), each finding its rows through the (partial) index of deliveries waiting for a
 * receipt with an IN list. A join with the receipts as a VALUES list was planned the same way but ran
 * a hundred times slower on SQLite (0.7 ms a row at 500 receipts, against 4 µs).
 */
async function matchReceipts(
  trx: Kysely<Database>,
  engine: Engine,
  receipts: readonly ReceiptRow[],
  now: number,
): Promise<Set<string>> {
  const kinds = new Map<
    string,
    { provider: string; status: ReceiptRow['status']; error: string | null; ids: string[] }
  >();
  for (const r of receipts) {
    const error = r.status === 'delivered' ? null : r.error;
    const key = kindOf(r);
    const kind = kinds.get(key);
    if (kind) kind.ids.push(r.providerId);
    else kinds.set(key, { provider: r.provider, status: r.status, error, ids: [r.providerId] });
  }
  const hit = new Set<string>();
  // A call's acknowledgement first: it needs the call still waiting for its end, which a `delivered` of
  // the same call (matched together, both kept early) would end.
  const ordered = [...kinds.values()].sort(
    (a, b) => Number(b.status === 'acknowledged') - Number(a.status === 'acknowledged'),
  );
  for (const kind of ordered) {
    const { status } = kind;
    if (status === 'acknowledged' || status === 'unanswered') {
      const ids =
        status === 'acknowledged'
          ? await acknowledgeCalls(trx, engine, kind.provider, kind.ids, now)
          : await callAgainLater(trx, engine, kind.provider, kind.ids, kind.error, now);
      for (const id of ids) hit.add(receiptKey(kind.provider, id));
      continue;
    }
    const rows = await trx
      .updateTable('deliveries')
      .set((eb) => ({
        status,
        updated_at: now,
        error: status === 'delivered' ? eb.ref('error') : kind.error,
      }))
      .where('status', '=', 'sent')
      .where('provider', '=', kind.provider)
      .where(engine.inList('provider_id', kind.ids))
      .returning('provider_id')
      .execute();
    for (const row of rows) hit.add(receiptKey(kind.provider, row.provider_id!));
  }
  return hit;
}

export type DeliveryRepository = ReturnType<typeof deliveryRepository>;
