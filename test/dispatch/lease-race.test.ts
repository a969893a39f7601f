/**
 * One owner per batch, raced for real: two workers (each with its own SMPP session to Debian's
 * Net::SMPP SMSC) run the same batch job at once, and a worker that stalls past its lease is overtaken
 * by another and then wakes up. The SMSC's log decides: no number reached it twice, and every delivery
 * ends with a status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type Context } from '../../src/context.js';
import { asTenantId } from '../../src/kernel/tenant-id.js';
import { batchSender } from '../../src/modules/dispatch/batch.sender.js';
import { IN_DOUBT_ERROR } from '../../src/modules/dispatch/retry-policy.js';
import { deliveryRepository } from '../../src/modules/dispatch/delivery.repository.js';
import { messageRepository } from '../../src/modules/dispatch/message.repository.js';
import { sharedPacer } from '../../src/modules/dispatch/pacer.js';
import { tenantRepository } from '../../src/modules/tenants/tenant.repository.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { testConfig } from '../app.js';
import { startNetSmppSmsc, until, type NetSmppSmsc } from '../channels/net-smpp.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';
import { addMobilesInBulk, buildTown, CENTER, square } from './fixtures.js';

const LEASE_MS = 1500;

for (const kind of TEST_DATABASES) {
  describe(`two workers, one batch [${kind}]`, () => {
    let database: FreshDatabase;
    let smsc: NetSmppSmsc;
    const contexts: Context[] = [];

    beforeAll(async () => {
      database = await freshDatabase(kind);
      smsc = await startNetSmppSmsc();
    });
    afterAll(async () => {
      for (const context of contexts) await context.dispatch.runtime.stop();
      await smsc?.kill();
      await database?.drop();
    });

    /** A worker of its own: its own SMPP session, the batch sender as `aviso worker` runs it. */
    function worker() {
      const context = createContext(
        testConfig({
          databaseUrl: database.url,
          sms: `smpp://aviso:pw@127.0.0.1:${smsc.port}?source=MantanVesi&tps=0&timeout=30`,
        }),
        database.db,
      );
      contexts.push(context);
      const sender = batchSender({
        messages: messageRepository(database.db.kysely),
        deliveries: deliveryRepository(database.db.kysely, database.db.engine),
        channels: context.channels,
        clock: context.clock,
        pacer: sharedPacer(database.db.kysely),
        findTenant: (id) => tenantRepository(database.db.kysely).findById(id),
        leaseMs: LEASE_MS,
      });
      return { context, sender };
    }

    async function queueSend(context: Context, tenant: Tenant, title: string): Promise<string> {
      const incident = await context.dispatch.incidents.createIncident(
        tenant,
        { service: 'water', kind: 'sudden', title, area: square(CENTER.lon - 0.002, CENTER.lat + 0.0013, 0.0012) },
        { type: 'token', id: 't' },
      );
      const message = await context.dispatch.messages.createMessage(
        tenant,
        incident.id,
        { texts: { fi: title } },
        { type: 'token', id: 't' },
      );
      return message.id;
    }

    const reached = () => {
      const per = new Map<string, number>();
      for (const e of [...smsc.of('submit'), ...smsc.of('stalled')])
        per.set(String(e.destination_addr), (per.get(String(e.destination_addr)) ?? 0) + 1);
      return per;
    };

    it('two workers running the same batch at once: one of them sends it, each number once', async () => {
      const [a, b] = [worker(), worker()];
      const tenant = await buildTown(a.context);
      await addMobilesInBulk(a.context, tenant, 40, (i) => `+3584052${String(i).padStart(4, '0')}1`);
      const messageId = await queueSend(a.context, tenant, 'Kilpa');
      const job = { tenantId: tenant.id, messageId, batchNo: 0 };
      await Promise.all([a.sender.runBatch(job), b.sender.runBatch(job)]);
      await until(() => smsc.of('submit').length >= 40);
      expect([...reached()].filter(([, n]) => n > 1)).toEqual([]);
      expect(reached().size).toBe(40);
      const counts = await deliveryRepository(database.db.kysely, database.db.engine).counts(
        asTenantId(tenant.id),
        messageId,
      );
      expect(counts.queued).toBe(0);
    }, 60_000);

    it('a batch gives its worker slot up once its last chunk is on its way, while its answers are still to come', async () => {
      const w = worker();
      const tenant = await buildTown(w.context);
      await addMobilesInBulk(w.context, tenant, 5, (i) => `+3584054${String(i).padStart(4, '0')}1`);
      const messageId = await queueSend(w.context, tenant, 'Vapaa');
      const before = smsc.of('stalled').length;
      const switches = smsc.of('command').length;
      smsc.command('stall');
      await until(() => smsc.of('command').length > switches);

      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      let ended = false;
      const run = w.sender
        .runBatch({ tenantId: tenant.id, messageId, batchNo: 0 }, { release })
        .catch(() => {})
        .finally(() => (ended = true));
      await released;
      // Every message reached the SMSC, none is answered: the batch is not over, yet its slot is free.
      await until(() => smsc.of('stalled').length >= before + 5);
      expect(ended).toBe(false);

      smsc.command('normal');
      await until(() => smsc.of('command').length > switches + 1);
      await w.context.dispatch.runtime.stop();
      await run;
      expect(ended).toBe(true);
    }, 60_000);

    it('a worker stalled past its lease is overtaken; when it wakes it writes nothing more and nobody gets a second message', async () => {
      const [slow, fast] = [worker(), worker()];
      const tenant = await buildTown(slow.context);
      await addMobilesInBulk(slow.context, tenant, 30, (i) => `+3584053${String(i).padStart(4, '0')}1`);
      const messageId = await queueSend(slow.context, tenant, 'Jumissa');
      const job = { tenantId: tenant.id, messageId, batchNo: 0 };
      const before = smsc.of('stalled').length;

      // The SMSC takes the slow worker's submits and answers none of them.
      const switches = smsc.of('command').length;
      smsc.command('stall');
      await until(() => smsc.of('command').length > switches);
      const slowRun = slow.sender.runBatch(job).then(
        () => 'ended',
        (error: unknown) => error,
      );
      // A window of 10 submits goes out unanswered; the other 20 wait for a free slot in the window.
      await until(() => smsc.of('stalled').length >= before + 10);
      smsc.command('normal');
      // Its lease runs out; another worker takes the batch.
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 200));
      await fast.sender.runBatch(job);
      // The slow one wakes (its connection ends, the submits fail) and finds the batch is no longer its own.
      await slow.context.dispatch.runtime.stop();
      expect(await slowRun).toBe('ended');

      expect([...reached()].filter(([, n]) => n > 1)).toEqual([]);
      const rows = await database.db.kysely
        .selectFrom('deliveries')
        .select(['status', 'error'])
        .where('message_id', '=', messageId)
        .execute();
      expect(rows).toHaveLength(30);
      // The slow worker's whole chunk was marked as handed over: all in doubt, failed with that reason,
      // never sent again (20 of them had not left its window yet: the price of marking chunk by chunk).
      expect(rows.filter((r) => r.error !== IN_DOUBT_ERROR)).toEqual([]);
      expect(rows.every((r) => r.status === 'failed')).toBe(true);
    }, 60_000);
  });
}
