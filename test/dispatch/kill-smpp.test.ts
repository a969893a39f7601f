/**
 * kill -9 mid-send through a real SMSC (Debian's Net::SMPP): an `aviso worker` sending 600 SMS is
 * SIGKILLed while submits are flowing, a new worker finishes the send. The SMSC's own log decides: no
 * number got two submits, and every recipient is either submitted once and recorded sent, or in doubt
 * (handed over by the dead worker, its answer never written) and failed with that reason — at most the
 * chunks that worker had in flight. Nobody is left without a status.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type Context } from '../../src/context.js';
import { CHUNKS_IN_FLIGHT, IN_DOUBT_ERROR, MARKED_CHUNK_SIZE } from '../../src/modules/dispatch/retry-policy.js';
import { testConfig } from '../app.js';
import { childDatabaseUrl } from '../cli.js';
import { startNetSmppSmsc, type NetSmppSmsc } from '../channels/net-smpp.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';
import { waitFor } from '../wait.js';
import { addMobilesInBulk, buildTown, startedSend } from './fixtures.js';

const RECIPIENTS = 2000;
const TPS = 2000;
const CONCURRENCY = 2;
// Ending in 1: the SMSC reports numbers ending in 000 undeliverable.
const number = (i: number) => `+3584051${String(i).padStart(4, '0')}1`;

for (const kind of TEST_DATABASES) {
  describe(`kill -9 mid-send through an SMSC [${kind}]`, () => {
    let database: FreshDatabase;
    let context: Context;
    let smsc: NetSmppSmsc;
    const children: ChildProcess[] = [];

    beforeAll(async () => {
      database = await freshDatabase(kind);
      smsc = await startNetSmppSmsc();
      context = createContext(testConfig({ databaseUrl: database.url }), database.db, { dispatch: { batchSize: 400 } });
    });

    afterAll(async () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await smsc?.kill();
      await database?.drop();
    });

    const startWorker = (args: string[] = ['--lease-seconds', '2']) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/main.ts', 'worker', '--concurrency', String(CONCURRENCY), ...args],
        {
          env: {
            ...process.env,
            AVISO_DATABASE_URL: childDatabaseUrl(database),
            AVISO_SECRET: 'test-secret-test-secret-test-secret-0123',
            AVISO_LOG_LEVEL: 'silent',
            AVISO_SMS: `smpp://aviso:pw@127.0.0.1:${smsc.port}?source=MantanVesi&tps=${TPS}`,
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
      children.push(child);
      return child;
    };

    it('sends nobody a message twice, and leaves at most what was in flight in doubt', async () => {
      const tenant = await buildTown(context);
      await addMobilesInBulk(context, tenant, RECIPIENTS, number);
      const message = await startedSend(context, tenant, 'Vesikatko');
      const submits = () => smsc.of('submit');

      const first = startWorker();
      await waitFor('a good part of the send at the SMSC', async () => (submits().length >= 500 ? true : undefined));
      const exited = new Promise((resolve) => first.once('exit', resolve));
      first.kill('SIGKILL');
      await exited;
      const atKill = submits().length;
      expect(atKill).toBeLessThan(RECIPIENTS);

      const second = startWorker();
      const done = await waitFor('the send to finish', async () => {
        const current = await context.dispatch.messages.getMessage(tenant, message.id);
        return current.status === 'sent' && current.queued === 0 ? current : undefined;
      });
      second.kill('SIGTERM');

      const perNumber = new Map<string, number>();
      for (const s of submits())
        perNumber.set(String(s.destination_addr), (perNumber.get(String(s.destination_addr)) ?? 0) + 1);
      expect([...perNumber].filter(([, n]) => n > 1)).toEqual([]);

      const rows = await context.db.kysely
        .selectFrom('deliveries')
        .select(['seq', 'status', 'error'])
        .where('message_id', '=', message.id)
        .execute();
      expect(rows).toHaveLength(RECIPIENTS);
      const inDoubt = rows.filter((r) => r.error === IN_DOUBT_ERROR);
      const others = rows.filter((r) => r.error !== IN_DOUBT_ERROR);
      expect(inDoubt.filter((r) => r.status !== 'failed')).toEqual([]);
      expect(others.filter((r) => r.status !== 'sent' && r.status !== 'delivered')).toEqual([]);
      // What the dead worker had handed over without a recorded answer: its chunks on the way, and answers of
      // the chunk before them not yet written, per batch it held.
      expect(inDoubt.length).toBeLessThanOrEqual(CONCURRENCY * (CHUNKS_IN_FLIGHT + 1) * MARKED_CHUNK_SIZE);
      expect(done.failed).toBe(inDoubt.length);
      // Everyone not in doubt reached the SMSC exactly once.
      expect(perNumber.size).toBeGreaterThanOrEqual(others.length);
    }, 180_000);

    it('a worker restarted with the same id takes its batches back at once, long before their lease ends', async () => {
      const tenant = (await context.tenants.listTenants())[0]!;
      const message = await startedSend(context, tenant, 'Toinen katko');
      const submitsBefore = smsc.of('submit').length;
      // A lease of ten minutes: a send that finishes sooner was not left waiting for it.
      const args = ['--lease-seconds', '600', '--id', 'worker-a'];
      const first = startWorker(args);
      await waitFor('a part of the send at the SMSC', async () =>
        smsc.of('submit').length >= submitsBefore + 500 ? true : undefined,
      );
      const exited = new Promise((resolve) => first.once('exit', resolve));
      first.kill('SIGKILL');
      await exited;

      const second = startWorker(args);
      const done = await waitFor(
        'the send to finish',
        async () => {
          const current = await context.dispatch.messages.getMessage(tenant, message.id);
          return current.status === 'sent' && current.queued === 0 ? current : undefined;
        },
        120_000,
      );
      second.kill('SIGTERM');
      expect(done.total).toBe(RECIPIENTS);
      const perNumber = new Map<string, number>();
      for (const e of smsc.of('submit').slice(submitsBefore))
        perNumber.set(String(e.destination_addr), (perNumber.get(String(e.destination_addr)) ?? 0) + 1);
      expect([...perNumber].filter(([, n]) => n > 1)).toEqual([]);
    }, 180_000);
  });
}
