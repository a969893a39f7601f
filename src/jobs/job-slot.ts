/**
 * The concurrency slots of a queue's workers in this process, the same for every queue implementation
 * (each supplies only how a job is taken and settled). A slot takes a job, runs its handler, settles the
 * job, and takes the next. A handler may give its slot up before it ends (`slot.release()`), as a batch
 * does once its last messages are on their way and only their answers are awaited: the next job starts
 * meanwhile, so the provider's window is fed across the boundary, and the released job is settled when it
 * ends. At most one released job runs on per slot, so a slot never holds more than two jobs.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobHandler, JobSlot, QueueName } from './queue.js';

/** A job taken from the queue: what it carries, and how it is marked done or failed. */
export interface TakenJob<P> {
  payload: P;
  /** Done (`failure` undefined) or failed with its error, to be tried again or given up. */
  settle(failure: unknown): Promise<void>;
}

/** The next job due of one queue, taken for this worker; undefined when none is. */
export type TakeJob<P> = () => Promise<TakenJob<P> | undefined>;

export interface SlotOptions {
  /** How often a slot with nothing to do looks again (for jobs enqueued by other processes), and waits after the queue could not be read. */
  pollMs: number;
  /** A job's outcome could not be recorded (its lease runs out, and it is taken again). */
  onSettleError(error: unknown): void;
}

const unreleasable: JobSlot = { release() {} };

export function jobSlots(options: SlotOptions) {
  // Enqueued in this process: the slots of that queue waiting for work look at once.
  const wake = new EventEmitter();
  wake.setMaxListeners(1000);
  let stopping = false;
  const running: Promise<void>[] = [];

  /** Resolves when a job of `name` is enqueued here, or after the poll interval. */
  const idle = (name: QueueName): Promise<void> =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake.off(name, done);
        resolve();
      };
      const timer = setTimeout(done, options.pollMs);
      wake.once(name, done);
    });

  /** Runs a taken job to its end and settles it; resolves once settled, never rejects. */
  async function runJob<P>(job: TakenJob<P>, handler: JobHandler<P>, slot: JobSlot): Promise<void> {
    let failure: unknown;
    try {
      await handler(job.payload, slot);
    } catch (error) {
      failure = error ?? new Error('job failed');
    }
    await job.settle(failure).catch(options.onSettleError);
  }

  /** Takes and runs jobs until stopped; resolves once its last job is settled. */
  async function runSlot<P>(name: QueueName, take: TakeJob<P>, handler: JobHandler<P>): Promise<void> {
    let runningOn: Promise<void> | undefined;
    while (!stopping) {
      let job: TakenJob<P> | undefined;
      try {
        job = await take();
      } catch {
        // The database was busy or gone for a moment: wait and try again rather than end the worker.
        await sleep(options.pollMs);
        continue;
      }
      if (!job) {
        await idle(name);
        continue;
      }
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      const run = runJob(job, handler, { release });
      await Promise.race([run, released]);
      // The job released before this one must have ended before a third is taken.
      await runningOn;
      runningOn = run;
    }
    await runningOn;
  }

  return {
    /** `concurrency` slots running `handler` for the jobs of `name` until `stop()`. */
    start<P>(name: QueueName, take: TakeJob<P>, handler: JobHandler<P>, concurrency: number): void {
      for (let i = 0; i < concurrency; i++) running.push(runSlot(name, take, handler));
    },

    /** Jobs of `name` were enqueued in this process. */
    enqueued(name: QueueName): void {
      wake.emit(name);
    },

    /** Runs the jobs due now one after another (no release: each ends before the next); how many ran. */
    async drain<P>(take: TakeJob<P>, handler: JobHandler<P>): Promise<number> {
      let ran = 0;
      for (let job = await take(); job; job = await take()) {
        await runJob(job, handler, unreleasable);
        ran++;
      }
      return ran;
    },

    /** No slot takes another job; resolves once every slot's jobs are settled. */
    async stop(): Promise<void> {
      stopping = true;
      for (const name of wake.eventNames()) wake.emit(name);
      await Promise.all(running.splice(0));
    },
  };
}
