/**
 * The embedded queue: jobs in the `jobs` table, taken by an UPDATE … RETURNING of the first available
 * row (no SKIP LOCKED needed: SQLite serialises writers, and on PostgreSQL a racing taker simply finds
 * the row gone and tries again). A taken job is leased; a worker that dies leaves it to be taken again
 * when the lease runs out. Done jobs are deleted; failed-for-good ones stay with their last error.
 */
import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
import { newId } from '../lib/ids.js';
import { jobSlots, type TakeJob } from './job-slot.js';
import {
  backoffMs,
  type JobPayloads,
  type JobQueue,
  type NewJob,
  type QueueName,
  type QueueOptions,
  type WorkOptions,
} from './queue.js';

interface TakenRow {
  id: string;
  payload: string;
  attempts: number;
  max_attempts: number;
}

const POLL_MS = 250;

export function embeddedQueue(db: Db, options: QueueOptions): JobQueue {
  const { kysely } = db;
  const { clock } = options;
  const slots = jobSlots({ pollMs: POLL_MS, onSettleError: (error) => db.faults.report('queue', error) });

  async function take(name: QueueName): Promise<TakenRow | undefined> {
    const now = clock.now();
    const result = await sql<TakenRow>`
      update jobs set state = 'active', available_at = ${now + options.leaseMs}, attempts = attempts + 1, updated_at = ${now}
      where id = (
        select id from jobs where queue = ${name} and available_at <= ${now}
        order by priority desc, available_at, id limit 1
      ) and available_at <= ${now}
      returning id, payload, attempts, max_attempts`.execute(kysely);
    return result.rows[0];
  }

  async function settle(job: TakenRow, error: unknown): Promise<void> {
    const now = clock.now();
    if (error === undefined) {
      await kysely.deleteFrom('jobs').where('id', '=', job.id).execute();
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const final = job.attempts >= job.max_attempts;
    await kysely
      .updateTable('jobs')
      .set({
        state: final ? 'failed' : 'ready',
        available_at: final ? null : now + backoffMs(job.attempts),
        last_error: message.slice(0, 2000),
        updated_at: now,
      })
      .where('id', '=', job.id)
      .execute();
  }

  const taker =
    <N extends QueueName>(name: N): TakeJob<JobPayloads[N]> =>
    async () => {
      const row = await take(name);
      return row && { payload: JSON.parse(row.payload) as JobPayloads[N], settle: (error) => settle(row, error) };
    };

  return {
    kind: 'embedded',

    async enqueue(name, jobs) {
      const now = clock.now();
      const rows = jobs.map((job: NewJob<unknown>) => ({
        id: newId(),
        queue: name,
        payload: JSON.stringify(job.payload),
        priority: job.priority ?? 0,
        state: 'ready' as const,
        available_at: now,
        attempts: 0,
        max_attempts: options.maxAttempts,
        last_error: null,
        created_at: now,
        updated_at: now,
      }));
      const perStatement = db.engine.rowsPerInsert(11);
      for (let i = 0; i < rows.length; i += perStatement)
        await kysely
          .insertInto('jobs')
          .values(rows.slice(i, i + perStatement))
          .execute();
      if (rows.length) slots.enqueued(name);
    },

    async work(name, handler, workOptions: WorkOptions) {
      slots.start(name, taker(name), handler, workOptions.concurrency);
    },

    drain: (name, handler) => slots.drain(taker(name), handler),

    async heldLongerThan(name, ms) {
      const rows = await kysely
        .selectFrom('jobs')
        .select(['id', 'payload', 'priority'])
        .where('queue', '=', name)
        .where('state', '=', 'active')
        .where('updated_at', '<', clock.now() - ms)
        .execute();
      return rows.map((row) => ({
        id: row.id,
        payload: JSON.parse(row.payload) as JobPayloads[typeof name],
        priority: row.priority,
      }));
    },

    async giveBack(name, jobs) {
      if (jobs.length === 0) return;
      const now = clock.now();
      await kysely
        .updateTable('jobs')
        .set((eb) => ({ state: 'ready', available_at: now, attempts: eb('attempts', '-', 1), updated_at: now }))
        .where('queue', '=', name)
        .where('state', '=', 'active')
        .where(
          'id',
          'in',
          jobs.map((job) => job.id),
        )
        .execute();
      slots.enqueued(name);
    },

    stop: () => slots.stop(),
  };
}
