/**
 * One concurrency slot of a queue's worker, the same for every queue implementation: it takes a job,
 * runs its handler, settles the job, and takes the next. A handler may give its slot up before it ends
 * (`slot.release()`), as a batch does once its last messages are on their way and only their answers are
 * awaited: the next job starts meanwhile, so the provider's window is fed across the boundary, and the
 * released job is settled when it ends. At most one released job runs on per slot, so a slot never holds
 * more than two jobs.
 */
import type { EventEmitter } from 'node:events';
import type { JobHandler, JobSlot } from './queue.js';

/** A job taken from the queue: what it carries, and how it is marked done or failed. */
export interface TakenJob<P> {
  payload: P;
  /** Done (`failure` undefined) or failed with its error, to be tried again or given up. */
  settle(failure: unknown): Promise<void>;
}

export interface JobSource<P> {
  /** The next job due, taken for this worker; undefined when none is. */
  take(): Promise<TakenJob<P> | undefined>;
  /** Waits until jobs may be due again (one was enqueued here, or it is time to look). */
  idle(): Promise<void>;
  /** Waits after the queue could not be read (the database busy or gone for a moment). */
  pause(): Promise<void>;
  stopping(): boolean;
  /** A job's outcome could not be recorded (its lease runs out, and it is taken again). */
  onSettleError(error: unknown): void;
}

const unreleasable: JobSlot = { release() {} };

/** Runs a taken job to its end and settles it; resolves once settled, never rejects. */
async function runJob<P>(
  job: TakenJob<P>,
  handler: JobHandler<P>,
  slot: JobSlot,
  onSettleError: (error: unknown) => void,
): Promise<void> {
  let failure: unknown;
  try {
    await handler(job.payload, slot);
  } catch (error) {
    failure = error ?? new Error('job failed');
  }
  await job.settle(failure).catch(onSettleError);
}

/** Takes and runs jobs until the source is stopping; resolves once its last job is settled. */
export async function runSlot<P>(source: JobSource<P>, handler: JobHandler<P>): Promise<void> {
  let runningOn: Promise<void> | undefined;
  while (!source.stopping()) {
    let job: TakenJob<P> | undefined;
    try {
      job = await source.take();
    } catch {
      await source.pause();
      continue;
    }
    if (!job) {
      await source.idle();
      continue;
    }
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const run = runJob(job, handler, { release }, source.onSettleError);
    await Promise.race([run, released]);
    // The job released before this one must have ended before a third is taken.
    await runningOn;
    runningOn = run;
  }
  await runningOn;
}

/** Runs the jobs due now one after another (no release: each ends before the next); how many ran. */
export async function drainJobs<P>(
  source: Pick<JobSource<P>, 'take' | 'onSettleError'>,
  handler: JobHandler<P>,
): Promise<number> {
  let ran = 0;
  for (let job = await source.take(); job; job = await source.take()) {
    await runJob(job, handler, unreleasable, source.onSettleError);
    ran++;
  }
  return ran;
}

/** Resolves when `wake` emits `name` (a job was enqueued in this process) or after `pollMs`. */
export function wakeOrPoll(wake: EventEmitter, name: string, pollMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      wake.off(name, done);
      resolve();
    };
    const timer = setTimeout(done, pollMs);
    wake.once(name, done);
  });
}
