/**
 * From an area to one message per endpoint, tracked to delivery, on both databases, through the HTTP API
 * and the real queue: the exact recipient set for every kind of area, follow-ups to the frozen set,
 * quiet hours, scheduling, approval, retry, export, live progress.
 */
import { contactRepository } from '../../src/modules/residents/contact.repository.js';
import { beforeAll, expect, it } from 'vitest';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { localDate } from '../../src/lib/local-time.js';
import { describeEachDatabase } from '../app.js';
import { logIn } from '../residents/resident-client.js';
import { addPerson, bornYearsAgo, buildTown, CENTER, inboxOf, inboxTexts, square, tokenHeaders } from './fixtures.js';

const NOW = Date.parse('2025-06-15T10:00:00+03:00');
const TODAY = localDate(NOW);

describeEachDatabase('dispatch', (t) => {
  let tenant: Tenant;
  let auth: Record<string, string>;
  const url = (path: string) => `/api/t/${tenant.slug}${path}`;
  const post = async (path: string, payload: unknown) =>
    t().app.inject({ method: 'POST', url: url(path), headers: auth, payload: payload as object });
  const get = async (path: string) => t().app.inject({ url: url(path), headers: auth });

  /** Opens an incident on `area`, sends, drains the queue; the inbox lines of that message. */
  async function sendTo(
    incident: Record<string, unknown>,
    message: Record<string, unknown> = { texts: { fi: 'Vesikatko {address}', sv: 'Vattenavbrott {address}' } },
  ) {
    const created = await post('/incidents', { service: 'water', kind: 'sudden', title: 'Putkirikko', ...incident });
    expect(created.statusCode, created.body).toBe(201);
    const sent = await post(`/incidents/${created.json().id}/messages`, message);
    expect(sent.statusCode, sent.body).toBe(201);
    await t().context.dispatch.runtime.drain();
    return {
      incidentId: created.json().id as string,
      messageId: sent.json().id as string,
      inbox: await inboxOf(t().context, sent.json().id),
    };
  }

  beforeAll(async () => {
    t().clock.set(NOW);
    const { context } = t();
    tenant = await buildTown(context, { smsFooter: 'Mäntän Vesi' });
    auth = await tokenHeaders(context, tenant);
    const add = (input: Parameters<typeof addPerson>[2]) => addPerson(context, tenant, input);
    await add({ endpoints: [{ type: 'mobile', value: '+358401000001' }], addresses: ['kk-1', 'kk-2'] }); // two addresses inside: one message
    await add({
      source: 'register',
      birthDate: bornYearsAgo(TODAY, 15, 1),
      endpoints: [{ type: 'mobile', value: '+358401000015' }],
      addresses: ['kk-3'],
    }); // 15: none
    await add({
      source: 'register',
      birthDate: bornYearsAgo(TODAY, 16),
      endpoints: [{ type: 'mobile', value: '+358401000016' }],
      addresses: ['kk-3'],
    }); // 16 today
    await add({ language: 'sv', endpoints: [{ type: 'landline', value: '+35834000004' }], addresses: ['kk-4'] }); // voice, in Swedish
    await add({ endpoints: [{ type: 'email', value: 'carl@example.fi' }], addresses: ['kk-5'] });
    await add({ endpoints: [{ type: 'mobile', value: '+358401000006' }], addresses: [{ id: 'kk-6', active: false }] }); // deactivated
    await add({ endpoints: [{ type: 'mobile', value: '+358401000007', verified: false }], addresses: ['kk-7'] }); // unverified
    await add({ endpoints: [{ type: 'mobile', value: '+358401000008' }], addresses: ['kk-8'] }); // shared number …
    await add({ endpoints: [{ type: 'mobile', value: '+358401000008' }], addresses: ['kk-9'] }); // … once
    await add({ priority: true, endpoints: [{ type: 'mobile', value: '+358401000010' }], addresses: ['kk-10'] }); // sms + voice, first
    await add({ endpoints: [{ type: 'mobile', value: '+358401000021' }], addresses: ['pk-1'] });
    await add({ endpoints: [{ type: 'mobile', value: '+358401000022' }], addresses: ['pk-2'] });
    await add({ endpoints: [{ type: 'mobile', value: '+358401000099' }], addresses: ['far-1'] }); // outside everything
  });

  const WEST = square(CENTER.lon - 0.002, CENTER.lat + 0.0013, 0.0012); // kk-1 … kk-12
  const westInbox = [
    'email carl@example.fi',
    'sms +358401000001',
    'sms +358401000008',
    'sms +358401000010',
    'sms +358401000016',
    'voice +35834000004',
    'voice +358401000010',
  ];

  it('previews an area: addresses, contacts, endpoints per channel, exclusions, SMS segments and cost', async () => {
    const created = await post('/incidents', { service: 'water', kind: 'sudden', title: 'Preview', area: WEST });
    const preview = await post(`/incidents/${created.json().id}/preview`, {
      texts: { fi: 'Vesikatko {address} – korjaamme' },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const body = preview.json();
    expect(body).toMatchObject({
      frozen: false,
      addresses: 12,
      contacts: 7,
      endpoints: { sms: 4, voice: 2, email: 1, push: 0, total: 7 },
      excluded: { 'under-16': 1, deactivated: 1, unverified: 1, duplicate: 1 },
    });
    expect(body.sample[0].label).toMatch(/^Koulukatu \d+$/);
    expect(body.sms.fi).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(body.warnings[0]).toMatch(/–/);
    expect(body.cost).toEqual({ cents: 4 * tenant.settings.pricePerSegmentCents, currency: 'EUR', segments: 4 });
  });

  it('sends a polygon area to exactly the right endpoints, once each, in their language', async () => {
    const { messageId, inbox } = await sendTo({ area: WEST });
    expect(inbox).toEqual(westInbox);
    const texts = await inboxTexts(t().context, messageId);
    expect(texts.find((m) => m.to === '+358401000001')).toMatchObject({
      from: 'MantanVesi',
      text: 'Vesikatko Koulukatu 1, Koulukatu 2\nMäntän Vesi',
    });
    expect(texts.find((m) => m.to === '+35834000004')!.text).toContain('Vattenavbrott Skolgatan 4');
    const status = (await get(`/messages/${messageId}`)).json();
    expect(status).toMatchObject({ status: 'sent', queued: 0, sent: 0, delivered: 7, failed: 0, expired: 0, total: 7 });
  });

  it.each([
    [
      'a multipolygon',
      {
        area: {
          type: 'MultiPolygon',
          coordinates: [
            square(CENTER.lon - 0.002, CENTER.lat + 0.0002, 0.0001).coordinates,
            square(CENTER.lon + 0.002, CENTER.lat + 0.0004, 0.0001).coordinates,
          ],
        },
      },
      ['sms +358401000001', 'sms +358401000022'],
    ],
    [
      'a circle',
      {
        area: {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [CENTER.lon + 0.002, CENTER.lat + 0.0003] },
          properties: { radius: 15 },
        },
      },
      ['sms +358401000021', 'sms +358401000022'],
    ],
    [
      'a line with a buffer',
      {
        area: {
          type: 'Feature',
          geometry: {
            type: 'LineString',
            coordinates: [
              [CENTER.lon - 0.003, CENTER.lat + 0.0008],
              [CENTER.lon + 0.003, CENTER.lat + 0.0008],
            ],
          },
          properties: { buffer: 25 },
        },
      },
      ['email carl@example.fi', 'sms +358401000016', 'voice +35834000004'],
    ],
    [
      'a street stretch, odd numbers',
      { streets: [{ street: 'Skolgatan', from: 1, to: 5, side: 'odd' }] },
      ['email carl@example.fi', 'sms +358401000001', 'sms +358401000016'],
    ],
    [
      'a street stretch, even numbers',
      { streets: [{ street: 'koulukatu', from: 8, to: 12, side: 'even' }] },
      ['sms +358401000008', 'sms +358401000010', 'voice +358401000010'],
    ],
    ['a postal code', { postalCodes: ['35820'] }, ['sms +358401000021', 'sms +358401000022']],
  ])('sends %s to exactly its recipients', async (_name, area, expected) => {
    const { inbox } = await sendTo(area);
    expect(inbox).toEqual(expected);
  });

  it('sends follow-ups to the set frozen by the first message, whoever registered since', async () => {
    const first = await sendTo({ area: WEST });
    expect(first.inbox).toEqual(westInbox);
    const newcomer = await addPerson(t().context, tenant, {
      endpoints: [{ type: 'mobile', value: '+358401000050' }],
      addresses: ['kk-11'],
    });
    const preview = (await post(`/incidents/${first.incidentId}/preview`, {})).json();
    expect(preview).toMatchObject({ frozen: true, endpoints: { total: 7 } });
    const update = await post(`/incidents/${first.incidentId}/messages`, {
      kind: 'update',
      texts: { fi: 'Korjaus jatkuu {address}' },
    });
    expect(update.statusCode, update.body).toBe(201);
    await t().context.dispatch.runtime.drain();
    expect(await inboxOf(t().context, update.json().id)).toEqual(westInbox);
    const allClear = await post(`/incidents/${first.incidentId}/messages`, { kind: 'all-clear' });
    await t().context.dispatch.runtime.drain();
    expect(await inboxOf(t().context, allClear.json().id)).toEqual(westInbox);
    expect((await get(`/incidents/${first.incidentId}`)).json()).toMatchObject({
      status: 'resolved',
      frozen: true,
      recipientCount: 7,
    });
    const moved = await t().app.inject({
      method: 'PATCH',
      url: url(`/incidents/${first.incidentId}`),
      headers: auth,
      payload: { postalCodes: ['35820'] },
    });
    expect(moved.statusCode).toBe(409);
    await contactRepository(t().context.db.kysely).delete(tenant.id, newcomer); // records the change too
  });

  it('refuses a follow-up before a first message, and bad areas with their reason', async () => {
    const created = await post('/incidents', { service: 'water', kind: 'sudden', title: 'x', area: WEST });
    const update = await post(`/incidents/${created.json().id}/messages`, { kind: 'update' });
    expect(update.statusCode).toBe(400);
    expect(update.json().errors[0].field).toBe('kind');
    const outside = await post('/incidents', {
      service: 'water',
      kind: 'sudden',
      title: 'x',
      area: square(26, 63, 0.01),
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.headers['content-type']).toContain('application/problem+json');
    expect(outside.json()).toMatchObject({
      errors: [{ field: 'area', message: 'the area lies entirely outside the service area' }],
    });
    const bowtie = await post('/incidents', {
      service: 'water',
      kind: 'sudden',
      title: 'x',
      area: {
        type: 'Polygon',
        coordinates: [
          [
            [24.6, 62],
            [24.61, 62.01],
            [24.61, 62],
            [24.6, 62.01],
            [24.6, 62],
          ],
        ],
      },
    });
    expect(bowtie.json().errors[0].message).toMatch(/intersects itself/);
  });

  it('holds planned-work notices until quiet hours end; sudden ones go at once', async () => {
    const quietTenant = await t().context.tenants.updateSettings(tenant, {
      quietHours: { start: '21:00', end: '07:00', timeZone: 'Europe/Helsinki' },
    });
    try {
      t().clock.set(Date.parse('2025-06-15T22:30:00+03:00'));
      const planned = await post('/incidents', {
        service: 'water',
        kind: 'planned',
        title: 'Huolto',
        area: WEST,
        startsAt: '2025-06-16T09:00:00+03:00',
      });
      const held = await post(`/incidents/${planned.json().id}/messages`, { texts: { fi: 'Huoltokatko {start}' } });
      expect(held.json()).toMatchObject({
        status: 'scheduled',
        sendAt: new Date(Date.parse('2025-06-16T07:00:00+03:00')).toISOString(),
        requestedAt: new Date(Date.parse('2025-06-15T22:30:00+03:00')).toISOString(),
      });
      const sudden = await sendTo({ area: WEST });
      expect(sudden.inbox).toEqual(westInbox);
      await t().context.dispatch.runtime.drain();
      expect(await inboxOf(t().context, held.json().id)).toEqual([]);
      t().clock.set(Date.parse('2025-06-16T07:00:01+03:00'));
      await t().context.dispatch.runtime.drain();
      expect(await inboxOf(t().context, held.json().id)).toEqual(westInbox);
    } finally {
      tenant = await t().context.tenants.updateSettings(quietTenant, { quietHours: null });
      t().clock.set(NOW);
    }
  });

  it('sends a scheduled message when its time comes, not before', async () => {
    const created = await post('/incidents', {
      service: 'water',
      kind: 'sudden',
      title: 'Later',
      postalCodes: ['35820'],
    });
    const scheduled = await post(`/incidents/${created.json().id}/messages`, {
      sendAt: new Date(NOW + 3_600_000).toISOString(),
    });
    expect(scheduled.json().status).toBe('scheduled');
    await t().context.dispatch.runtime.drain();
    expect(await inboxOf(t().context, scheduled.json().id)).toEqual([]);
    t().clock.set(NOW + 3_600_000);
    await t().context.dispatch.runtime.drain();
    expect(await inboxOf(t().context, scheduled.json().id)).toEqual(['sms +358401000021', 'sms +358401000022']);
    t().clock.set(NOW);
  });

  it('retries failed deliveries, exports deliveries as CSV (audited), streams progress', async () => {
    const { messageId } = await sendTo({ postalCodes: ['35820'] });
    const { kysely } = t().context.db;
    await kysely
      .updateTable('deliveries')
      .set({ status: 'failed', error: 'unknown subscriber' })
      .where('message_id', '=', messageId)
      .where('seq', '=', 1)
      .execute();
    expect((await get(`/messages/${messageId}`)).json()).toMatchObject({ delivered: 1, failed: 1 });
    const retried = await post(`/messages/${messageId}/retry`, {});
    expect(retried.json()).toMatchObject({ queued: 1, failed: 0 });
    await t().context.dispatch.runtime.drain();
    expect((await get(`/messages/${messageId}`)).json()).toMatchObject({ status: 'sent', delivered: 2, failed: 0 });

    const csv = await get(`/messages/${messageId}/deliveries.csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toBe(
      'seq,channel,endpoint,language,address,status,error,attempts,sent_at,updated_at',
    );
    // A cell beginning with + would be a formula in a spreadsheet: written with a leading '.
    expect(csv.body).toContain(",'+358401000021,");
    const audit = await kysely
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('tenant_id', '=', tenant.id)
      .where('subject_id', '=', messageId)
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      'message.create',
      'message.export',
      'message.retry',
      'message.send',
    ]);
    expect(audit.map((a) => a.detail ?? '').join()).not.toContain('+358');

    const events = await get(`/messages/${messageId}/events`);
    expect(events.headers['content-type']).toBe('text/event-stream');
    expect(JSON.parse(events.body.trim().replace(/^data: /, ''))).toMatchObject({
      status: 'sent',
      delivered: 2,
      total: 2,
    });
  });

  it('cancels a scheduled message: nothing goes out', async () => {
    const created = await post('/incidents', {
      service: 'water',
      kind: 'sudden',
      title: 'Cancel me',
      postalCodes: ['35820'],
    });
    const scheduled = await post(`/incidents/${created.json().id}/messages`, { sendAt: NOW + 600_000 });
    const cancelled = await post(`/messages/${scheduled.json().id}/cancel`, {});
    expect(cancelled.json().status).toBe('cancelled');
    t().clock.set(NOW + 700_000);
    await t().context.dispatch.runtime.drain();
    t().clock.set(NOW);
    expect(await inboxOf(t().context, scheduled.json().id)).toEqual([]);
  });

  it("guards the routes: no caller 401, a viewer cannot send, another tenant's token is unknown", async () => {
    expect((await t().app.inject({ url: url('/incidents') })).statusCode).toBe(401);
    const viewer = await tokenHeaders(t().context, tenant, 'viewer');
    expect((await t().app.inject({ url: url('/incidents'), headers: viewer })).statusCode).toBe(200);
    const denied = await t().app.inject({
      method: 'POST',
      url: url('/incidents'),
      headers: viewer,
      payload: { service: 'water', kind: 'sudden', title: 'x', area: WEST },
    });
    expect(denied.statusCode).toBe(403);
    const other = await buildTown(t().context);
    const foreign = await tokenHeaders(t().context, other);
    expect((await t().app.inject({ url: url('/incidents'), headers: foreign })).statusCode).toBe(401);
  });

  it("lists a resident's notices for the history, once per channel with its status", async () => {
    const twoPhones = await addPerson(t().context, tenant, {
      endpoints: [
        { type: 'mobile', value: '+358401000061' },
        { type: 'mobile', value: '+358401000062' },
        { type: 'email', value: 'kaksi@example.fi' },
      ],
      addresses: ['pk-6'],
    });
    const { messageId } = await sendTo({ postalCodes: ['35820'] });
    const notices2 = async () =>
      (await t().context.dispatch.listNoticesForContact(tenant.id, twoPhones, NOW - 86_400_000))
        .filter((n) => n.id.startsWith(messageId))
        .map((n) => [n.channel, n.status])
        .sort();
    expect(await notices2()).toEqual([
      ['email', 'delivered'],
      ['sms', 'delivered'],
    ]);
    // One of the two phones failed: the SMS line stays delivered (the best of them); both failed: failed.
    const db = t().context.db.kysely;
    const smsSeqs = db
      .selectFrom('incident_recipients')
      .select('seq')
      .where('tenant_id', '=', tenant.id)
      .where('contact_id', '=', twoPhones)
      .where('channel', '=', 'sms');
    const failSms = (limit: number) =>
      db
        .updateTable('deliveries')
        .set({ status: 'failed' })
        .where('tenant_id', '=', tenant.id)
        .where('message_id', '=', messageId)
        .where('seq', 'in', smsSeqs.orderBy('seq').limit(limit))
        .execute();
    await failSms(1);
    expect(await notices2()).toEqual([
      ['email', 'delivered'],
      ['sms', 'delivered'],
    ]);
    await failSms(2);
    expect(await notices2()).toEqual([
      ['email', 'delivered'],
      ['sms', 'failed'],
    ]);
    const contact = await t()
      .context.db.kysely.selectFrom('contact_endpoints')
      .select('contact_id')
      .where('tenant_id', '=', tenant.id)
      .where('value', '=', '+358401000021')
      .executeTakeFirstOrThrow();
    const notices = await t().context.dispatch.listNoticesForContact(tenant.id, contact.contact_id, NOW - 86_400_000);
    expect(notices.find((n) => n.id.startsWith(messageId))).toMatchObject({
      channel: 'sms',
      kind: 'alert',
      service: 'water',
      address: 'Puistokatu 1',
      status: 'delivered',
    });
    // The resident sees it too, logged in over HTTP: the history route and the data export. (A week later,
    // after every message of the tests above, so that the PIN is the newest line of the inbox for that number.)
    t().clock.set(NOW + 7 * 86_400_000);
    const session = await logIn(t().app, tenant.slug, { phone: '+358401000021' }, '+358401000021', '10.77.0.1');
    const history = (await session.call('GET', '/me/history')).json().items as Array<Record<string, unknown>>;
    expect(history.find((n) => String(n.id).startsWith(messageId))).toMatchObject({
      channel: 'sms',
      kind: 'alert',
      text: 'Vesikatko Puistokatu 1\nMäntän Vesi',
      address: 'Puistokatu 1',
    });
    expect((await session.call('GET', '/me/export')).json().notices).toEqual(history);
  });
});
