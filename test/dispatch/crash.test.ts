/**
 * Crash safety, for real: a send of 1,000 messages is handed to an `aviso worker` child process, which is
 * SIGKILLed in the middle of sending; a new worker is started on the same database, and in the end every
 * recipient has exactly one message in the dev inbox and every delivery is recorded as delivered.
 * On SQLite the worker takes batches from the embedded queue, on PostgreSQL from pg-boss.
 */
import { registerChangesRepository } from '../../src/modules/addresses/register-changes.repository.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type Context } from '../../src/context.js';
import { newId } from '../../src/lib/ids.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { testConfig } from '../app.js';
import { waitFor } from '../wait.js';
import { childDatabaseUrl } from '../cli.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';
import { buildTown, square, CENTER } from './fixtures.js';

const RECIPIENTS = 1000;

function startWorker(database: FreshDatabase, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker', '--lease-seconds', '2', ...args], {
    env: { ...process.env, AVISO_DATABASE_URL: childDatabaseUrl(database), AVISO_SECRET: 'test-secret-test-secret-test-secret-0123', AVISO_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** 1,000 people with a mobile each, on the twelve Koulukatu addresses. */
async function populate(context: Context, tenant: Tenant): Promise<void> {
  const db = context.db.kysely;
  const now = context.clock.now();
  const addresses = await db.selectFrom('addresses').select('id').where('tenant_id', '=', tenant.id).where('street', '=', 'Koulukatu').execute();
  const contacts = [];
  const endpoints = [];
  const links = [];
  for (let i = 0; i < RECIPIENTS; i++) {
    const id = newId();
    contacts.push({ id, tenant_id: tenant.id, kind: 'person' as const, source: 'self' as const, language: 'fi', name_hidden: 0 as const, priority: 0 as const, created_at: now, updated_at: now });
    endpoints.push({ id: newId(), tenant_id: tenant.id, contact_id: id, type: 'mobile' as const, value: `+3584050${String(i).padStart(5, '0')}`, source: 'self' as const, verified: 1 as const, created_at: now, updated_at: now });
    links.push({ id: newId(), tenant_id: tenant.id, contact_id: id, address_id: addresses[i % addresses.length]!.id, role: 'main' as const, source: 'self' as const, active: 1 as const, created_at: now, updated_at: now });
  }
  for (let i = 0; i < RECIPIENTS; i += 200) {
    await db.insertInto('contacts').values(contacts.slice(i, i + 200)).execute();
    await db.insertInto('contact_endpoints').values(endpoints.slice(i, i + 200)).execute();
    await db.insertInto('contact_addresses').values(links.slice(i, i + 200)).execute();
  }
  await registerChangesRepository(db).record(tenant.id, null, now);
}

for (const kind of TEST_DATABASES) {
  describe(`crash safety [${kind}]`, () => {
    let database: FreshDatabase;
    let context: Context;
    const children: ChildProcess[] = [];

    beforeAll(async () => {
      database = await freshDatabase(kind);
      // Batches of 50: the send is 20 jobs, several of them in flight when the worker dies.
      context = createContext(testConfig({ databaseUrl: database.url }), database.db, { dispatch: { batchSize: 50, leaseMs: 2000 } });
    });

    afterAll(async () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await context?.dispatch.runtime.stop();
      await database?.drop();
    });

    it('a worker SIGKILLed mid-send and a new one started: every recipient gets exactly one message', async () => {
      const tenant = await buildTown(context);
      await populate(context, tenant);
      const incident = await context.dispatch.incidents.createIncident(
        tenant,
        { service: 'water', kind: 'sudden', title: 'Putkirikko', area: square(CENTER.lon - 0.002, CENTER.lat + 0.0013, 0.0012) },
        { type: 'token', id: 'test' },
      );
      // Created and started here (recipients frozen, deliveries and jobs written); no worker runs in this process.
      const message = await context.dispatch.messages.createMessage(tenant, incident.id, { texts: { fi: 'Vesikatko {address}' } }, { type: 'token', id: 'test' });
      expect(message).toMatchObject({ status: 'sending', queued: RECIPIENTS });

      const inboxCount = async () => {
        const row = await context.db.kysely.selectFrom('inbox_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('id', 'like', `${message.id}:%`).executeTakeFirstOrThrow();
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
      const inbox = await context.db.kysely.selectFrom('inbox_messages').select(['id', 'to']).where('id', 'like', `${message.id}:%`).execute();
      expect(inbox).toHaveLength(RECIPIENTS);
      expect(new Set(inbox.map((m) => m.to)).size).toBe(RECIPIENTS);
      const attempts = await context.db.kysely.selectFrom('deliveries').select('attempts').where('message_id', '=', message.id).where('attempts', '!=', 1).execute();
      expect(attempts).toEqual([]);
    }, 180_000);
  });
}
