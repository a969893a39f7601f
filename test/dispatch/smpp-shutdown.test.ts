/**
 * SIGTERM ends `aviso worker` and `aviso serve` within the ten seconds an orchestrator gives them, in
 * every state of the SMPP link: submits stalled at an SMSC that stopped answering (the link is unbound),
 * an SMSC gone (the link backing off). Nothing is lost: what was not sent stays queued for the next process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeLogRepository } from '../../src/modules/register/change-log.repository.js';
import { createContext, type Context } from '../../src/context.js';
import { newId } from '../../src/lib/ids.js';
import { asTenantId } from '../../src/kernel/tenant-id.js';
import { deliveryRepository } from '../../src/modules/dispatch/delivery.repository.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { testConfig } from '../app.js';
import { childDatabaseUrl } from '../cli.js';
import { startNetSmppSmsc, until, type NetSmppSmsc } from '../channels/net-smpp.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';
import { buildTown, CENTER, square } from './fixtures.js';

const RECIPIENTS = 40;

async function addMobiles(context: Context, tenant: Tenant, prefix: string): Promise<void> {
  const db = context.db.kysely;
  const now = context.clock.now();
  const [address] = await db
    .selectFrom('addresses')
    .select('id')
    .where('tenant_id', '=', tenant.id)
    .where('street', '=', 'Koulukatu')
    .execute();
  for (let i = 0; i < RECIPIENTS; i++) {
    const id = newId();
    await db
      .insertInto('contacts')
      .values({
        id,
        tenant_id: tenant.id,
        kind: 'person',
        source: 'self',
        language: 'fi',
        name_hidden: 0,
        priority: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('contact_endpoints')
      .values({
        id: newId(),
        tenant_id: tenant.id,
        contact_id: id,
        type: 'mobile',
        value: `+35840${prefix}${String(i).padStart(4, '0')}1`,
        source: 'self',
        verified: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('contact_addresses')
      .values({
        id: newId(),
        tenant_id: tenant.id,
        contact_id: id,
        address_id: address!.id,
        role: 'main',
        source: 'self',
        active: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  await changeLogRepository(db).record(tenant.id, null, now);
}

function start(database: FreshDatabase, command: string[], sms: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...command], {
    env: {
      ...process.env,
      AVISO_DATABASE_URL: childDatabaseUrl(database),
      AVISO_SECRET: 'test-secret-test-secret-test-secret-0123',
      AVISO_LOG_LEVEL: 'silent',
      AVISO_SMS: sms,
      AVISO_PORT: '0',
      AVISO_HOST: '127.0.0.1',
      AVISO_CAPTCHA: 'off',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Milliseconds from SIGTERM to the process's exit, and its exit code. */
async function terminate(child: ChildProcess): Promise<{ ms: number; code: number | null }> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = performance.now();
  child.kill('SIGTERM');
  const code = await exited;
  return { ms: performance.now() - started, code };
}

for (const kind of TEST_DATABASES) {
  describe(`SIGTERM with the SMPP link in any state [${kind}]`, () => {
    let database: FreshDatabase;
    let context: Context;
    let tenant: Tenant;
    const children: ChildProcess[] = [];
    const peers: NetSmppSmsc[] = [];

    beforeAll(async () => {
      database = await freshDatabase(kind);
      context = createContext(testConfig({ databaseUrl: database.url }), database.db);
      tenant = await buildTown(context);
    });
    afterAll(async () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const peer of peers) await peer.kill();
      await context?.dispatch.runtime.stop();
      await database?.drop();
    });

    async function queueSend(prefix: string): Promise<string> {
      await addMobiles(context, tenant, prefix);
      const area = square(CENTER.lon - 0.002, CENTER.lat + 0.0002, 0.0001);
      const incident = await context.dispatch.incidents.createIncident(
        tenant,
        { service: 'water', kind: 'sudden', title: prefix, area },
        { type: 'token', id: 't' },
      );
      const message = await context.dispatch.messages.createMessage(
        tenant,
        incident.id,
        { texts: { fi: 'Vesikatko' } },
        { type: 'token', id: 't' },
      );
      return message.id;
    }

    it('aviso worker, submits stalled at the SMSC: unbinds and exits at once, the send left queued', async () => {
      const smsc = await startNetSmppSmsc({ mode: 'stall' });
      peers.push(smsc);
      const messageId = await queueSend('7');
      const worker = start(database, ['worker', '--concurrency', '2'], `smpp://aviso:pw@127.0.0.1:${smsc.port}?tps=0`);
      children.push(worker);
      await until(() => smsc.of('stalled').length >= 10, 30_000);
      const { ms, code } = await terminate(worker);
      expect(code).toBe(0);
      expect(ms).toBeLessThan(10_000);
      await until(() => smsc.of('unbind').length === 1);
      const counts = await context.dispatch.messages.getMessage(tenant, messageId);
      expect(counts).toMatchObject({ queued: counts.total, failed: 0 });
      // A clean stop leaves nothing in doubt: the next process to take the batches sends all of it.
      const deliveries = deliveryRepository(database.db.kysely, database.db.engine);
      const tenantId = asTenantId(tenant.id);
      const { incident_id: incidentId } = await database.db.kysely
        .selectFrom('messages')
        .select('incident_id')
        .where('id', '=', messageId)
        .executeTakeFirstOrThrow();
      const batches = await database.db.kysely
        .selectFrom('dispatch_batches')
        .select('batch_no')
        .where('message_id', '=', messageId)
        .execute();
      const later = Date.now() + 10 * 60_000;
      const inDoubt: number[] = [];
      for (const { batch_no: batchNo } of batches) {
        const claim = await deliveries.claimBatch(tenantId, messageId, batchNo, later, later + 60_000);
        const queued = await deliveries.queuedInBatch(tenantId, messageId, incidentId, claim!);
        inDoubt.push(...queued.filter((d) => d.inDoubt).map((d) => d.seq));
      }
      expect(batches.length).toBeGreaterThan(0);
      expect(inDoubt).toEqual([]);
    }, 60_000);

    it('aviso serve, the SMSC gone and the link backing off: exits at once', async () => {
      const smsc = await startNetSmppSmsc();
      const port = smsc.port;
      await smsc.kill();
      const messageId = await queueSend('8');
      const server = start(database, ['serve'], `smpp://aviso:pw@127.0.0.1:${port}?tps=0`);
      children.push(server);
      // Running, its workers trying the SMSC that is not there: the deliveries record the failed tries.
      await expect
        .poll(
          async () =>
            (
              await context.db.kysely
                .selectFrom('deliveries')
                .select('error')
                .where('message_id', '=', messageId)
                .where('error', 'like', 'no SMPP bind%')
                .limit(1)
                .execute()
            ).length,
          { timeout: 30_000, interval: 100 },
        )
        .toBe(1);
      const { ms, code } = await terminate(server);
      expect(code).toBe(0);
      expect(ms).toBeLessThan(10_000);
    }, 60_000);
  });
}
