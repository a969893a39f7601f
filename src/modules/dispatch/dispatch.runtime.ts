/**
 * The dispatch workers of a process (`aviso serve` on the embedded default, `aviso worker` when scaled
 * out): they take batch jobs from the queue, and a sweep every few seconds starts messages that became due
 * (scheduled, held by quiet hours) and gives back batches whose worker died holding them. Delivery
 * receipts of the providers update their deliveries here. `drain()` does the same work once, in the
 * caller's time (tests, one-shot CLI use).
 */
import type { Logger } from 'pino';
import type { Channels } from '../../channels/channel.js';
import type { Clock } from '../../lib/clock.js';
import { asTenantId } from '../../lib/tenant-id.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { BatchSender } from './batch.sender.js';
import type { DispatchStarter } from './dispatch.starter.js';
import type { DeliveryRepository } from './delivery.repository.js';
import type { MessageRepository } from './message.repository.js';

export interface RuntimeDeps {
  queue: JobQueue;
  sender: BatchSender;
  starter: DispatchStarter;
  messages: MessageRepository;
  deliveries: DeliveryRepository;
  channels: Channels;
  clock: Clock;
  /** Housekeeping run at most once an hour by a process with workers (old register changes). */
  housekeeping?: (now: number) => Promise<unknown>;
}

const HOUSEKEEPING_MS = 3_600_000;

export interface WorkerOptions {
  concurrency: number;
  sweepMs?: number;
  logger?: Logger;
}

export function dispatchRuntime(deps: RuntimeDeps) {
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<number> | undefined;

  /** Starts due messages, re-queues abandoned batches, closes finished ones; how many things it did. */
  async function sweepOnce(): Promise<number> {
    const now = deps.clock.now();
    let done = 0;
    for (const m of await deps.messages.listStartable(now, 50)) {
      if (await deps.starter.startMessage(asTenantId(m.tenant_id), m.id)) done++;
    }
    const released = await deps.deliveries.releaseAbandonedBatches(now, 1000);
    await deps.queue.enqueue(
      'dispatch-batch',
      released.map((b) => ({ payload: { tenantId: b.tenant_id, messageId: b.message_id, batchNo: b.batch_no }, priority: b.priority ? 10 : 0 })),
    );
    const settled = await deps.deliveries.finishSettledMessages(now, 100);
    return done + released.length + settled.length;
  }

  const sweep = (): Promise<number> => (sweeping ??= sweepOnce().finally(() => (sweeping = undefined)));

  function listenForReceipts(): void {
    for (const provider of new Set(Object.values(deps.channels))) {
      provider.onReceipt?.((receipt) => {
        void deps.deliveries.applyReceipt(receipt.providerId, receipt.status, receipt.error ?? null, receipt.at).catch(() => {});
      });
    }
  }

  return {
    sweep,

    async startWorkers(options: WorkerOptions): Promise<void> {
      listenForReceipts();
      await deps.queue.work('dispatch-batch', (job) => deps.sender.runBatch(job), { concurrency: options.concurrency });
      let keptAt = 0;
      const tick = () => {
        void sweep().catch((error: unknown) => options.logger?.warn({ err: error }, 'dispatch sweep failed'));
        const now = deps.clock.now();
        if (deps.housekeeping && now - keptAt >= HOUSEKEEPING_MS) {
          keptAt = now;
          void deps.housekeeping(now).catch((error: unknown) => options.logger?.warn({ err: error }, 'dispatch housekeeping failed'));
        }
      };
      tick();
      sweepTimer = setInterval(tick, options.sweepMs ?? 2000);
      sweepTimer.unref();
    },

    /** Runs everything that is due now until nothing is left. */
    async drain(): Promise<void> {
      for (let round = 0; round < 1000; round++) {
        const swept = await sweep();
        const ran = await deps.queue.drain('dispatch-batch', (job) => deps.sender.runBatch(job));
        if (swept === 0 && ran === 0) return;
      }
    },

    async stop(): Promise<void> {
      if (sweepTimer) clearInterval(sweepTimer);
      await sweeping?.catch(() => {});
      await deps.queue.stop();
    },
  };
}

export type DispatchRuntime = ReturnType<typeof dispatchRuntime>;
