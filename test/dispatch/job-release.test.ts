/**
 * A job that gives its slot up (`slot.release()`, as a batch does once its last messages are on their
 * way) lets the worker's next job start before it ends, on both queues: at most two jobs per slot, the
 * released job still settled by its own end (a failure after release is tried again), and `stop()`
 * waits for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { createJobQueue, type JobQueue, type JobSlot, type RegisterImportJob } from '../../src/jobs/queue.js';
import { systemClock } from '../../src/lib/clock.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';
import { waitFor } from '../wait.js';

/** A promise and the function that resolves it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire = () => {};
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

for (const kind of TEST_DATABASES) {
  describe(`a job releasing its slot [${kind}]`, () => {
    let fresh: FreshDatabase;
    let db: Db;
    let queue: JobQueue;

    afterEach(async () => {
      await queue.stop();
      await db.close();
      await fresh.drop();
    });

    async function start(maxAttempts = 3): Promise<void> {
      fresh = await freshDatabase(kind);
      db = kind === 'sqlite' ? openDatabase(fresh.url) : openDatabase(fresh.url, { schema: fresh.schema });
      queue = createJobQueue(db, { clock: systemClock, leaseMs: 60_000, maxAttempts });
    }

    const jobs = (...runIds: string[]) =>
      runIds.map((runId, i) => ({ payload: { tenantId: 't', runId }, priority: -i }));

    it('lets the next job start before it ends, and never a third before the first ends', async () => {
      await start();
      const events: string[] = [];
      const bStarted = signal();
      const bEnded = signal();
      const aMayEnd = signal();
      let aEnded = false;
      const handler = async (job: RegisterImportJob, slot: JobSlot) => {
        events.push(`${job.runId} started`);
        if (job.runId === 'a') {
          slot.release();
          await bStarted.promise;
          await aMayEnd.promise;
          aEnded = true;
        } else if (job.runId === 'b') {
          bStarted.fire();
          slot.release();
          bEnded.fire();
        }
        events.push(`${job.runId} ended`);
      };
      await queue.enqueue('register-import', jobs('a', 'b', 'c'));
      await queue.work('register-import', handler, { concurrency: 1 });

      // b ran while a was still running (one slot): only a released slot allows that.
      await bEnded.promise;
      expect(aEnded).toBe(false);
      // Two jobs are running on from this slot (a and b, both released); c must wait for a. Had it not
      // waited, it would have started in this time.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(events).not.toContain('c started');
      aMayEnd.fire();
      await waitFor('c to run', async () => (events.includes('c ended') ? true : undefined));
      expect(events.indexOf('a ended')).toBeLessThan(events.indexOf('c started'));
      expect(events.slice(0, 3)).toEqual(['a started', 'b started', 'b ended']);
    });

    it('tries a released job again when it fails after its release', async () => {
      await start(2);
      const runs: string[] = [];
      await queue.enqueue('register-import', jobs('flaky', 'next'));
      await queue.work(
        'register-import',
        async (job, slot) => {
          runs.push(job.runId);
          slot.release();
          if (job.runId === 'flaky' && runs.filter((r) => r === 'flaky').length === 1) {
            await new Promise((resolve) => setImmediate(resolve));
            throw new Error('answers could not be written');
          }
        },
        { concurrency: 1 },
      );
      await waitFor('the failed job to run again', async () =>
        runs.filter((r) => r === 'flaky').length === 2 ? true : undefined,
      );
      expect(runs).toContain('next');
    });

    it('stop() waits for a released job to end', async () => {
      await start();
      const started = signal();
      let ended = false;
      await queue.enqueue('register-import', jobs('long'));
      await queue.work(
        'register-import',
        async (_job, slot) => {
          slot.release();
          started.fire();
          await new Promise((resolve) => setTimeout(resolve, 200));
          ended = true;
        },
        { concurrency: 1 },
      );
      await started.promise;
      await queue.stop();
      expect(ended).toBe(true);
    });
  });
}
