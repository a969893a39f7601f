/**
 * The job queue seam. Two implementations with the same contract: `embedded` (a `jobs` table polled in
 * this process; the default on SQLite, where writes serialise anyway) and `pg-boss` (PostgreSQL; any
 * number of `aviso worker` processes on any machines). Jobs are coarse — one per batch of recipients —
 * and handlers must be idempotent: a job can run again after a crash (at-least-once delivery).
 */
import type { Db } from '../db/connection.js';
import type { Clock } from '../lib/clock.js';
import { embeddedQueue } from './embedded.queue.js';
import { pgBossQueue } from './pg-boss.queue.js';

/** One batch of one message's deliveries. */
export interface DispatchBatchJob {
  tenantId: string;
  messageId: string;
  batchNo: number;
}

/** One uploaded register file to import. */
export interface RegisterImportJob {
  tenantId: string;
  runId: string;
}

/** Every queue and the payload of its jobs. */
export interface JobPayloads {
  'dispatch-batch': DispatchBatchJob;
  'register-import': RegisterImportJob;
}

export type QueueName = keyof JobPayloads;
export const QUEUE_NAMES: readonly QueueName[] = ['dispatch-batch', 'register-import'];

export interface NewJob<P> {
  payload: P;
  /** Higher runs first. */
  priority?: number;
}

/** A running job's hold on its worker's concurrency slot. */
export interface JobSlot {
  /**
   * What is left of this job waits for others (answers to messages already sent): the worker's next job
   * may start meanwhile. The job is still settled by its handler's end.
   */
  release(): void;
}

export type JobHandler<P> = (payload: P, slot: JobSlot) => Promise<void>;

/** A job a worker has taken and not settled yet. */
export interface HeldJob<P> {
  id: string;
  payload: P;
  priority: number;
}

export interface WorkOptions {
  /** Jobs of this queue run at once in this process. */
  concurrency: number;
}

export interface JobQueue {
  readonly kind: 'embedded' | 'pg-boss';
  enqueue<N extends QueueName>(name: N, jobs: ReadonlyArray<NewJob<JobPayloads[N]>>): Promise<void>;
  /** Runs `handler` for this queue's jobs in the background until `stop()`, `concurrency` slots of it. */
  work<N extends QueueName>(name: N, handler: JobHandler<JobPayloads[N]>, options: WorkOptions): Promise<void>;
  /** Runs the jobs due now, one after another, until none is left; how many ran (tests, one-shot CLI use). */
  drain<N extends QueueName>(name: N, handler: JobHandler<JobPayloads[N]>): Promise<number>;
  /** The jobs of `name` taken by a worker more than `ms` ago and not settled (by any process). */
  heldLongerThan<N extends QueueName>(name: N, ms: number): Promise<Array<HeldJob<JobPayloads[N]>>>;
  /**
   * Gives taken jobs back, to be taken again at once and their try not counted: the worker that took them
   * is gone without having begun them (the caller tells this from what the jobs are for).
   */
  giveBack<N extends QueueName>(name: N, jobs: ReadonlyArray<HeldJob<JobPayloads[N]>>): Promise<void>;
  stop(): Promise<void>;
}

export interface QueueOptions {
  clock: Clock;
  /** How long a taken job is its worker's; after that another worker may take it (the first is presumed dead). */
  leaseMs: number;
  /** Tries of a job before it is failed for good. */
  maxAttempts: number;
  /** pg-boss: how often it looks for expired jobs (those of a dead worker) to retry; default 30 s. */
  maintenanceSeconds?: number;
}

/** PostgreSQL (several writers, several machines) gets pg-boss; SQLite the embedded queue. */
export function createJobQueue(db: Db, options: QueueOptions): JobQueue {
  return db.engine.concurrentWriters ? pgBossQueue(db, options) : embeddedQueue(db, options);
}

/** Retry delay after the n-th failed try: 1 s, 2 s, 4 s … at most a minute. */
export const backoffMs = (attempt: number): number => Math.min(60_000, 1000 * 2 ** Math.max(0, attempt - 1));
