/**
 * Sends one batch of a message: takes the batch (unless it is done or another live worker holds it),
 * reads its deliveries still queued, sends them per channel in paced chunks (the provider's batch send
 * when it has one). Each chunk is marked as being handed over before it goes, and its answers are
 * written as they come, with the check that the batch is still this worker's. A re-run after a crash
 * skips the recipients already recorded; those handed over whose answer was never written are in doubt
 * and are not sent again (failed, with the reason: an operator can send the failed again), unless the
 * provider recognises a repeated message. So nobody gets a notice twice, and the in-doubt are at most
 * the messages in flight at the moment of the crash.
 */
import type { ChannelName, ChannelProvider, Channels, OutboundMessage, SendResult } from '../../channels/channel.js';
import type { Clock } from '../../lib/clock.js';
import { asTenantId, type TenantId } from '../../kernel/tenant-id.js';
import type { DispatchBatchJob, JobSlot } from '../../jobs/queue.js';
import type { Tenant } from '../tenants/tenant.types.js';
import { smsSenderOf } from '../tenants/tenant.country.js';
import { recipientText, subjectIn } from '../incidents/notice-text.js';
import {
  FAILOVER_PREFIX,
  LostClaimError,
  type BatchClaim,
  type DeliveryRepository,
  type DeliveryResult,
  type QueuedDelivery,
} from './delivery.repository.js';
import type { MessageRepository, MessageRow } from './message.repository.js';
import { chunkSizeFor, type Pacer } from './pacer.js';
import { resultRecorder } from './result-recorder.js';
import type { UnwrittenAnswers } from './unwritten-answers.js';
import {
  CHUNKS_IN_FLIGHT,
  IN_DOUBT_ERROR,
  MARKED_CHUNK_SIZE,
  MAX_DELIVERY_ATTEMPTS,
  nextTry,
  SLOW_RETRY_PREFIX,
  slowRetryDelayMs,
} from './retry-policy.js';

/** What is left of a channel's chunk after a try: deliveries to retry soon, and when the slow ones are due. */
interface RetryOutlook {
  soon: number;
  later: number[];
}

export interface BatchSenderDeps {
  messages: MessageRepository;
  deliveries: DeliveryRepository;
  channels: Channels;
  clock: Clock;
  pacer: Pacer;
  findTenant(id: TenantId): Promise<Tenant | undefined>;
  leaseMs: number;
  /** Caps every channel's rate in this process (messages per second), e.g. `aviso worker --rate`. */
  maxPerSecond?: number | undefined;
  /** The one-click unsubscribe address of an email recipient (List-Unsubscribe); none without a public URL. */
  unsubscribeUrl?: ((tenant: Tenant, email: string) => string) | undefined;
  /** This worker process's stable id, kept with the batches it takes. */
  workerId?: string | undefined;
  /** Answers not written yet, which receipts arriving early are taken into. */
  unwritten?: UnwrittenAnswers | undefined;
}

/** Thrown to have the queue try the batch again later (retryable failures remain). */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
}

function outboundOf(
  deps: Pick<BatchSenderDeps, 'unsubscribeUrl'>,
  tenant: Tenant,
  message: MessageRow,
  rendered: Record<string, string>,
  d: QueuedDelivery,
): OutboundMessage {
  const text = recipientText(rendered, d.language, tenant.languages[0]!, d.addressLabel ?? '');
  const subject = () => subjectIn(message.subject, d.language, tenant.languages[0]!);
  const email =
    d.channel === 'email'
      ? {
          subject: subject(),
          ...(deps.unsubscribeUrl ? { unsubscribeUrl: deps.unsubscribeUrl(tenant, d.endpoint) } : {}),
        }
      : {};
  // A browser notification: its title, and the tenant's map of disruptions for a click.
  const push = d.channel === 'push' ? { subject: subject(), link: `/t/${tenant.slug}/map` } : {};
  return {
    id: `${message.id}:${d.seq}`,
    tenantId: tenant.id,
    channel: d.channel,
    to: d.endpoint,
    from: d.channel === 'sms' ? smsSenderOf(tenant) : tenant.name,
    ...email,
    ...push,
    // A call opens with who is calling: the sender name an SMS shows; and asks to confirm it with 1.
    text: d.channel === 'voice' ? `${tenant.name}. ${text}` : text,
    ...(d.channel === 'voice' ? { confirm: true } : {}),
    language: d.language,
    expiresAt: message.expires_at,
  };
}

/** A provider's answers to a chunk, each handed to `answered` as it comes (all at once for a batch send). */
async function sendChunk(
  provider: ChannelProvider,
  messages: OutboundMessage[],
  answered: (index: number, result: SendResult | undefined) => void,
): Promise<void> {
  // The provider itself broke (connection gone): the message may be tried again.
  const broken = (m: OutboundMessage, error: unknown): SendResult => ({
    id: m.id,
    status: 'failed',
    error: error instanceof Error ? error.message : String(error),
    retryable: true,
  });
  if (provider.sendBatch) {
    const results = await provider.sendBatch(messages).catch((error: unknown) => messages.map((m) => broken(m, error)));
    const byId = new Map(results.map((r) => [r.id, r]));
    messages.forEach((m, i) => answered(i, byId.get(m.id)));
    return;
  }
  await Promise.all(
    messages.map((m, i) =>
      provider
        .send(m)
        .catch((error: unknown) => broken(m, error))
        .then((r) => answered(i, r)),
    ),
  );
}

