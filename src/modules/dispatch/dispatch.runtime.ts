/**
 * The dispatch workers of a process (`aviso serve` on the embedded default, `aviso worker` when scaled
 * out): they take batch jobs from the queue, and a sweep every few seconds starts messages that became due
 * (scheduled, held by quiet hours), gives back batches whose worker died holding them, matches receipts
 * that came before their delivery was recorded, and expires what got no receipt within the message's
 * validity. Delivery receipts of the providers update their deliveries here, in batches. `drain()` does
 * the same work once, in the caller's time (tests, one-shot CLI use). `stop()` lets no new chunk start,
 * closes the providers (messages in flight end as retryable failures) and waits for the workers.
 */
import type { Logger } from 'pino';
import type { Channels, DeliveryReceipt, InboundSms } from '../../channels/channel.js';
import type { Clock } from '../../lib/clock.js';
import { asTenantId } from '../../kernel/tenant-id.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { BatchSender } from './batch.sender.js';
import type { DispatchStarter } from './dispatch.starter.js';
import type { DeliveryRepository } from './delivery.repository.js';
import type { MessageRepository } from './message.repository.js';
import { receiptWriter } from './receipt-writer.js';
import type { UnwrittenAnswers } from './unwritten-answers.js';
import { ORPHANED_JOB_MS, STALLED_BATCH_MS } from './retry-policy.js';

export interface RuntimeDeps {
  queue: JobQueue;
  sender: BatchSender;
  starter: DispatchStarter;
  messages: MessageRepository;
  deliveries: DeliveryRepository;
  channels: Channels;
  clock: Clock;
  /** An SMS a resident sent (a reply or STOP); false when it answers no notice of ours. */
  receiveSms?: (sms: InboundSms) => Promise<boolean>;
  /** Housekeeping run at most once an hour by a process with workers (old register changes). */
  housekeeping?: (now: number) => Promise<unknown>;
  /** This worker process's stable id (`aviso worker --id`): its batches are taken back at start. */
  workerId?: string | undefined;
  /** The sender's answers not written yet: a receipt for one of them goes into it, not to the database. */
  unwritten?: UnwrittenAnswers | undefined;
  /** How long a job may be held with its batch unclaimed before it is taken for orphaned (tests shorten it). */
  orphanedJobMs?: number | undefined;
}

const HOUSEKEEPING_MS = 3_600_000;

export interface WorkerOptions {
  concurrency: number;
  sweepMs?: number;
  logger?: Logger;
}

/** The jobs that send these batches (priority subscribers' batches first). */
const batchJobs = (
  batches: ReadonlyArray<{ tenant_id: string; message_id: string; batch_no: number; priority: number }>,
) =>
  batches.map((b) => ({
    payload: { tenantId: b.tenant_id, messageId: b.message_id, batchNo: b.batch_no },
    priority: b.priority ? 10 : 0,
  }));

const batchKey = (messageId: string, batchNo: number): string => `${messageId}:${batchNo}`;

