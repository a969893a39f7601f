/**
 * Crash safety, for real: a send of 1,000 messages is handed to an `aviso worker` child process, which is
 * SIGKILLed in the middle of sending; a new worker is started on the same database, and in the end every
 * recipient has exactly one message in the dev inbox and every delivery is recorded as delivered.
 * On SQLite the worker takes batches from the embedded queue, on PostgreSQL from pg-boss.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type Context } from '../../src/context.js';
import { testConfig } from '../app.js';
import { waitFor } from '../wait.js';
import { childDatabaseUrl } from '../cli.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';
import { addMobilesInBulk, buildTown, startedSend } from './fixtures.js';

const RECIPIENTS = 1000;

function startWorker(database: FreshDatabase, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker', '--lease-seconds', '2', ...args], {
    env: {
      ...process.env,
      AVISO_DATABASE_URL: childDatabaseUrl(database),
      AVISO_SECRET: 'test-secret-test-secret-test-secret-0123',
      AVISO_LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

for (const kind of TEST_DATABASES) {
  describe(`crash safety [${kind}]`, () => {
    let database: FreshDatabase;
    let context: Context;
    const children: ChildProcess[] = [];

    beforeAll(async () => {
      database = await freshDatabase(kind);
      // Batches of 50: the send is 20 jobs, several of them in flight when the worker dies.
      context = createContext(testConfig({ databaseUrl: database.url }), database.db, {
        dispatch: { batchSize: 50, leaseMs: 2000 },
      });
    });

    afterAll(async () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await context?.dispatch.runtime.stop();
      await database?.drop();
    });

    it('a worker SIGKILLed mid-send and a new one started: every recipient gets exactly one message', async () => {
      const tenant = await buildTown(context);
      await addMobilesInBulk(context, tenant, RECIPIENTS, (i) => `+3584050${String(i).padStart(5, '0')}`);
      // No worker runs in this process.
      const message = await startedSend(context, tenant, 'Vesikatko');
      expect(message).toMatchObject({ status: 'sending', queued: RECIPIENTS });

      const inboxCount = async () => {
        const row = await context.db.kysely
          .selectFrom('inbox_messages')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('id', 'like', `${message.id}:%`)
          .executeTakeFirstOrThrow();
        return Number(row.n);
      };

      // A slow worker (200 messages a second), killed without warning once a good part has gone out.
      const first = startWorker(database, ['--concurrency', '2', '--rate', '200']);
      children.push(first);
      await waitFor('the first deliveries', async () => ((await inboxCount()) >= 300 ? true : undefined));
      const exited = new Promise((resolve) => first.once('exit', resolve));
      first.kill('SIGKILL');
      await exited;
      const atKill = await inboxCount();
      expect(atKill).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(RECIPIENTS);

      // A new worker finishes the send: batches the dead one held are taken over when its lease runs out.
      const second = startWorker(database, ['--concurrency', '2']);
      children.push(second);
      const done = await waitFor('the send to finish', async () => {
        const current = await context.dispatch.messages.getMessage(tenant, message.id);
        return current.status === 'sent' ? current : undefined;
      });
      second.kill('SIGTERM');

      expect(done).toMatchObject({ queued: 0, sent: 0, delivered: RECIPIENTS, failed: 0, expired: 0 });
      const inbox = await context.db.kysely
        .selectFrom('inbox_messages')
        .select(['id', 'to'])
        .where('id', 'like', `${message.id}:%`)
        .execute();
      expect(inbox).toHaveLength(RECIPIENTS);
      expect(new Set(inbox.map((m) => m.to)).size).toBe(RECIPIENTS);
      const attempts = await context.db.kysely
        .selectFrom('deliveries')
        .select('attempts')
        .where('message_id', '=', message.id)
        .where('attempts', '!=', 1)
        .execute();
      expect(attempts).toEqual([]);
    }, 180_000);
  });
}
