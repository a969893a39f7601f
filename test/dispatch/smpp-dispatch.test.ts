/**
 * Dispatch through SMPP to an SMSC Aviso did not write (Net::SMPP), on both databases: a stalled SMSC
 * holds back neither email nor the rest of the send; a restarted one gets every message exactly once;
 * a receipt that never comes ends as expired; receipts match by provider and id; failover shows in the
 * message's status; early receipts are kept until their delivery is recorded; pacing is shared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { up as upgradeToHandovers } from '../../src/db/migrations/030-delivery-handovers.js';
import { changeLogRepository } from '../../src/modules/register/change-log.repository.js';
import { createContext, type Context } from '../../src/context.js';
import { newId } from '../../src/lib/ids.js';
import { asTenantId } from '../../src/kernel/tenant-id.js';
import {
  deliveryRepository,
  LostClaimError,
  ReceiptsNotKeptError,
  type BatchClaim,
} from '../../src/modules/dispatch/delivery.repository.js';
import { sharedPacer } from '../../src/modules/dispatch/pacer.js';
import { receiptWriter } from '../../src/modules/dispatch/receipt-writer.js';
import type { MessageView } from '../../src/modules/dispatch/message.service.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { mutableClock, testConfig, type MutableClock } from '../app.js';
import { startNetSmppSmsc, until as peerSaw, type NetSmppSmsc } from '../channels/net-smpp.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';
import { waitFor } from '../wait.js';
import { buildTown, CENTER, square } from './fixtures.js';

const ACTOR = { type: 'token' as const, id: 'test' };
const KOULUKATU = square(CENTER.lon - 0.002, CENTER.lat + 0.0013, 0.0012);
const PUISTOKATU = square(CENTER.lon + 0.002, CENTER.lat + 0.0013, 0.0012);

/** People with one mobile each on a street's twelve addresses, written in bulk. */
async function addMobiles(
  context: Context,
  tenant: Tenant,
  street: string,
  numbers: string[],
  email = false,
): Promise<void> {
  const db = context.db.kysely;
  const now = context.clock.now();
  const addresses = await db
    .selectFrom('addresses')
    .select('id')
    .where('tenant_id', '=', tenant.id)
    .where('street', '=', street)
    .execute();
  for (const [i, value] of numbers.entries()) {
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
    const type = email ? ('email' as const) : ('mobile' as const);
    await db
      .insertInto('contact_endpoints')
      .values({
        id: newId(),
        tenant_id: tenant.id,
        contact_id: id,
        type,
        value,
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
        address_id: addresses[i % addresses.length]!.id,
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

/** Mobile numbers `+35840<prefix><i>1`; with `undeliverable`, ending in 000 (the SMSC's receipt says UNDELIV). */
const numbers = (prefix: string, count: number, undeliverable = false) =>
  Array.from({ length: count }, (_, i) => `+35840${prefix}${String(i).padStart(4, '0')}${undeliverable ? '000' : '1'}`);

async function send(context: Context, tenant: Tenant, area: object, text: string): Promise<MessageView> {
  const incident = await context.dispatch.incidents.createIncident(
    tenant,
    { service: 'water', kind: 'sudden', title: text, area },
    ACTOR,
  );
  return context.dispatch.messages.createMessage(tenant, incident.id, { texts: { fi: text } }, ACTOR);
}

/** A town with these mobiles on Koulukatu and a notice sent there (not yet dispatched), for the repository's own tests. */
async function sendOnKoulukatu(database: FreshDatabase, mobiles: string[], text: string) {
  const context = createContext(testConfig({ databaseUrl: database.url }), database.db);
  const tenant = await buildTown(context);
  await addMobiles(context, tenant, 'Koulukatu', mobiles);
  const message = await send(context, tenant, KOULUKATU, text);
  const deliveries = deliveryRepository(database.db.kysely, database.db.engine);
  return { context, tenant, message, deliveries, tenantId: asTenantId(tenant.id) };
}

/** Runs the dispatch of `context` until `done` holds for the message (state, not time). */
async function until(
  context: Context,
  tenant: Tenant,
  id: string,
  done: (m: MessageView) => boolean,
  timeout = 30_000,
): Promise<MessageView> {
  const end = Date.now() + timeout;
  for (;;) {
    await context.dispatch.runtime.drain();
    const message = await context.dispatch.messages.getMessage(tenant, id);
    if (done(message)) return message;
    if (Date.now() > end) throw new Error(`message never reached the state: ${JSON.stringify(message)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (const kind of TEST_DATABASES) {
  describe(`dispatch through SMPP to the Net::SMPP SMSC [${kind}]`, () => {
    let database: FreshDatabase;
    const contexts: Context[] = [];
    const peers: NetSmppSmsc[] = [];

    beforeAll(async () => {
      database = await freshDatabase(kind);
    });
    afterAll(async () => {
      for (const context of contexts) await context.dispatch.runtime.stop();
      for (const peer of peers) await peer.kill();
      await database?.drop();
    });

    async function peer(options: Parameters<typeof startNetSmppSmsc>[0] = {}): Promise<NetSmppSmsc> {
      const smsc = await startNetSmppSmsc(options);
      peers.push(smsc);
      return smsc;
    }
    function contextFor(sms: string, clock: MutableClock = mutableClock()): Context {
      const context = createContext(testConfig({ databaseUrl: database.url, sms }), database.db, {
        clock,
        dispatch: { batchSize: 50 },
      });
      contexts.push(context);
      return context;
    }
    const url = (smsc: NetSmppSmsc, query = '') =>
      `smpp://aviso:pw@127.0.0.1:${smsc.port}?source=MantanVesi&tps=0${query}`;

    it('a stalled SMSC holds back neither the email of the same send nor other channels; the SMS goes when it answers again', async () => {
      const smsc = await peer({ mode: 'stall' });
      const context = contextFor(url(smsc, '&timeout=0.3'));
      const tenant = await buildTown(context);
      await addMobiles(context, tenant, 'Koulukatu', numbers('1', 20));
      await addMobiles(
        context,
        tenant,
        'Koulukatu',
        Array.from({ length: 5 }, (_, i) => `asukas${i}@example.fi`),
        true,
      );
      const message = await send(context, tenant, KOULUKATU, 'Vesikatko');
      expect(message.total).toBe(25);

      const started = performance.now();
      await context.dispatch.runtime.drain();
      expect(performance.now() - started).toBeLessThan(10_000);
      const stalled = await context.dispatch.messages.getMessage(tenant, message.id);
      expect(stalled).toMatchObject({ delivered: 5, queued: 20 });
      await peerSaw(() => smsc.of('stalled').length > 0);

      smsc.command('normal');
      const done = await until(context, tenant, message.id, (m) => m.delivered === 25);
      expect(done).toMatchObject({ status: 'sent', queued: 0, failed: 0, delivered: 25 });
      // The SMSC's log is read asynchronously: wait for its lines, not for a time.
      await peerSaw(() => smsc.of('submit').length >= 20);
      const taken = smsc.of('submit').map((e) => e.destination_addr);
      expect(new Set(taken).size).toBe(20);
      expect(taken).toHaveLength(20);
    });

    it('an SMSC killed and restarted mid-send: the configured binds only, every recipient submitted once, receipts counted', async () => {
      const first = await peer();
      const context = contextFor(`smpp://aviso:pw@127.0.0.1:${first.port}?source=MantanVesi&tps=150&binds=2&timeout=1`);
      const tenant = await buildTown(context);
      await addMobiles(context, tenant, 'Puistokatu', numbers('2', 300));
      const message = await send(context, tenant, PUISTOKATU, 'Lämpökatko');
      await context.dispatch.runtime.startWorkers({ concurrency: 2, sweepMs: 200 });
      await expect.poll(() => first.of('submit').length, { timeout: 20_000, interval: 20 }).toBeGreaterThan(60);
      await first.kill();
      const second = await peer({ port: first.port });

      // Receipts the first SMSC owed when it died never come: those deliveries stay sent (until they expire).
      const done = await until(
        context,
        tenant,
        message.id,
        (m) => m.status === 'sent' && m.queued === 0 && m.delivered + m.sent === 300,
        60_000,
      );
      await context.dispatch.runtime.stop();
      expect(done).toMatchObject({ failed: 0, expired: 0 });
      await peerSaw(() => second.of('submit').length + first.of('submit').length >= 300);
      expect(done.delivered).toBeGreaterThanOrEqual(second.of('submit').length);
      const taken = [...first.of('submit'), ...second.of('submit')].map((e) => e.destination_addr);
      // None lost. A submit in flight when the SMSC died (written, its answer lost with the connection)
      // is sent again: at most the open window of each bind (10 × 2), never more.
      expect(new Set(taken).size).toBe(300);
      expect(taken.length - 300).toBeLessThanOrEqual(20);
      expect(Math.max(...second.of('bound').map((e) => Number(e.count)))).toBe(2);
      expect(second.of('connect')).toHaveLength(2);
    }, 90_000);

    it('a receipt that never comes: the delivery expires when the message does', async () => {
      const smsc = await peer({ mode: 'silent' });
      const clock = mutableClock();
      const context = contextFor(url(smsc), clock);
      const tenant = await buildTown(context);
      await addMobiles(context, tenant, 'Kaukotie', numbers('3', 3));
      const message = await send(context, tenant, square(CENTER.lon + 0.04, CENTER.lat + 0.0013, 0.0012), 'Jätehuolto');
      const sent = await until(context, tenant, message.id, (m) => m.sent === 3);
      expect(sent).toMatchObject({ status: 'sent', sent: 3, delivered: 0 });
      await peerSaw(() => smsc.of('submit').length === 3);
      expect(smsc.of('submit').map((e) => e.validity_period)).toEqual(
        Array(3).fill(expect.stringMatching(/^\d{12}000\+$/)),
      );

      clock.set(Date.now() + 23 * 3_600_000);
      expect(await until(context, tenant, message.id, () => true)).toMatchObject({ sent: 3, expired: 0 });
      clock.set(Date.now() + 25 * 3_600_000);
      const expired = await until(context, tenant, message.id, (m) => m.expired === 3);
      expect(expired).toMatchObject({ sent: 0, expired: 3 });
      const errors = await context.db.kysely
        .selectFrom('deliveries')
        .select('error')
        .where('message_id', '=', message.id)
        .execute();
      expect(errors.map((e) => e.error)).toEqual(Array(3).fill('no delivery receipt before the message expired'));
    });

    it("receipts match by provider and id: two SMSCs giving the same ids do not touch each other's deliveries", async () => {
      const silent = await peer({ mode: 'silent' });
      const failing = await peer();
      const a = contextFor(url(silent));
      const b = contextFor(url(failing));
      const tenant = await buildTown(a);
      await addMobiles(a, tenant, 'Koulukatu', [...numbers('4', 3), '+358404444999']);
      await addMobiles(a, tenant, 'Puistokatu', numbers('5', 3, true));
      const viaA = await send(a, tenant, KOULUKATU, 'A');
      await until(a, tenant, viaA.id, (m) => m.sent === 3 && m.failed === 1);
      const viaB = await send(b, tenant, PUISTOKATU, 'B');
      await until(b, tenant, viaB.id, (m) => m.failed === 3);
      await peerSaw(() => silent.of('submit').length === 3 && failing.of('submit').length === 3);
      expect(silent.of('submit').map((e) => e.message_id)).toEqual(['p1', 'p2', 'p3']);
      expect(failing.of('submit').map((e) => e.message_id)).toEqual(['p1', 'p2', 'p3']);
      expect(await a.dispatch.messages.getMessage(tenant, viaA.id)).toMatchObject({ sent: 3, failed: 1 });
      // Each send ends with its outcome and the reasons counted: one number refused of four; all three undeliverable.
      await until(a, tenant, viaA.id, (m) => m.outcome !== null);
      expect(await a.dispatch.messages.getMessage(tenant, viaA.id)).toMatchObject({
        status: 'sent',
        outcome: 'partly-failed',
        failures: [{ reason: 'submit_sm refused: ESME_RINVDSTADR', count: 1 }],
      });
      await until(b, tenant, viaB.id, (m) => m.outcome !== null);
      expect(await b.dispatch.messages.getMessage(tenant, viaB.id)).toMatchObject({
        outcome: 'failed',
        failures: [{ reason: expect.stringMatching(/UNDELIV/), count: 3 }],
      });
      // Each delivery keeps the provider's answer; a final refusal its SMPP status, tried once.
      const rows = await a.db.kysely
        .selectFrom('deliveries')
        .select(['status', 'error', 'attempts', 'answer', 'provider_id'])
        .where('message_id', '=', viaA.id)
        .orderBy('seq')
        .execute();
      const refused = rows.find((r) => r.status === 'failed')!;
      expect(refused).toMatchObject({ error: 'submit_sm refused: ESME_RINVDSTADR', attempts: 1 });
      expect(JSON.parse(refused.answer!)).toMatchObject({ command_status: 11, status_name: 'ESME_RINVDSTADR' });
      for (const row of rows.filter((r) => r.status === 'sent'))
        expect(JSON.parse(row.answer!)).toEqual({ message_ids: [row.provider_id], data_coding: 0 });
    });

    it('failover: the primary SMSC killed mid-send, the rest goes to the backup, and the message says so', async () => {
      const primary = await peer();
      const backup = await peer();
      const context = contextFor(`${url(primary, '&tps=100&timeout=1')},${url(backup)}`);
      const tenant = await buildTown(context);
      await addMobiles(context, tenant, 'Koulukatu', numbers('6', 150));
      const message = await send(context, tenant, KOULUKATU, 'Varalla');
      await context.dispatch.runtime.startWorkers({ concurrency: 1, sweepMs: 200 });
      await expect.poll(() => primary.of('submit').length, { timeout: 20_000, interval: 20 }).toBeGreaterThan(20);
      await primary.kill();
      const done = await until(context, tenant, message.id, (m) => m.status === 'sent' && m.queued === 0, 60_000);
      await context.dispatch.runtime.stop();
      expect(done).toMatchObject({ failed: 0, expired: 0 });
      await peerSaw(() => primary.of('submit').length + backup.of('submit').length >= 150);
      const viaPrimary = primary.of('submit').length;
      const viaBackup = backup.of('submit').length;
      const taken = new Set([...primary.of('submit'), ...backup.of('submit')].map((e) => e.destination_addr));
      expect(taken.size).toBe(150);
      expect(viaPrimary + viaBackup - 150).toBeLessThanOrEqual(10);
      expect(viaBackup).toBeGreaterThan(0);
      const names = done.providers.map((p) => p.provider).sort();
      expect(names).toEqual([`smpp://aviso@127.0.0.1:${primary.port}`, `smpp://aviso@127.0.0.1:${backup.port}`].sort());
      expect(done.failovers.reduce((n, f) => n + f.count, 0)).toBe(viaBackup);
      expect(done.failovers[0]!.reason).toContain(`smpp://aviso@127.0.0.1:${primary.port}`);
    }, 90_000);
  });

  describe(`receipts and handovers in the database [${kind}]`, () => {
    let database: FreshDatabase;
    beforeAll(async () => {
      database = await freshDatabase(kind);
    });
    afterAll(() => database?.drop());

    it('a receipt that comes before its delivery is recorded waits and is matched after', async () => {
      const { context, message, deliveries, tenantId } = await sendOnKoulukatu(database, numbers('7', 1), 'Aikaisin');
      const now = Date.now();
      expect(
        await deliveries.applyReceipts(
          [{ provider: 'smpp://x@h:1', providerId: 'early-1', status: 'delivered', error: null, at: now }],
          now,
        ),
      ).toMatchObject({ matched: 0, waiting: [{ providerId: 'early-1' }] });
      const claim = await deliveries.claimBatch(tenantId, message.id, 0, now, now + 60_000);
      await deliveries.recordResults(
        tenantId,
        message.id,
        claim!,
        [
          {
            seq: 0,
            status: 'sent',
            provider: 'smpp://x@h:1',
            providerId: 'early-1',
            error: null,
            attempted: true,
            answer: null,
          },
        ],
        now,
        now + 60_000,
      );
      expect(await deliveries.counts(tenantId, message.id)).toMatchObject({ sent: 1 });
      // Another provider's receipt with the same id matches nothing.
      await deliveries.applyReceipts(
        [{ provider: 'smpp://y@h:2', providerId: 'early-1', status: 'failed', error: 'UNDELIV', at: now }],
        now,
      );
      expect(await deliveries.matchWaitingReceipts(now, 100)).toBe(1);
      expect(await deliveries.counts(tenantId, message.id)).toMatchObject({ sent: 0, delivered: 1, failed: 0 });
      await context.dispatch.runtime.stop();
    });

    it('answers are written as they came, whatever their text, and receipts find them by ids of any spelling', async () => {
      const { context, message, deliveries, tenantId } = await sendOnKoulukatu(database, numbers('4', 4), 'Vastaukset');
      const now = Date.now();
      const claim = (await deliveries.claimBatch(tenantId, message.id, 0, now, now + 60_000))!;
      const provider = 'smpp://x@h:1';
      const quoted = 'id "1" \\ \'x\'';
      const answer = JSON.stringify({ command_status: 0, message_id: 'ä€"\n' });
      await deliveries.recordResults(
        tenantId,
        message.id,
        claim,
        [
          { seq: 0, status: 'sent', provider, providerId: quoted, error: null, attempted: true, answer },
          { seq: 1, status: 'sent', provider, providerId: '💧 2', error: null, attempted: true, answer: null },
          {
            seq: 2,
            status: 'failed',
            provider,
            providerId: null,
            error: 'ESME_RINVDSTADR "0x0B"\nrivi',
            attempted: true,
            answer,
          },
          {
            seq: 3,
            status: 'queued',
            provider,
            providerId: null,
            error: 'ESME_RTHROTTLED',
            attempted: false,
            answer: null,
          },
        ],
        now,
        now + 60_000,
      );
      const rows = await context.db.kysely
        .selectFrom('deliveries')
        .select(['seq', 'status', 'provider_id', 'error', 'answer', 'attempts'])
        .where('message_id', '=', message.id)
        .orderBy('seq')
        .execute();
      expect(rows).toEqual([
        { seq: 0, status: 'sent', provider_id: quoted, error: null, answer, attempts: 1 },
        { seq: 1, status: 'sent', provider_id: '💧 2', error: null, answer: null, attempts: 1 },
        { seq: 2, status: 'failed', provider_id: null, error: 'ESME_RINVDSTADR "0x0B"\nrivi', answer, attempts: 1 },
        { seq: 3, status: 'queued', provider_id: null, error: 'ESME_RTHROTTLED', answer: null, attempts: 0 },
      ]);
      const applied = await deliveries.applyReceipts(
        [
          { provider, providerId: quoted, status: 'delivered', error: null, at: now },
          { provider, providerId: '💧 2', status: 'failed', error: 'UNDELIV', at: now },
        ],
        now,
      );
      expect(applied).toMatchObject({ matched: 2, waiting: [] });
      expect(await deliveries.counts(tenantId, message.id)).toMatchObject({ delivered: 1, failed: 2, queued: 1 });
      await context.dispatch.runtime.stop();
    });

    it('a delivery an earlier claim handed over and nothing was written for since is in doubt, even all in one millisecond; a finished batch keeps no handover', async () => {
      const { context, message, deliveries, tenantId } = await sendOnKoulukatu(database, numbers('5', 3), 'Luovutettu');
      const queuedIn = (claim: BatchClaim) => deliveries.queuedInBatch(tenantId, message.id, message.incidentId, claim);
      const t0 = Date.now();
      const first = (await deliveries.claimBatch(tenantId, message.id, 0, t0, t0 + 1000))!;
      const queued = await queuedIn(first);
      expect(queued.map((d) => d.seq)).toEqual([0, 1, 2]);
      // Everything in one millisecond, as a fast machine (or a stopped test clock) may: no clock decides.
      const at = t0;
      await deliveries.markSubmitting(tenantId, message.id, first, queued, at);
      // Its own handover is not doubt to the claim that made it.
      expect((await queuedIn(first)).filter((d) => d.inDoubt)).toEqual([]);
      // One answer comes (throttled: to be sent again); then the worker dies.
      const answer = { provider: 'smpp://p@h:1', providerId: null, attempted: true, answer: null };
      await deliveries.recordResults(
        tenantId,
        message.id,
        first,
        [{ ...answer, seq: 0, status: 'queued', error: 'ESME_RTHROTTLED' }],
        at,
        at + 1000,
      );
      const second = (await deliveries.claimBatch(tenantId, message.id, 0, at + 2000, at + 60_000))!;
      expect((await queuedIn(second)).map((d) => [d.seq, d.inDoubt])).toEqual([
        [0, false],
        [1, true],
        [2, true],
      ]);
      // The dead claim can hand over nothing more.
      const again = await queuedIn(second);
      await expect(deliveries.markSubmitting(tenantId, message.id, first, again, at + 2100)).rejects.toThrow(
        LostClaimError,
      );
      await deliveries.markSubmitting(tenantId, message.id, second, again.slice(0, 1), at + 2200);
      await deliveries.recordResults(
        tenantId,
        message.id,
        second,
        [
          { ...answer, seq: 0, status: 'sent', providerId: 'p-0', error: null },
          { ...answer, seq: 1, status: 'failed', error: 'in doubt' },
          { ...answer, seq: 2, status: 'failed', error: 'in doubt' },
        ],
        at + 2300,
        at + 60_000,
      );
      const handovers = () =>
        database.db.kysely
          .selectFrom('delivery_handovers')
          .select('attempt')
          .where('message_id', '=', message.id)
          .execute();
      expect(await handovers()).toHaveLength(2);
      expect(await deliveries.finishBatch(tenantId, message.id, second, at + 2400)).toBe(true);
      expect(await handovers()).toEqual([]);
      await context.dispatch.runtime.stop();
    });

    it('marks on deliveries left by the version before are taken over as handovers', async () => {
      const { context, message, deliveries, tenantId } = await sendOnKoulukatu(
        database,
        numbers('4', 3),
        'Ennen päivitystä',
      );
      const t0 = Date.now();
      const first = (await deliveries.claimBatch(tenantId, message.id, 0, t0, t0 + 1000))!;
      // The database as the version before left it: the marks on the deliveries, no handovers table.
      const db = database.db.kysely;
      await sql`drop table delivery_handovers`.execute(db);
      await sql`alter table deliveries drop column written`.execute(db);
      await sql`alter table deliveries add column submitting integer`.execute(db);
      await sql`update deliveries set submitting = ${first.attempt} where message_id = ${message.id} and seq in (1, 2)`.execute(
        db,
      );
      await upgradeToHandovers(db as Kysely<unknown>, database.db.engine);
      const second = (await deliveries.claimBatch(tenantId, message.id, 0, t0 + 2000, t0 + 60_000))!;
      const queued = await deliveries.queuedInBatch(tenantId, message.id, message.incidentId, second);
      expect(queued.map((d) => [d.seq, d.inDoubt])).toEqual([
        [0, false],
        [1, true],
        [2, true],
      ]);
      await context.dispatch.runtime.stop();
    });

    it('receipts of one kind are written in one statement; when the unmatched cannot be kept, only they are tried again', async () => {
      const { context, message, deliveries, tenantId } = await sendOnKoulukatu(
        database,
        numbers('6', 1),
        'Yhdellä lauseella',
      );
      const provider = 'smpp://one@h:1';
      const now = Date.now();
      const claim = await deliveries.claimBatch(tenantId, message.id, 0, now, now + 60_000);
      const sent = { seq: 0, status: 'sent' as const, provider, providerId: 'one-0', error: null, attempted: true };
      await deliveries.recordResults(tenantId, message.id, claim!, [{ ...sent, answer: null }], now, now + 60_000);
      const errors: unknown[] = [];
      const writer = receiptWriter({
        deliveries,
        now: () => Date.now(),
        acknowledging: () => false,
        onError: (error) => errors.push(error),
      });
      const kept = () =>
        database.db.kysely
          .selectFrom('delivery_receipts')
          .select('provider_id')
          .where('provider', '=', provider)
          .execute();
      // The table the unmatched are kept in is away for a moment: the match is written all the same.
      await sql`alter table delivery_receipts rename to delivery_receipts_away`.execute(database.db.kysely);
      writer.add({ provider, providerId: 'one-0', status: 'delivered', at: now });
      writer.add({ provider, providerId: 'one-unknown', status: 'delivered', at: now });
      await writer.flush();
      await sql`alter table delivery_receipts_away rename to delivery_receipts`.execute(database.db.kysely);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(ReceiptsNotKeptError);
      expect(await deliveries.counts(tenantId, message.id)).toMatchObject({ sent: 0, delivered: 1 });
      expect(writer.pending).toBe(1);
      await writer.flush();
      expect(writer.pending).toBe(0);
      expect(await kept()).toEqual([{ provider_id: 'one-unknown' }]);
      writer.stop();
      await context.dispatch.runtime.stop();
    });
  });

  describe(`early receipts in one process [${kind}]`, () => {
    let database: FreshDatabase;
    beforeAll(async () => {
      database = await freshDatabase(kind);
    });
    afterAll(() => database?.drop());

    it('a process matches its own early receipts once their deliveries are recorded, without waiting for the sweep', async () => {
      const { context, message, deliveries, tenantId } = await sendOnKoulukatu(database, numbers('8', 3), 'Aikaisin');
      const writer = receiptWriter({
        deliveries,
        now: () => Date.now(),
        onError: (error) => {
          throw error;
        },
      });
      const provider = 'smpp://early@h:1';
      const now = Date.now();
      writer.add({ provider, providerId: 'w-0', status: 'delivered', at: now });
      writer.add({ provider, providerId: 'w-1', status: 'failed', error: 'UNDELIV', at: now });
      writer.add({ provider, providerId: 'w-2', status: 'failed', error: 'EXPIRED', at: now });
      await writer.flush();
      const kept = () =>
        database.db.kysely
          .selectFrom('delivery_receipts')
          .select('provider_id')
          .where('provider', '=', provider)
          .execute();
      expect(await kept()).toHaveLength(3);

      const claim = await deliveries.claimBatch(tenantId, message.id, 0, now, now + 60_000);
      const result = (seq: number) => ({
        seq,
        status: 'sent' as const,
        provider,
        providerId: `w-${seq}`,
        error: null,
        attempted: true,
        answer: null,
      });
      await deliveries.recordResults(tenantId, message.id, claim!, [0, 1, 2].map(result), now, now + 60_000);
      await waitFor('the early receipts matched', async () =>
        (await deliveries.counts(tenantId, message.id)).sent === 0 ? true : undefined,
      );
      expect(await deliveries.counts(tenantId, message.id)).toMatchObject({ delivered: 1, failed: 2 });
      const errors = await database.db.kysely
        .selectFrom('deliveries')
        .select(['seq', 'error'])
        .where('message_id', '=', message.id)
        .orderBy('seq')
        .execute();
      expect(errors.map((e) => e.error)).toEqual([null, 'UNDELIV', 'EXPIRED']);
      expect(await kept()).toEqual([]);
      writer.stop();
      await context.dispatch.runtime.stop();
    });
  });

  describe(`pacing in the database [${kind}]`, () => {
    let database: FreshDatabase;
    beforeAll(async () => {
      database = await freshDatabase(kind);
    });
    afterAll(() => database?.drop());

    it('two processes sharing a provider stay within its throughput together', async () => {
      const [one, two] = [sharedPacer(database.db.kysely), sharedPacer(database.db.kysely)];
      const started = performance.now();
      // 2 × 10 chunks of 5 at 100 messages/s: 100 messages take at least 0.95 s, however they interleave.
      await Promise.all(
        [one, two].map(async (pacer) => {
          for (let i = 0; i < 10; i++) await pacer.take('smpp://shared@h:1', 5, 100);
        }),
      );
      expect(performance.now() - started).toBeGreaterThanOrEqual(940);
    });
  });
}