function toResult(
  d: QueuedDelivery,
  provider: string,
  r: SendResult | undefined,
  limits: { now: number; expiresAt: number },
): DeliveryResult {
  if (!r)
    return {
      seq: d.seq,
      status: 'queued',
      provider,
      providerId: null,
      error: 'no answer from the provider',
      attempted: true,
      answer: null,
    };
  const by = r.provider ?? provider;
  const answer = r.raw === undefined ? null : JSON.stringify(r.raw);
  if (r.status !== 'failed')
    return {
      seq: d.seq,
      status: r.status,
      provider: by,
      providerId: r.providerId ?? null,
      error: r.failover ? `${FAILOVER_PREFIX}${r.failover}` : null,
      attempted: true,
      answer,
    };
  // A try that never reached the provider (no connection) does not use up the delivery's attempts.
  const attempted = r.attempted !== false;
  const giveUp = !r.retryable || (attempted && d.attempts + 1 >= MAX_DELIVERY_ATTEMPTS);
  const error = r.error ?? 'failed';
  if (giveUp || !r.retryLater)
    return {
      seq: d.seq,
      status: giveUp ? 'failed' : 'queued',
      provider: by,
      providerId: r.providerId ?? null,
      error,
      attempted,
      answer,
    };
  // The next slow try must fall within the message's validity, or there is none.
  const expired = limits.now + slowRetryDelayMs(d.attempts + 1) > limits.expiresAt;
  const status = expired ? 'failed' : 'queued';
  return {
    seq: d.seq,
    status,
    provider: by,
    providerId: r.providerId ?? null,
    error: expired ? `${error} (not tried again: the message expires first)` : `${SLOW_RETRY_PREFIX}${error}`,
    attempted,
    answer,
  };
}

