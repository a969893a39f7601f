/**
 * Web push (`AVISO_PUSH=webpush://…`) against a push service stand-in (peers/push-service.ts) that checks
 * each push's VAPID signature and decrypts its payload (RFC 8291) with keys only the "browser" holds. On
 * both databases: the VAPID keys are made once and shared by two app instances on one database; a resident
 * adds a browser (validated field by field); a notice to it is delivered, encrypted, counted and costs
 * nothing; a subscription the push service says is gone (410) is removed and its delivery failed; a
 * throttled push (429) is tried again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type AppInstance } from '../../src/app.js';
import { webPushOptions } from '../../src/channels/push/web-push.provider.js';
import { loadConfig, pushOffered, type Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/connection.js';
import { createContext } from '../../src/context.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { createTestApp, testConfig, type TestApp } from '../app.js';
import { TEST_DATABASES } from '../databases.js';
import { addPerson, buildTown, tokenHeaders } from '../dispatch/fixtures.js';
import {
  requestPin,
  sessionCookieOf,
  sessionFor,
  submitPin,
  type ResidentSession,
} from '../residents/resident-client.js';
import { browserSubscription, decryptPush, startPushService, type PushService } from './peers/push-service.js';

const SUBJECT = 'mailto:ops@example.org';

describe('web push settings', () => {
  const base = { AVISO_SECRET: 'test-secret-test-secret-test-secret-0123' };
  const load = (env: Record<string, string>) => loadConfig({ ...base, ...env }, '/nonexistent');

  it('takes webpush:// for AVISO_PUSH, with a subject push services can reach the operator at', () => {
    expect(load({ AVISO_PUSH: 'webpush://?subject=mailto:ops@example.fi&tps=20' }).push).toBe(
      'webpush://?subject=mailto:ops@example.fi&tps=20',
    );
    expect(load({}).push).toBe('inbox');
    expect(() => load({ AVISO_PUSH: 'smtp://mail.example.fi' })).toThrow(/^AVISO_PUSH: /);
    // The dev inbox's pages show every message: not beside a real push channel either.
    expect(() => load({ AVISO_PUSH: 'webpush://?subject=mailto:ops@example.fi', AVISO_DEV_INBOX: 'true' })).toThrow(
      /^AVISO_DEV_INBOX: .*AVISO_PUSH/,
    );
    expect(webPushOptions(new URL('webpush://'), 'https://aviso.example.fi').subject).toBe('https://aviso.example.fi');
    expect(webPushOptions(new URL('webpush://?subject=mailto:ops@example.fi'), undefined).subject).toBe(
      'mailto:ops@example.fi',
    );
    expect(() => webPushOptions(new URL('webpush://'), 'http://aviso.example.fi')).toThrow(/VAPID subject/);
    expect(() => webPushOptions(new URL('webpush://?subject=ops'), undefined)).toThrow(/VAPID subject/);
  });

  it('offers browser notifications where push reaches browsers: a push service, or the served dev inbox', () => {
    expect(pushOffered(load({ AVISO_PUSH: 'webpush://?subject=mailto:ops@example.fi' }))).toBe(true);
    expect(pushOffered(load({ AVISO_DEV_INBOX: 'true' }))).toBe(true);
    expect(pushOffered(load({}))).toBe(false);
    expect(pushOffered(load({ AVISO_SMS: 'smpp://u:p@127.0.0.1:2775' }))).toBe(false);
  });
});

for (const kind of TEST_DATABASES) {
  describe(`web push [${kind}]`, () => {
    let t: TestApp;
    let service: PushService;
    let tenant: Tenant;
    let operator: Record<string, string>;

    beforeAll(async () => {
      service = await startPushService();
      t = await createTestApp(
        kind,
        { push: `webpush://?subject=${encodeURIComponent(SUBJECT)}` },
        { pushAgent: service.agent },
      );
      tenant = await buildTown(t.context);
      operator = await tokenHeaders(t.context, tenant);
    });
    afterAll(async () => {
      await t?.app.close();
      await t?.database.drop();
      await service?.close();
    });

    /** A resident with an email at `address`, logged in (the PIN read from the inbox table: beside a real channel its pages are off). */
    async function residentAt(email: string, address: string): Promise<ResidentSession> {
      await addPerson(t.context, tenant, { endpoints: [{ type: 'email', value: email }], addresses: [address] });
      expect((await requestPin(t.app, tenant.slug, { email })).statusCode).toBe(202);
      const mail = await t.context.db.kysely
        .selectFrom('inbox_messages')
        .select('text')
        .where('to', '=', email)
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
      const answer = await submitPin(t.app, tenant.slug, { email, pin: /\b(\d{4,8})\b/.exec(mail.text)![1] });
      expect(answer.statusCode, answer.body).toBe(200);
      return sessionFor(t.app, tenant.slug, sessionCookieOf(answer), answer.json().csrfToken);
    }

    async function send(
      text: string,
    ): Promise<{ messageId: string; preview: { endpoints: Record<string, number>; cost: { cents: number } } }> {
      const post = (url: string, payload: object) =>
        t.app.inject({ method: 'POST', url: `/api/t/${tenant.slug}${url}`, headers: operator, payload });
      const incident = await post('/incidents', {
        service: 'water',
        kind: 'sudden',
        title: 'Putkirikko',
        postalCodes: ['35800'],
      });
      expect(incident.statusCode, incident.body).toBe(201);
      const preview = await post(`/incidents/${incident.json().id}/preview`, {});
      const message = await post(`/incidents/${incident.json().id}/messages`, { texts: { fi: text } });
      expect(message.statusCode, message.body).toBe(201);
      await t.context.dispatch.runtime.drain();
      return { messageId: message.json().id, preview: preview.json() };
    }
    const messageStatus = async (id: string) =>
      (await t.app.inject({ url: `/api/t/${tenant.slug}/messages/${id}`, headers: operator })).json();

    /** Another app instance on the same database with a connection of its own, as another process is. */
    async function withOtherInstance(overrides: Partial<Config>, use: (app: AppInstance) => Promise<void>) {
      const db = openDatabase(t.database.url, t.database.schema ? { schema: t.database.schema, poolSize: 2 } : {});
      const app = await buildApp(createContext(testConfig({ databaseUrl: t.database.url, ...overrides }), db), {
        logger: false,
      });
      try {
        await use(app);
      } finally {
        await app.close();
        await db.close();
      }
    }

    it('makes the VAPID keys once and shares them between two app instances on one database', async () => {
      // A second instance, as another `aviso serve` or `aviso worker` process.
      await withOtherInstance({ push: t.context.config.push }, async (other) => {
        const url = `/api/t/${tenant.slug}/push/public-key`;
        const [a, b] = await Promise.all([t.app.inject({ url }), other.inject({ url })]);
        expect(a.statusCode, a.body).toBe(200);
        expect(b.json()).toEqual(a.json());
        const key = Buffer.from(a.json().publicKey, 'base64url');
        expect([key.length, key[0]]).toEqual([65, 4]);
        expect(await t.context.db.kysely.selectFrom('push_keys').select('public_key').execute()).toEqual([
          { public_key: a.json().publicKey },
        ]);
      });
    });

    it('is ready while its VAPID keys sign, and says so; a broken stored pair makes it not ready, with the reason', async () => {
      type Check = { name: string; ok: boolean; detail: string };
      const pushCheck = async (app: AppInstance) =>
        ((await app.inject({ url: '/readyz' })).json().checks as Check[]).find((c) => c.name === 'channel:push');
      expect(await pushCheck(t.app)).toEqual({
        name: 'channel:push',
        ok: true,
        detail: `webpush: VAPID keys sign as ${SUBJECT}`,
      });
      const stored = await t.context.db.kysely.selectFrom('push_keys').select('private_key').executeTakeFirstOrThrow();
      await t.context.db.kysely.updateTable('push_keys').set({ private_key: 'not-a-key' }).execute();
      try {
        // Another process reads the broken pair (this one keeps the pair it read).
        await withOtherInstance({ push: t.context.config.push }, async (other) => {
          expect(await pushCheck(other)).toMatchObject({
            ok: false,
            detail: expect.stringMatching(/^webpush: no usable VAPID keys \(.*private key/i),
          });
        });
      } finally {
        await t.context.db.kysely.updateTable('push_keys').set({ private_key: stored.private_key }).execute();
      }
    });

    it('takes a browser subscription from a logged-in resident, checking each field', async () => {
      const me = await residentAt('push-fields@example.org', 'kk-3');
      const browser = browserSubscription(`${service.origin}/sub/fields`);
      const refused = async (body: unknown) => {
        const answer = await me.call('POST', '/me/push-subscriptions', body);
        expect(answer.statusCode, answer.body).toBe(400);
        expect(answer.headers['content-type']).toContain('application/problem+json');
        return answer.json().errors.map((e: { field: string; code: string }) => `${e.field} ${e.code}`);
      };
      expect(await refused({ ...browser.json, endpoint: 'http://push.example.org/x' })).toEqual([
        'endpoint push-endpoint',
      ]);
      expect(await refused({ ...browser.json, endpoint: 'https://127.0.0.1:8443/x' })).toEqual([
        'endpoint push-endpoint',
      ]);
      expect(await refused({ ...browser.json, keys: { ...browser.json.keys, p256dh: 'AAAA' } })).toEqual([
        'keys.p256dh push-key',
      ]);
      expect(await refused({ ...browser.json, keys: { p256dh: browser.json.keys.p256dh } })).toEqual([
        'keys.auth required',
      ]);
      // A change without the CSRF header is refused.
      expect((await me.call('POST', '/me/push-subscriptions', browser.json, { csrf: null })).statusCode).toBe(403);

      const added = await me.call('POST', '/me/push-subscriptions', browser.json);
      expect(added.statusCode, added.body).toBe(201);
      expect(added.json()).toMatchObject({ endpoint: browser.endpoint, service: new URL(service.origin).host });
      // The same browser again is the one kept.
      expect((await me.call('POST', '/me/push-subscriptions', browser.json)).statusCode).toBe(200);
      expect((await me.call('GET', '/me/push-subscriptions')).json().items).toHaveLength(1);
      const types = (await me.call('GET', '/me')).json().endpoints.map((e: { type: string }) => e.type);
      expect(types).toEqual(['email', 'push']);
      expect((await me.call('DELETE', `/me/push-subscriptions/${added.json().id}`)).statusCode).toBe(204);
      expect((await me.call('GET', '/me/push-subscriptions')).json().items).toEqual([]);
    });

    it('refuses a subscription where push is not offered (push-off), and gives no key there', async () => {
      const me = await residentAt('push-off@example.org', 'kk-3');
      // Another instance on the same database, with push left at the inbox and the dev inbox's pages off.
      await withOtherInstance({ push: 'inbox', devInbox: false }, async (off) => {
        const key = await off.inject({ url: `/api/t/${tenant.slug}/push/public-key` });
        expect([key.statusCode, key.json()]).toEqual([200, { publicKey: null }]);
        const refused = await off.inject({
          method: 'POST',
          url: `/api/t/${tenant.slug}/me/push-subscriptions`,
          headers: { cookie: me.cookie, 'x-csrf-token': me.csrf },
          payload: browserSubscription(`${service.origin}/sub/off`).json,
        });
        expect(refused.statusCode, refused.body).toBe(404);
        expect(refused.json()).toMatchObject({ code: 'push-off' });
      });
    });

    it('delivers a notice to a subscribed browser, encrypted for it and signed, counted and free', async () => {
      const me = await residentAt('push-ok@example.org', 'kk-1');
      const browser = browserSubscription(`${service.origin}/sub/ok`);
      expect((await me.call('POST', '/me/push-subscriptions', browser.json)).statusCode).toBe(201);
      const publicKey = (await t.app.inject({ url: `/api/t/${tenant.slug}/push/public-key` })).json().publicKey;

      const { messageId, preview } = await send('Vesikatko Koulukadulla klo 12-14.');
      expect(preview.endpoints.push).toBeGreaterThanOrEqual(1);
      expect(preview.cost.cents).toBe(0);
      const pushes = service.pushes.filter((p) => p.path === '/sub/ok');
      expect(pushes).toHaveLength(1);
      const [push] = pushes as [(typeof pushes)[number]];
      expect(push.vapid).toMatchObject({ key: publicKey, aud: service.origin, sub: SUBJECT });
      expect(push.headers['content-encoding']).toBe('aes128gcm');
      expect(push.headers.urgency).toBe('high');
      // Kept by the push service until the notice expires (a day by default), not the library's four weeks.
      const ttl = Number(push.headers.ttl);
      expect(ttl).toBeGreaterThan(3600);
      expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
      const payload = JSON.parse(decryptPush(push, browser));
      expect(payload).toEqual({
        title: expect.stringContaining(tenant.name),
        body: expect.stringContaining('Vesikatko Koulukadulla klo 12-14.'),
        link: `/t/${tenant.slug}/map`,
        tag: messageId,
      });
      const status = await messageStatus(messageId);
      expect(status).toMatchObject({ failed: 0 });
      expect(status.delivered).toBeGreaterThanOrEqual(1);
      const delivery = await t.context.db.kysely
        .selectFrom('deliveries')
        .select(['status', 'provider', 'channel'])
        .where('message_id', '=', messageId)
        .where('channel', '=', 'push')
        .execute();
      expect(delivery).toEqual([{ status: 'delivered', provider: 'webpush', channel: 'push' }]);
      expect(
        (
          await me.call(
            'DELETE',
            `/me/push-subscriptions/${(await me.call('GET', '/me/push-subscriptions')).json().items[0].id}`,
          )
        ).statusCode,
      ).toBe(204);
    });

    it('removes a subscription the push service says is gone (410) and tries a throttled push (429) again', async () => {
      const gone = browserSubscription(`${service.origin}/sub/gone`);
      const busy = browserSubscription(`${service.origin}/sub/busy`);
      service.answers.set('/sub/gone', [410]);
      service.answers.set('/sub/busy', [429]);
      const first = await residentAt('push-gone@example.org', 'kk-2');
      const second = await residentAt('push-busy@example.org', 'kk-2');
      expect((await first.call('POST', '/me/push-subscriptions', gone.json)).statusCode).toBe(201);
      expect((await second.call('POST', '/me/push-subscriptions', busy.json)).statusCode).toBe(201);

      const { messageId } = await send('Vesikatko jatkuu.');
      const pushDeliveries = () =>
        t.context.db.kysely
          .selectFrom('deliveries')
          .select(['status', 'error'])
          .where('message_id', '=', messageId)
          .where('channel', '=', 'push')
          .orderBy('status')
          .execute();
      // The throttled push waits for the batch's next run (the queue's backoff), then goes again.
      await expect
        .poll(
          async () => {
            await t.context.dispatch.runtime.drain();
            return (await pushDeliveries()).filter((d) => d.status === 'queued').length;
          },
          { timeout: 20_000 },
        )
        .toBe(0);
      expect(await pushDeliveries()).toEqual([
        { status: 'delivered', error: null },
        { status: 'failed', error: expect.stringMatching(/^410 .*subscription gone: removed/) },
      ]);
      expect(service.pushes.filter((p) => p.path === '/sub/busy').map((p) => p.status)).toEqual([429, 201]);
      expect(service.pushes.filter((p) => p.path === '/sub/gone').map((p) => p.status)).toEqual([410]);
      expect((await first.call('GET', '/me/push-subscriptions')).json().items).toEqual([]);
      expect((await second.call('GET', '/me/push-subscriptions')).json().items).toHaveLength(1);
      const status = await messageStatus(messageId);
      expect(status.failed).toBe(1);
    });
  });
}
