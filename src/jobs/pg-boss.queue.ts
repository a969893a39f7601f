/**
 * pg-boss (v10) on PostgreSQL, over Aviso's own connection pool (no second pool): its tables live in
 * their own schema next to Aviso's (`pgboss`, or `<schema>_pgboss` when Aviso runs in another schema, as
 * the tests do). Any number of `aviso worker` processes take jobs from it.
 */
import PgBoss from 'pg-boss';
import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../db/connection.js';
import { jobSlots, type TakeJob } from './job-slot.js';
import {
  QUEUE_NAMES,
  type JobPayloads,
  type JobQueue,
  type NewJob,
  type QueueName,
  type QueueOptions,
} from './queue.js';

/** How often a slot with nothing to do looks for jobs enqueued by other processes. */
const POLL_MS = 500;

/** The schema pg-boss keeps its tables in, for Aviso's schema. */
export const pgBossSchemaFor = (schema: string | undefined): string =>
  !schema || schema === 'public' ? 'pgboss' : `${schema}_pgboss`;

/**
 * Runs one of pg-boss's statements on one pooled connection. Some are whole transactions in one string
 * (`BEGIN; …; COMMIT`): when one fails — as the losing side of two processes installing the schema at
 * once does, by design — the COMMIT never runs and the connection would go back to the pool inside an
 * aborted transaction, failing whatever ran on it next. A ROLLBACK on the same connection ends it.
 */
async function executeOnOneConnection(db: Db, text: string, values: unknown[]): Promise<{ rows: unknown[] }> {
  return db.kysely.connection().execute(async (connection) => {
    try {
      return (await connection.executeQuery(CompiledQuery.raw(text, values))) as { rows: unknown[] };
    } catch (error) {
      await connection.executeQuery(CompiledQuery.raw('ROLLBACK')).catch(() => {});
      throw error;
    }
  });
}

/**
 * Processes creating the same queue at once can deadlock inside pg-boss (each attaches a partition to the
 * job table); PostgreSQL ends one of them, and that one tries again and finds the queue there.
 */
async function retryDeadlocks(run: () => Promise<void>, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt === attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 50));
    }
  }
}

export function pgBossQueue(db: Db, options: QueueOptions): JobQueue {
  const leaseSeconds = Math.max(1, Math.ceil(options.leaseMs / 1000));
  const boss = new PgBoss({
    db: { executeSql: (text, values) => executeOnOneConnection(db, text, values ?? []) },
    schema: pgBossSchemaFor(db.schema),
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: options.maintenanceSeconds ?? 30,
  });
  // pg-boss reports background errors (a maintenance run or a poll that lost its connection) as events:
  // without a listener Node would end the process. They are logged and counted; pg-boss polls again, and
  // the worker's own sweep recovers what they leave behind.
  boss.on('error', (error) => db.faults.report('queue', error));
  let started: Promise<void> | undefined;

  const ready = (): Promise<void> =>
    (started ??= (async () => {
      await boss.start();
      for (const name of QUEUE_NAMES) {
        await retryDeadlocks(async () => {
          if (!(await boss.getQueue(name))) {
            await boss.createQueue(name, {
              name,
              retryLimit: options.maxAttempts - 1,
              retryDelay: 1,
              retryBackoff: true,
              expireInSeconds: leaseSeconds,
            });
          }
        });
      }
    })());

  const slots = jobSlots({ pollMs: POLL_MS, onSettleError: (error) => db.faults.report('queue', error) });

  const taker =
    <N extends QueueName>(name: N): TakeJob<JobPayloads[N]> =>
    async () => {
      const [job] = await boss.fetch<JobPayloads[N]>(name, { batchSize: 1 });
      if (!job) return undefined;
      return {
        payload: job.data,
        settle: async (error) => {
          if (error === undefined) await boss.complete(name, job.id);
          else await boss.fail(name, job.id, { message: error instanceof Error ? error.message : String(error) });
        },
      };
    };

  const insert = async <N extends QueueName>(name: N, jobs: ReadonlyArray<NewJob<JobPayloads[N]>>) => {
    await ready();
    await boss.insert(
      jobs.map((job) => ({
        name,
        data: job.payload as object,
        priority: job.priority ?? 0,
        expireInSeconds: leaseSeconds,
      })),
    );
    slots.enqueued(name);
  };
  const jobTable = `${pgBossSchemaFor(db.schema)}.job`;

  return {
    kind: 'pg-boss',

    async enqueue(name, jobs) {
      if (jobs.length > 0) await insert(name, jobs);
    },

    // pg-boss offers no query of its active jobs; its job table is read as its own expiry reads it. The
    // age is taken on the database's clock, as pg-boss's `started_on` is.
    async heldLongerThan(name, ms) {
      await ready();
      const { rows } = await sql<{ id: string; data: JobPayloads[typeof name]; priority: number }>`
        select id, data, priority from ${sql.table(jobTable)}
        where name = ${name} and state = 'active' and started_on < now() - make_interval(secs => ${ms / 1000})`.execute(
        db.kysely,
      );
      return rows.map((row) => ({ id: row.id, payload: row.data, priority: row.priority }));
    },

    // A job given back is cancelled and queued anew: its retries stay unspent, and it is due at once.
    async giveBack(name, jobs) {
      if (jobs.length === 0) return;
      await ready();
      await boss.cancel(
        name,
        jobs.map((job) => job.id),
      );
      await insert(
        name,
        jobs.map((job) => ({ payload: job.payload, priority: job.priority })),
      );
    },

    // Aviso's own slots over pg-boss's fetch, complete and fail rather than `boss.work`, whose worker
    // completes a job only when its handler ends and takes none before: a job could not give its slot up.
    async work(name, handler, workOptions) {
      await ready();
      slots.start(name, taker(name), handler, workOptions.concurrency);
    },

    async drain(name, handler) {
      await ready();
      return slots.drain(taker(name), handler);
    },

    async stop() {
      if (!started) return;
      await slots.stop();
      await started.catch(() => {});
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