export function dispatchRuntime(deps: RuntimeDeps) {
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<number> | undefined;
  let logger: Logger | undefined;
  const providers = [...new Set(Object.values(deps.channels))];
  const receiptProviders = [...new Set(providers.flatMap((p) => p.receiptSources ?? []))];
  // Receipts that can end a call come from voice providers only (and from a failover chain's own).
  const callProviders = new Set(
    providers.filter((p) => p.channel === 'voice').flatMap((p) => [p.name, ...(p.receiptSources ?? [])]),
  );
  const receipts = receiptWriter({
    deliveries: deps.deliveries,
    acknowledging: (provider) => callProviders.has(provider),
    now: () => deps.clock.now(),
    onError: (error) => logger?.warn({ err: error }, 'delivery receipts not written yet; trying again'),
  });

  /** Starts due messages, re-queues abandoned batches, closes finished ones; how many things it did. */
  async function sweepOnce(): Promise<number> {
    const now = deps.clock.now();
    let done = 0;
    for (const m of await deps.messages.listStartable(now, 50)) {
      if (await deps.starter.startMessage(asTenantId(m.tenant_id), m.id)) done++;
    }
    const released = [
      ...(await deps.deliveries.releaseAbandonedBatches(now, 1000)),
      ...(await deps.deliveries.requeueStalledBatches(now, STALLED_BATCH_MS, 1000)),
    ];
    // A released batch whose dead worker's job is given back needs no second job.
    const givenBack = await giveBackOrphanedJobs(now);
    await deps.queue.enqueue(
      'dispatch-batch',
      batchJobs(released.filter((b) => !givenBack.has(batchKey(b.message_id, b.batch_no)))),
    );
    const settled = await deps.deliveries.finishSettledMessages(now, 100);
    const matched = await deps.deliveries.matchWaitingReceipts(now, 5000);
    const expired = await deps.deliveries.expireUnreceipted(now, receiptProviders, 50);
    return done + released.length + givenBack.size + settled.length + matched + expired.length;
  }

  /**
   * Jobs held by a worker that died, whose batches no worker holds: above all those it took and died before
   * claiming their batch, which nothing else knows of (the batch carries no claim to run out), so the queue
   * would hold them until its own lease of the job ends. They are given back at once; their batches' keys.
   */
  async function giveBackOrphanedJobs(now: number): Promise<Set<string>> {
    const held = await deps.queue.heldLongerThan('dispatch-batch', deps.orphanedJobMs ?? ORPHANED_JOB_MS);
    if (held.length === 0) return new Set();
    const batches = held.map((job) => job.payload);
    const unheld = new Set(
      (await deps.deliveries.unheldBatches(now, batches)).map((b) => batchKey(b.message_id, b.batch_no)),
    );
    const orphans = held.filter((job) => unheld.has(batchKey(job.payload.messageId, job.payload.batchNo)));
    if (orphans.length === 0) return new Set();
    await deps.queue.giveBack('dispatch-batch', orphans);
    logger?.warn({ jobs: orphans.length }, 'gave back batch jobs held by workers that stopped');
    return new Set(orphans.map((job) => batchKey(job.payload.messageId, job.payload.batchNo)));
  }

  const sweep = (): Promise<number> => (sweeping ??= sweepOnce().finally(() => (sweeping = undefined)));

  /**
   * A receipt often comes in the same read of the provider's connection as the answer it is for, whose
   * promise settles only after that read is handled: receipts look for their unwritten answers once the
   * answers of this turn of the event loop are in.
   */
  let arriving: DeliveryReceipt[] = [];
  const takeArriving = (): void => {
    const list = arriving;
    arriving = [];
    for (const receipt of list) if (!deps.unwritten?.absorb(receipt, receipts.add)) receipts.add(receipt);
  };
  const acceptReceipt = (receipt: DeliveryReceipt): void => {
    if (!deps.unwritten) return receipts.add(receipt);
    if (arriving.push(receipt) === 1) setImmediate(takeArriving);
  };

  let listening = false;
  function listenForReceipts(): void {
    if (listening) return;
    listening = true;
    for (const provider of providers) provider.onReceipt?.(acceptReceipt);
    for (const provider of providers) provider.onInbound?.((sms) => void receiveSms(sms));
  }

  /** Inbound SMS are handled as they come; one that fails is logged (the SMSC has its answer already). */
  const inboundWork = new Set<Promise<unknown>>();
  function receiveSms(sms: InboundSms): Promise<unknown> {
    const work = (deps.receiveSms?.(sms) ?? Promise.resolve(false))
      .then(
        (matched) =>
          void (matched || logger?.info({ provider: sms.provider }, 'inbound SMS answers no notice; dropped')),
      )
      .catch((error: unknown) => logger?.warn({ err: error, provider: sms.provider }, 'inbound SMS not handled'))
      .finally(() => inboundWork.delete(work));
    inboundWork.add(work);
    return work;
  }

  return {
    sweep,

    /** Receipts that reached this process some other way than a provider's own connection (webhooks). */
    acceptReceipts(received: readonly DeliveryReceipt[]): void {
      for (const receipt of received) acceptReceipt(receipt);
    },

    /** SMS residents sent that reached this process by a webhook; resolves once they are handled. */
    async acceptInbound(received: readonly InboundSms[]): Promise<void> {
      await Promise.all(received.map(receiveSms));
    },

    /** Waits for the inbound SMS being handled now (tests, shutdown). */
    async settleInbound(): Promise<void> {
      while (inboundWork.size > 0) await Promise.all([...inboundWork]);
    },

    async startWorkers(options: WorkerOptions): Promise<void> {
      logger = options.logger;
      listenForReceipts();
      if (deps.workerId) {
        // The process of this id that held these batches is gone (this one replaced it): take them back now.
        const own = await deps.deliveries.releaseOwnBatches(deps.workerId, deps.clock.now());
        await deps.queue.enqueue('dispatch-batch', batchJobs(own));
        if (own.length > 0)
          options.logger?.info(
            { batches: own.length, workerId: deps.workerId },
            'took back the batches of this worker id',
          );
      }
      await deps.queue.work('dispatch-batch', (job, slot) => deps.sender.runBatch(job, slot), {
        concurrency: options.concurrency,
      });
      let keptAt = 0;
      const tick = () => {
        void sweep().catch((error: unknown) => options.logger?.warn({ err: error }, 'dispatch sweep failed'));
        const now = deps.clock.now();
        if (deps.housekeeping && now - keptAt >= HOUSEKEEPING_MS) {
          keptAt = now;
          void deps
            .housekeeping(now)
            .catch((error: unknown) => options.logger?.warn({ err: error }, 'dispatch housekeeping failed'));
        }
      };
      tick();
      sweepTimer = setInterval(tick, options.sweepMs ?? 2000);
      sweepTimer.unref();
    },

    /** Runs everything that is due now until nothing is left. */
    async drain(): Promise<void> {
      listenForReceipts();
      for (let round = 0; round < 1000; round++) {
        takeArriving();
        await receipts.flush();
        const swept = await sweep();
        const ran = await deps.queue.drain('dispatch-batch', (job) => deps.sender.runBatch(job));
        if (swept === 0 && ran === 0) return;
      }
    },

    async stop(): Promise<void> {
      if (sweepTimer) clearInterval(sweepTimer);
      deps.sender.stop();
      await Promise.all([
        sweeping?.catch(() => {}),
        deps.queue.stop(),
        // Closing ends the messages in flight at once, so that the workers above can finish their batches.
        ...providers.map((p) =>
          p
            .close?.()
            .catch((error: unknown) =>
              logger?.warn({ err: error, provider: p.name }, 'provider did not close cleanly'),
            ),
        ),
      ]);
      takeArriving();
      await receipts.flush().catch(() => {});
      receipts.stop();
    },
  };
}

export type DispatchRuntime = ReturnType<typeof dispatchRuntime>;
