/**
 * Two-way SMS through SMPP, on both databases, against Debian's Net::SMPP as the SMSC: residents answer
 * a notice with mobile-originated deliver_sm. LOPETA / SLUTA (any case and accents, also with the
 * tenant's sender name) opt the number out of the tenant's notices, confirmed by one SMS; the number is
 * then left out of recipient sets, also after the register is imported again, until the resident takes
 * it back in the portal; a follow-up to an incident whose set was frozen before the STOP skips it too. Any other text is listed for the operators of the incident it answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.js';
import { isStopRequest } from '../../src/modules/replies/sms-replies.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { createTestApp, type TestApp } from '../app.js';
import { TEST_DATABASES } from '../databases.js';
import { AVISO_HEADER, importCsv, square } from '../factories.js';
import { addPerson as addPersonAt, buildTown, CENTER, tokenHeaders, townRows } from '../dispatch/fixtures.js';
import { requestPin, sessionCookieOf, sessionFor, submitPin } from '../residents/resident-client.js';
import { waitFor } from '../wait.js';
import { startNetSmppSmsc, until as peerSaw, type NetSmppSmsc } from './net-smpp.js';

const ACTOR = { type: 'token' as const, id: 'test' };
const KOULUKATU = square(CENTER.lon - 0.002, CENTER.lat + 0.0013, 0.0012);
const STOPPER = '+358401110001';
const SLUTA = '+358401110002';
const ASKER = '+358401110003';
const STOPPER_EMAIL = 'stopper@example.fi';

/** A person on Koulukatu with this mobile (and email). */
const addPerson = (context: Context, tenant: Tenant, mobile: string, email?: string) =>
  addPersonAt(context, tenant, {
    endpoints: [{ type: 'mobile', value: mobile }, ...(email ? [{ type: 'email' as const, value: email }] : [])],
    addresses: ['kk-1'],
  });

describe('stop words', () => {
  it("are STOP, LOPETA and SLUTA in any case and accents, alone or with one of the tenant's names", () => {
    const names = ['MantanVesi', 'Mäntän Vesi'];
    for (const text of [
      'STOP',
      'stop',
      ' Lopeta ',
      'LOPETÄ',
      'lopetá!',
      'sluta',
      'SLUTA MantanVesi',
      'stop mäntän vesi',
      'Lopeta MANTAN VESI.',
    ])
      expect(isStopRequest(text, names), text).toBe(true);
    for (const text of ['', 'stoppi', 'STOP please', 'Lopeta Kuoreveden Vesi', 'milloin vesi palaa', 'ei stop'])
      expect(isStopRequest(text, names), text).toBe(false);
  });
});