export function batchSender(deps: BatchSenderDeps) {
  const { messages, deliveries, clock } = deps;
  const lease = () => clock.now() + deps.leaseMs;
  // Set by stop(): no new chunk starts; what is left of a batch waits in the queue for the next process.
  let stopping = false;

  async function sendChannel(
    tenant: Tenant,
    message: MessageRow,
    rendered: Record<string, string>,
    claim: BatchClaim,
    channel: ChannelName,
    rows: QueuedDelivery[],
    handedOver: () => void,
  ): Promise<RetryOutlook> {
    const provider = deps.channels[channel];
    const rate = Math.min(provider.maxPerSecond, deps.maxPerSecond ?? Infinity);
    // Chunks are marked as handed over before they go: smaller ones leave fewer in doubt after a crash.
    const size = provider.idempotent ? chunkSizeFor(rate) : Math.min(chunkSizeFor(rate), MARKED_CHUNK_SIZE);
    const chunks: QueuedDelivery[][] = [];
    for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
    const mark = (chunk: QueuedDelivery[]): Promise<void> =>
      provider.idempotent
        ? Promise.resolve()
        : deliveries.markSubmitting(tenant.id, message.id, claim, chunk, clock.now());
    const outlook: RetryOutlook = { soon: 0, later: [] };
    // Answers are written as they come, whichever chunk they belong to.
    const recorder = resultRecorder(
      (results) => deliveries.recordResults(tenant.id, message.id, claim, results, clock.now(), lease()),
      deps.unwritten,
    );
    // Chunks whose answers are still coming: the next one is marked and goes meanwhile, so the provider's
    // window does not run dry at the end of each chunk.
    const inFlight: Array<Promise<void>> = [];
    try {
      for (const [n, chunk] of chunks.entries()) {
        if (stopping) {
          outlook.soon += chunks.slice(n).reduce((sum, c) => sum + c.length, 0);
          break;
        }
        await deps.pacer.take(provider.name, chunk.length, rate);
        // Marked when it is about to go, not before its turn: should this process die, whoever takes the
        // batch next finds in doubt only what was on its way (the chunks in flight, and answers not yet written).
        await mark(chunk);
        const outbound = chunk.map((d) => outboundOf(deps, tenant, message, rendered, d));
        const sent = sendChunk(provider, outbound, (j, answer) => {
          const now = clock.now();
          const result = toResult(chunk[j]!, provider.name, answer, { now, expiresAt: message.expires_at });
          if (result.status === 'queued') {
            if (result.error?.startsWith(SLOW_RETRY_PREFIX))
              outlook.later.push(now + slowRetryDelayMs(chunk[j]!.attempts + 1));
            else outlook.soon++;
          }
          recorder.add(result);
        });
        inFlight.push(sent);
        if (inFlight.length >= CHUNKS_IN_FLIGHT) await inFlight.shift();
      }
      handedOver();
      await Promise.all(inFlight);
    } finally {
      await Promise.allSettled(inFlight);
      await recorder.close();
    }
    return outlook;
  }

  async function expireAll(tenantId: TenantId, message: MessageRow, claim: BatchClaim, reason: string): Promise<void> {
    const rows = await deliveries.queuedInBatch(tenantId, message.id, message.incident_id, claim);
    const results = rows.map((d) => ({
      seq: d.seq,
      status: 'expired' as const,
      provider: 'none',
      providerId: null,
      error: reason,
      attempted: false,
      answer: null,
    }));
    await deliveries.recordResults(tenantId, message.id, claim, results, clock.now(), lease());
  }

  /**
   * Sends what of the batch is due; `deferred` when deliveries wait minutes for their next try (the
   * batch is given back until the first of them is due), `done` when nothing is left to try.
   */
  async function sendBatch(
    tenantId: TenantId,
    message: MessageRow,
    claim: BatchClaim,
    slot: JobSlot,
  ): Promise<'done' | 'deferred'> {
    if (message.status === 'cancelled')
      return expireAll(tenantId, message, claim, 'the message was cancelled').then(() => 'done' as const);
    if (clock.now() > message.expires_at)
      return expireAll(tenantId, message, claim, 'not sent before the message expired').then(() => 'done' as const);
    const tenant = await deps.findTenant(tenantId);
    if (!tenant) return 'done';
    const rendered = JSON.parse(message.rendered) as Record<string, string>;
    const queued = await deliveries.queuedInBatch(tenantId, message.id, message.incident_id, claim);
    const started = clock.now();
    const doubtful = (d: QueuedDelivery) => d.inDoubt && !deps.channels[d.channel].idempotent;
    const doubted = queued.filter(doubtful);
    if (doubted.length > 0) {
      const results = doubted.map((d) => ({
        seq: d.seq,
        status: 'failed' as const,
        provider: deps.channels[d.channel].name,
        providerId: null,
        error: IN_DOUBT_ERROR,
        attempted: true,
        answer: null,
      }));
      await deliveries.recordResults(tenantId, message.id, claim, results, started, lease());
    }
    const plans = queued
      .filter((d) => !doubtful(d))
      .map((d) => ({ d, plan: nextTry(d, tenant.settings, message.expires_at) }));
    // Unanswered calls with no redial left: failed with the provider's reason.
    const spent = plans.flatMap(({ d, plan }) =>
      'failed' in plan
        ? [
            {
              seq: d.seq,
              status: 'failed' as const,
              provider: deps.channels[d.channel].name,
              providerId: null,
              error: plan.failed,
              attempted: false,
              answer: null,
            },
          ]
        : [],
    );
    if (spent.length > 0) await deliveries.recordResults(tenantId, message.id, claim, spent, started, lease());
    const due = plans.flatMap(({ d, plan }) => ('at' in plan ? [{ d, at: plan.at }] : []));
    const waiting = due.filter((p) => p.at > started).map((p) => p.at);
    const rows = due.filter((p) => p.at <= started).map((p) => p.d);
    const byChannel = new Map<ChannelName, QueuedDelivery[]>();
    for (const row of rows) {
      const list = byChannel.get(row.channel);
      if (list) list.push(row);
      else byChannel.set(row.channel, [row]);
    }
    // Channels side by side: a slow or stalled provider of one never holds back the others. Once every
    // channel has handed its last chunk over, the worker's next batch may start while their answers come.
    let sending = byChannel.size;
    const handedOver = () => {
      if (--sending === 0) slot.release();
    };
    const outlooks = await Promise.all(
      [...byChannel].map(([channel, list]) => sendChannel(tenant, message, rendered, claim, channel, list, handedOver)),
    );
    const soon = outlooks.reduce((sum, o) => sum + o.soon, 0);
    if (soon > 0) {
      await deliveries.releaseBatch(tenantId, message.id, claim);
      throw new RetryLaterError(`${soon} deliveries of batch ${claim.batchNo} failed temporarily; trying again`);
    }
    const later = [...waiting, ...outlooks.flatMap((o) => o.later)];
    if (later.length === 0) return 'done';
    await deliveries.deferBatch(tenantId, message.id, claim, Math.min(...later), clock.now());
    return 'deferred';
  }

  return {
    /** No new chunk starts from now on (shutdown); batches in progress give back what they did not send. */
    stop(): void {
      stopping = true;
    },

    /** The job handler of `dispatch-batch`. */
    async runBatch(job: DispatchBatchJob, slot: JobSlot = { release() {} }): Promise<void> {
      const tenantId = asTenantId(job.tenantId);
      const claim = await deliveries.claimBatch(
        tenantId,
        job.messageId,
        job.batchNo,
        clock.now(),
        lease(),
        deps.workerId ?? null,
      );
      if (!claim) return;
      const message = await messages.find(tenantId, job.messageId);
      if (!message) return;
      try {
        if ((await sendBatch(tenantId, message, claim, slot)) === 'done')
          await deliveries.finishBatch(tenantId, message.id, claim, clock.now());
      } catch (error) {
        if (error instanceof LostClaimError) return;
        throw error;
      }
    },
  };
}

export type BatchSender = ReturnType<typeof batchSender>;
