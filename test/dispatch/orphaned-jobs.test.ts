/**
 * A worker that dies between taking a batch's job and claiming the batch leaves the job taken in the
 * queue and nothing on the batch: no claim runs out, so only the queue's own lease of the job (minutes)
 * would bring it back. The sweep finds such a job — held longer than a worker needs to claim, its batch
 * held by nobody — and gives it back; the send ends with every recipient sent once, long before the lease.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type Context } from '../../src/context.js';
import { createJobQueue, type JobQueue } from '../../src/jobs/queue.js';
import { systemClock } from '../../src/lib/clock.js';
import { testConfig } from '../app.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';
import { waitFor } from '../wait.js';
import { addMobilesInBulk, buildTown, startedSend } from './fixtures.js';

const RECIPIENTS = 6;
const number = (i: number) => `+3584052${String(i).padStart(4, '0')}1`;

for (const kind of TEST_DATABASES) {
  describe(`a batch job taken by a worker that died before claiming its batch [${kind}]`, () => {
    let database: FreshDatabase;
    let context: Context;
    let dying: JobQueue;
    let wakeTheDying = () => {};
    const logged: Array<{ msg: string; jobs?: number }> = [];

    beforeAll(async () => {
      database = await freshDatabase(kind);
      context = createContext(testConfig({ databaseUrl: database.url }), database.db, {
        dispatch: { batchSize: 2, orphanedJobMs: 300 },
      });
    });

    afterAll(async () => {
      wakeTheDying();
      await dying?.stop();
      await context?.dispatch.runtime.stop();
      await database?.drop();
    });

    it('is given back by the sweep and sent once, long before the job would come back by itself', async () => {
      const tenant = await buildTown(context);
      await addMobilesInBulk(context, tenant, RECIPIENTS, number);
      const message = await startedSend(context, tenant, 'Katko');
      expect(message.total).toBe(RECIPIENTS);

      // Another process's queue takes one batch's job for ten minutes and never begins it, as a worker
      // killed right after taking it would.
      dying = createJobQueue(context.db, { clock: systemClock, leaseMs: 600_000, maxAttempts: 3 });
      let taken: number | undefined;
      await dying.work(
        'dispatch-batch',
        (job) =>
          new Promise<void>((resolve) => {
            taken ??= job.batchNo;
            wakeTheDying = resolve;
          }),
        { concurrency: 1 },
      );
      await waitFor('the dying worker to take a job', async () => taken);

      const lines = new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString().split('\n').filter(Boolean)) logged.push(JSON.parse(line));
          done();
        },
      });
      await context.dispatch.runtime.startWorkers({ concurrency: 2, sweepMs: 100, logger: pino(lines) });
      const done = await waitFor('the send to finish', async () => {
        const current = await context.dispatch.messages.getMessage(tenant, message.id);
        return current.status === 'sent' && current.queued === 0 ? current : undefined;
      });
      expect(done.failed).toBe(0);

      const deliveries = await context.db.kysely
        .selectFrom('deliveries')
        .select(['status', 'attempts'])
        .where('message_id', '=', message.id)
        .execute();
      expect(deliveries).toHaveLength(RECIPIENTS);
      // Each sent in one try: none went twice, none was left for a try after the lease.
      expect(deliveries.filter((d) => d.status === 'failed' || d.status === 'queued' || d.attempts !== 1)).toEqual([]);
      const sms = await context.db.kysely.selectFrom('inbox_messages').select('to').execute();
      expect(sms).toHaveLength(RECIPIENTS);
      expect(new Set(sms.map((s) => s.to)).size).toBe(RECIPIENTS);
      // Only the dying worker's job was given back: those of the live worker, claimed at once, were not.
      expect(logged.filter((l) => l.msg.startsWith('gave back batch jobs'))).toEqual([
        expect.objectContaining({ jobs: 1 }),
      ]);
    });
  });
}