for (const kind of TEST_DATABASES) {
  describe(`SMS replies and opt-out through the Net::SMPP SMSC [${kind}]`, () => {
    let smsc: NetSmppSmsc;
    let t: TestApp;

    beforeAll(async () => {
      smsc = await startNetSmppSmsc();
      t = await createTestApp(kind, { sms: `smpp://aviso:pw@127.0.0.1:${smsc.port}?source=MantanVesi&tps=0` });
    });
    afterAll(async () => {
      await t?.app.close();
      await t?.database.drop();
      await smsc?.kill();
    });

    it('LOPETA and SLUTA opt out (confirmed once, left out after a re-import, undone in the portal); other texts are listed on the incident', async () => {
      const { app, context } = t;
      const tenant = await buildTown(context);
      await addPerson(context, tenant, STOPPER, STOPPER_EMAIL);
      await addPerson(context, tenant, SLUTA);
      await addPerson(context, tenant, ASKER);
      const incident = await context.dispatch.incidents.createIncident(
        tenant,
        { service: 'water', kind: 'sudden', title: 'Vesikatko', area: KOULUKATU },
        ACTOR,
      );
      const message = await context.dispatch.messages.createMessage(
        tenant,
        incident.id,
        { texts: { fi: 'Vesikatko Koulukadulla' } },
        ACTOR,
      );
      await waitFor(
        'the notice delivered',
        async () => {
          await context.dispatch.runtime.drain();
          const m = await context.dispatch.messages.getMessage(tenant, message.id);
          return m.delivered === 4 ? m : undefined;
        },
        20_000,
      );

      smsc.command(`mo ${STOPPER.slice(1)} MantanVesi Lopetä`);
      smsc.command(`mo ${SLUTA.slice(1)} MantanVesi sluta MantanVesi`);
      smsc.command(`mo ${ASKER.slice(1)} MantanVesi Milloin vesi palaa? Kiitos 🙂`);
      // The same STOP again: still out, and not confirmed twice.
      smsc.command(`mo ${STOPPER.slice(1)} MantanVesi STOP`);
      await peerSaw(() => smsc.of('mo_sent').length === 4, 20_000);
      // Aviso answers a deliver_sm as it takes it in: once all four are answered, settling handles them all.
      const moSeqs = smsc.of('mo_sent').map((e) => e.seq);
      await peerSaw(() => moSeqs.every((seq) => smsc.of('deliver_sm_resp').some((e) => e.seq === seq)), 20_000);
      await context.dispatch.runtime.settleInbound();
      const outs = await context.db.kysely
        .selectFrom('sms_opt_outs')
        .select('number')
        .where('tenant_id', '=', tenant.id)
        .orderBy('number')
        .execute();
      expect(outs.map((o) => o.number)).toEqual([STOPPER, SLUTA]);
      expect(await context.db.kysely.selectFrom('sms_replies').select('from_number').execute()).toEqual([
        { from_number: ASKER },
      ]);

      // One confirmation SMS to each number that stopped, none to the one that asked.
      await peerSaw(() => smsc.of('submit').length === 5, 20_000);
      expect(smsc.of('submit')).toHaveLength(5);
      const confirmations = smsc.of('submit').slice(3);
      expect(confirmations.map((e) => `+${e.destination_addr}`).sort()).toEqual([STOPPER, SLUTA]);

      const headers = await tokenHeaders(context, tenant, 'viewer');
      const replies = await app.inject({ url: `/api/t/${tenant.slug}/incidents/${incident.id}/replies`, headers });
      expect(replies.statusCode, replies.body).toBe(200);
      expect(replies.json().items).toEqual([
        expect.objectContaining({ from: ASKER, text: 'Milloin vesi palaa? Kiitos 🙂', messageId: message.id }),
      ]);

      // A follow-up to the same incident (its recipient set frozen before the STOP) texts only the one who asked.
      const followUp = await context.dispatch.messages.createMessage(
        tenant,
        incident.id,
        { kind: 'update', texts: { fi: 'Vesi palaa klo 18' } },
        ACTOR,
      );
      const settled = await waitFor(
        'the follow-up settled',
        async () => {
          await context.dispatch.runtime.drain();
          const m = await context.dispatch.messages.getMessage(tenant, followUp.id);
          return m.queued === 0 && m.sent === 0 && m.status === 'sent' ? m : undefined;
        },
        20_000,
      );
      expect(settled).toMatchObject({ total: 4, delivered: 2, failed: 2 });
      await peerSaw(() => smsc.of('submit').length === 6, 20_000);
      expect(
        smsc
          .of('submit')
          .slice(5)
          .map((e) => `+${e.destination_addr}`),
      ).toEqual([ASKER]);
      const stopped = await context.db.kysely
        .selectFrom('deliveries')
        .select(['status', 'error', 'attempts'])
        .where('message_id', '=', followUp.id)
        .where('status', '=', 'failed')
        .execute();
      expect(stopped).toEqual(Array(2).fill({ status: 'failed', error: 'opted out (STOP)', attempts: 0 }));

      // A new incident over the same street: the numbers that stopped are left out, also after a re-import.
      const next = await context.dispatch.incidents.createIncident(
        tenant,
        { service: 'water', kind: 'sudden', title: 'Toinen', area: KOULUKATU },
        ACTOR,
      );
      const preview = async () => context.dispatch.preview.previewIncident(tenant, next, {}, 'alert');
      expect(await preview()).toMatchObject({ endpoints: { sms: 1, email: 1 }, excluded: { 'opted-out': 2 } });
      await importCsv(context, tenant, [AVISO_HEADER, ...townRows()]);
      expect(await preview()).toMatchObject({ endpoints: { sms: 1 }, excluded: { 'opted-out': 2 } });

      // The resident sees it in the portal and takes the number back.
      // Beside a real SMS channel the dev inbox is not served over HTTP: the emailed PIN is read from its table.
      expect((await requestPin(app, tenant.slug, { email: STOPPER_EMAIL })).statusCode).toBe(202);
      const mail = await context.db.kysely
        .selectFrom('inbox_messages')
        .select('text')
        .where('to', '=', STOPPER_EMAIL)
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
      const loggedIn = await submitPin(app, tenant.slug, {
        email: STOPPER_EMAIL,
        pin: /\b(\d{4,8})\b/.exec(mail.text)![1],
      });
      expect(loggedIn.statusCode, loggedIn.body).toBe(200);
      const session = sessionFor(app, tenant.slug, sessionCookieOf(loggedIn), loggedIn.json().csrfToken);
      const listed = await session.call('GET', '/me/sms-opt-outs');
      expect(listed.statusCode, listed.body).toBe(200);
      expect(listed.json().items).toEqual([{ number: STOPPER, since: expect.any(String) }]);
      // Not someone else's number.
      expect((await session.call('DELETE', `/me/sms-opt-outs/${encodeURIComponent(SLUTA)}`)).statusCode).toBe(404);
      expect((await session.call('DELETE', `/me/sms-opt-outs/${encodeURIComponent(STOPPER)}`)).statusCode).toBe(204);
      expect((await session.call('GET', '/me/sms-opt-outs')).json().items).toEqual([]);
      expect(await preview()).toMatchObject({ endpoints: { sms: 2 }, excluded: { 'opted-out': 1 } });
    }, 90_000);
  });
}
