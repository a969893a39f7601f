/**
 * SMS over HTTP against stand-ins that follow each provider's published format field by field — 46elks
 * (form POST /a1/sms, Basic auth, `whendelivered` reports), Twilio (form POST …/Messages.json, Basic
 * auth, signed status callbacks), GatewayAPI (JSON POST /rest/mtsms with many recipients, `Token` auth,
 * JWT-signed statuses) — and a send on both databases that fails over from one to the next and gets its
 * receipts through the webhook; SMS residents send back (each provider's inbound format) reach the replies
 * and STOP only through the same checked webhook. Each provider's health is its account endpoint (46elks
 * GET /a1/me, Twilio GET …/Accounts/{sid}.json, GatewayAPI GET /rest/me), which /readyz shows.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/channels/channel.js';
import { elks46Provider } from '../../src/channels/sms/elks46.provider.js';
import { gatewayApiProvider } from '../../src/channels/sms/gatewayapi.provider.js';
import { twilioProvider, twilioSignature } from '../../src/channels/sms/twilio.provider.js';
import { webhookToken } from '../../src/channels/sms/http-sms.js';
import { parseChannelUrl } from '../../src/lib/channel-url.js';
import { describeEachDatabase } from '../app.js';
import { addPerson, buildTown, CENTER, square, tokenHeaders } from '../dispatch/fixtures.js';

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}
type Answer = { status: number; body: unknown };

/** A provider stand-in: records each request and answers with `answer(request)`. */
async function standIn(
  answer: (seen: Seen) => Answer,
): Promise<{ base: string; seen: Seen[]; close(): Promise<void>; answer: typeof answer }> {
  const seen: Seen[] = [];
  const state = { answer };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const body = req.headers['content-type']?.startsWith('application/json')
        ? (JSON.parse(text) as Record<string, unknown>)
        : Object.fromEntries(new URLSearchParams(text));
      const request = { method: req.method!, path: req.url!, headers: req.headers, body };
      seen.push(request);
      const reply = state.answer(request);
      res.writeHead(reply.status, {
        'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json',
      });
      res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    get answer() {
      return state.answer;
    },
    set answer(next) {
      state.answer = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const PUBLIC_URL = 'https://aviso.example';
const deps = {
  publicUrl: PUBLIC_URL,
  secret: 'test-secret-test-secret-test-secret-0123',
  now: () => 1_700_000_000_000,
};
const sms = (id: string, to: string, text = 'Vesikatko huomenna'): OutboundMessage => ({
  id,
  tenantId: 't',
  channel: 'sms',
  to,
  text,
  from: 'MantanVesi',
});
const basicOf = (header: unknown) => Buffer.from(String(header).replace(/^Basic /, ''), 'base64').toString();

function jwtHs256(claims: object, secret: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

describe('HTTP SMS providers against stand-ins of their published APIs', () => {
  const closing: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closing.splice(0)) await close();
  });

  it('46elks: form fields, Basic auth, whendelivered; 400 final, 503 and 429 temporary; reports only with the path token', async () => {
    const api = await standIn((r) =>
      String(r.body.to).endsWith('999')
        ? { status: 400, body: 'Invalid to number' }
        : String(r.body.to).endsWith('503')
          ? { status: 503, body: 'Service unavailable' }
          : { status: 200, body: { status: 'created', id: 's1', to: r.body.to, parts: 1 } },
    );
    closing.push(api.close);
    const provider = elks46Provider(
      parseChannelUrl(`46elks://u1234:secretpw@api.46elks.com?base=${encodeURIComponent(api.base)}`),
      deps,
    );
    const [ok, bad, down] = await Promise.all(
      [sms('a', '+358401234567'), sms('b', '+358401234999'), sms('c', '+358401234503')].map((m) => provider.send(m)),
    );
    const first = api.seen.find((r) => r.body.to === '+358401234567')!;
    expect(first).toMatchObject({
      method: 'POST',
      path: '/a1/sms',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(basicOf(first.headers.authorization)).toBe('u1234:secretpw');
    const callback = String(first.body.whendelivered);
    expect(first.body).toEqual({
      from: 'MantanVesi',
      to: '+358401234567',
      message: 'Vesikatko huomenna',
      whendelivered: callback,
    });
    expect(callback).toMatch(/^https:\/\/aviso\.example\/api\/webhooks\/sms\/46elks-u1234\/[A-Za-z0-9_-]{32}$/);
    expect(ok).toMatchObject({
      status: 'sent',
      providerId: 's1',
      provider: '46elks://u1234@127.0.0.1:' + new URL(api.base).port,
    });
    expect(bad).toMatchObject({ status: 'failed', retryable: false, error: '400 Invalid to number' });
    expect(down).toMatchObject({ status: 'failed', retryable: true, error: '503 Service unavailable' });

    const [webhook] = provider.webhooks!;
    const token = callback.split('/').pop();
    expect(
      webhook!.handle({
        url: callback,
        headers: {},
        body: { id: 's1', status: 'delivered', delivered: '2026-12-02T10:00:00Z' },
        token,
      }),
    ).toMatchObject({ ok: true, receipts: [{ providerId: 's1', status: 'delivered' }] });
    expect(
      webhook!.handle({ url: callback, headers: {}, body: { id: 's1', status: 'delivered' }, token: 'guessed' }),
    ).toEqual({ ok: false, reason: 'wrong or missing webhook token' });

    // An incoming SMS as 46elks posts it to the number's sms_url.
    const incoming = {
      direction: 'incoming',
      id: 'sf8425555e5d8db61dda7a7b3f1b91bdb',
      from: '+358401234567',
      to: '+358451110000',
      created: '2026-12-02 10:00:00.000000',
      message: 'Lopeta',
    };
    expect(webhook!.handle({ url: callback, headers: {}, body: incoming, token })).toEqual({
      ok: true,
      receipts: [],
      inbound: [
        { provider: ok!.provider, from: '+358401234567', to: '+358451110000', text: 'Lopeta', receivedAt: deps.now() },
      ],
    });
    expect(webhook!.handle({ url: callback, headers: {}, body: incoming, token: undefined })).toEqual({
      ok: false,
      reason: 'wrong or missing webhook token',
    });
  });

  it('Twilio: form fields, Basic auth, StatusCallback; error codes kept; a callback counts only with a valid X-Twilio-Signature', async () => {
    const api = await standIn((r) =>
      String(r.body.To).endsWith('999')
        ? {
            status: 400,
            body: {
              code: 21211,
              message: "The 'To' number +358401234999 is not a valid phone number.",
              more_info: 'https://www.twilio.com/docs/errors/21211',
              status: 400,
            },
          }
        : String(r.body.To).endsWith('429')
          ? { status: 429, body: { code: 20429, message: 'Too Many Requests', status: 429 } }
          : {
              status: 201,
              body: { sid: `SM${String(api.seen.length).padStart(32, '0')}`, status: 'queued', to: r.body.To },
            },
    );
    closing.push(api.close);
    const provider = twilioProvider(
      new URL(
        `twilio://AC0123456789abcdef0123456789abcdef:authtoken123@api.twilio.com?from=%2B358401110000&base=${encodeURIComponent(api.base)}`,
      ),
      deps,
    );
    const [ok, bad, throttled] = await Promise.all(
      [sms('a', '+358401234567'), sms('b', '+358401234999'), sms('c', '+358401234429')].map((m) =>
        provider.send({ ...m, from: '+358401110000' }),
      ),
    );
    const first = api.seen.find((s) => s.body.To === '+358401234567')!;
    expect(first).toMatchObject({
      method: 'POST',
      path: '/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json',
    });
    expect(basicOf(first.headers.authorization)).toBe('AC0123456789abcdef0123456789abcdef:authtoken123');
    const callback = `${PUBLIC_URL}/api/webhooks/sms/twilio-AC0123456789abcdef0123456789abcdef`;
    expect(first.body).toEqual({
      To: '+358401234567',
      Body: 'Vesikatko huomenna',
      From: '+358401110000',
      StatusCallback: callback,
    });
    expect(ok).toMatchObject({ status: 'sent', providerId: expect.stringMatching(/^SM\d{32}$/) });
    expect(bad).toMatchObject({
      status: 'failed',
      retryable: false,
      error: "400 Twilio 21211: The 'To' number +358401234999 is not a valid phone number.",
    });
    expect(throttled).toMatchObject({ status: 'failed', retryable: true });

    const form = {
      AccountSid: 'AC0123456789abcdef0123456789abcdef',
      MessageSid: ok!.providerId!,
      MessageStatus: 'undelivered',
      ErrorCode: '30003',
    };
    const [webhook] = provider.webhooks!;
    const signature = twilioSignature('authtoken123', callback, form);
    expect(
      webhook!.handle({ url: callback, headers: { 'x-twilio-signature': signature }, body: form, token: undefined }),
    ).toMatchObject({
      ok: true,
      receipts: [{ providerId: ok!.providerId, status: 'failed', error: 'undelivered (Twilio 30003)' }],
    });
    expect(
      webhook!.handle({
        url: callback,
        headers: { 'x-twilio-signature': signature },
        body: { ...form, MessageStatus: 'delivered' },
        token: undefined,
      }),
    ).toEqual({ ok: false, reason: 'bad X-Twilio-Signature' });
    expect(webhook!.handle({ url: callback, headers: {}, body: form, token: undefined })).toEqual({
      ok: false,
      reason: 'unsigned callback',
    });

    // An incoming message as Twilio posts it to the number's Messaging webhook, signed alike.
    const incoming = {
      ToCountry: 'FI',
      SmsMessageSid: 'SM11',
      NumMedia: '0',
      SmsSid: 'SM11',
      SmsStatus: 'received',
      Body: 'Milloin vesi palaa?',
      To: '+358401110000',
      NumSegments: '1',
      MessageSid: 'SM11',
      AccountSid: 'AC0123456789abcdef0123456789abcdef',
      From: '+358401234567',
      ApiVersion: '2010-04-01',
    };
    const signed = twilioSignature('authtoken123', callback, incoming);
    expect(
      webhook!.handle({ url: callback, headers: { 'x-twilio-signature': signed }, body: incoming, token: undefined }),
    ).toEqual({
      ok: true,
      receipts: [],
      inbound: [
        {
          provider: ok!.provider,
          from: '+358401234567',
          to: '+358401110000',
          text: 'Milloin vesi palaa?',
          receivedAt: deps.now(),
        },
      ],
    });
    expect(
      webhook!.handle({
        url: callback,
        headers: { 'x-twilio-signature': signed },
        body: { ...incoming, Body: 'STOP' },
        token: undefined,
      }),
    ).toEqual({ ok: false, reason: 'bad X-Twilio-Signature' });
  });

  it('GatewayAPI: one JSON request per text with all its recipients, Token auth; statuses count only with a valid JWT', async () => {
    const api = await standIn((r) => ({
      status: 200,
      body: {
        ids: [1000 + api.seen.length],
        usage: { countries: { FI: (r.body.recipients as unknown[]).length }, currency: 'EUR', total_cost: 0.1 },
      },
    }));
    closing.push(api.close);
    const provider = gatewayApiProvider(
      new URL(`gatewayapi://tok3n@gatewayapi.com?webhookSecret=whsecret&base=${encodeURIComponent(api.base)}`),
      deps,
    );
    const results = await provider.sendBatch!([
      sms('a', '+358401234567'),
      sms('b', '+358401234568'),
      sms('c', '+358401234569', 'Toinen teksti'),
    ]);
    expect(api.seen).toHaveLength(2);
    expect(api.seen[0]).toMatchObject({
      method: 'POST',
      path: '/rest/mtsms',
      headers: { authorization: 'Token tok3n', 'content-type': 'application/json' },
    });
    const [key] = provider.webhooks!.map((w) => w.key);
    expect(api.seen[0]!.body).toEqual({
      sender: 'MantanVesi',
      message: 'Vesikatko huomenna',
      recipients: [{ msisdn: 358401234567 }, { msisdn: 358401234568 }],
      callback_url: `${PUBLIC_URL}/api/webhooks/sms/${key}`,
    });
    expect(results.map((r) => r.providerId)).toEqual(['1001:358401234567', '1001:358401234568', '1002:358401234569']);

    const [webhook] = provider.webhooks!;
    const status = {
      id: 1001,
      msisdn: 358401234568,
      time: 1_700_000_000,
      status: 'UNDELIVERED',
      error: 'Absent subscriber',
      code: '0x01',
    };
    expect(
      webhook!.handle({
        url: '',
        headers: { 'x-gwapi-signature': jwtHs256(status, 'whsecret') },
        body: status,
        token: undefined,
      }),
    ).toMatchObject({
      ok: true,
      receipts: [{ providerId: '1001:358401234568', status: 'failed', error: 'UNDELIVERED: Absent subscriber (0x01)' }],
    });
    expect(
      webhook!.handle({
        url: '',
        headers: { 'x-gwapi-signature': jwtHs256({ ...status, status: 'DELIVERED' }, 'guessed') },
        body: status,
        token: undefined,
      }),
    ).toEqual({ ok: false, reason: 'missing or bad X-Gwapi-Signature' });

    // An incoming SMS (MO) as GatewayAPI posts it, with the same JWT.
    const mo = {
      id: 1000001,
      msisdn: 358401234567,
      receiver: 4512345678,
      message: 'SLUTA',
      senttime: 1_700_000_000,
      webhook_label: 'aviso',
    };
    expect(
      webhook!.handle({
        url: '',
        headers: { 'x-gwapi-signature': jwtHs256(mo, 'whsecret') },
        body: mo,
        token: undefined,
      }),
    ).toEqual({
      ok: true,
      receipts: [],
      inbound: [
        {
          provider: results[0]!.provider,
          from: '+358401234567',
          to: '4512345678',
          text: 'SLUTA',
          receivedAt: deps.now(),
        },
      ],
    });
    expect(
      webhook!.handle({
        url: '',
        headers: { 'x-gwapi-signature': jwtHs256(mo, 'guessed') },
        body: mo,
        token: undefined,
      }),
    ).toEqual({ ok: false, reason: 'missing or bad X-Gwapi-Signature' });
  });

  it("health: each provider's account endpoint with its credentials; refused credentials, an error answer and nothing listening fail", async () => {
    const accounts: Record<string, { authorization: string; body: unknown }> = {
      '/a1/me': {
        authorization: `Basic ${Buffer.from('elks:pw').toString('base64')}`,
        body: { balance: 2_000_000, currency: 'SEK' },
      },
      '/2010-04-01/Accounts/AC123.json': {
        authorization: `Basic ${Buffer.from('AC123:tok').toString('base64')}`,
        body: { sid: 'AC123', status: 'active' },
      },
      '/rest/me': { authorization: 'Token gwtoken', body: { credit: 12.5, currency: 'EUR', id: 1 } },
    };
    const api = await standIn((r) => {
      const account = accounts[r.path];
      if (r.method !== 'GET' || !account) return { status: 404, body: 'Not found' };
      return r.headers.authorization === account.authorization
        ? { status: 200, body: account.body }
        : { status: 401, body: 'Unauthorized' };
    });
    closing.push(api.close);
    const base = `base=${encodeURIComponent(api.base)}`;
    const host = api.base.replace('http://', '');
    const health = (url: string) => {
      const parsed = parseChannelUrl(url);
      const make = { 'elks46:': elks46Provider, 'twilio:': twilioProvider, 'gatewayapi:': gatewayApiProvider }[
        parsed.protocol
      ]!;
      return make(parsed, deps).health!();
    };
    expect(await health(`46elks://elks:pw@api.46elks.com?${base}`)).toEqual({
      ok: true,
      detail: `46elks://elks@${host}: credentials accepted`,
    });
    expect(await health(`twilio://AC123:tok@api.twilio.com?${base}`)).toEqual({
      ok: true,
      detail: `twilio://AC123@${host}: credentials accepted, account active`,
    });
    const gateway = await health(`gatewayapi://gwtoken@gatewayapi.com?${base}`);
    expect(gateway).toEqual({ ok: true, detail: expect.stringMatching(/: credentials accepted, credit 12.5 EUR$/) });
    expect(api.seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /a1/me',
      'GET /2010-04-01/Accounts/AC123.json',
      'GET /rest/me',
    ]);

    // Wrong credentials: 401.
    expect(await health(`46elks://elks:wrong@api.46elks.com?${base}`)).toEqual({
      ok: false,
      detail: `46elks://elks@${host}: credentials refused (401)`,
    });
    expect((await health(`twilio://AC123:wrong@api.twilio.com?${base}`)).detail).toMatch(
      /credentials refused \(401\)$/,
    );
    expect((await health(`gatewayapi://wrong@gatewayapi.com?${base}`)).detail).toMatch(/credentials refused \(401\)$/);
    // A suspended Twilio account, a provider failing.
    accounts['/2010-04-01/Accounts/AC123.json']!.body = { sid: 'AC123', status: 'suspended' };
    expect(await health(`twilio://AC123:tok@api.twilio.com?${base}`)).toEqual({
      ok: false,
      detail: `twilio://AC123@${host}: the account is suspended`,
    });
    api.answer = () => ({ status: 503, body: 'Service unavailable' });
    expect((await health(`46elks://elks:pw@api.46elks.com?${base}`)).detail).toBe(
      `46elks://elks@${host}: 503 Service unavailable`,
    );
    // Nothing listening (a port taken, then let go).
    const nobody = createServer();
    await new Promise<void>((resolve) => nobody.listen(0, '127.0.0.1', resolve));
    const gone = `base=${encodeURIComponent(`http://127.0.0.1:${(nobody.address() as AddressInfo).port}`)}`;
    await new Promise<void>((resolve) => nobody.close(() => resolve()));
    for (const url of [
      `46elks://elks:pw@api.46elks.com?${gone}`,
      `twilio://AC123:tok@api.twilio.com?${gone}`,
      `gatewayapi://gwtoken@gatewayapi.com?${gone}`,
    ]) {
      const down = await health(url);
      expect(down.ok).toBe(false);
      expect(down.detail).toMatch(/: connection failed \(ECONNREFUSED\)$/);
    }
  });
});

// 46elks is down: every message fails over to GatewayAPI. Listening before the apps are built, which read their URLs.
const elks = await standIn(() => ({ status: 503, body: 'Service unavailable' }));
const gateway = await standIn(() => ({ status: 200, body: { ids: [4242] } }));
afterAll(async () => {
  await elks.close();
  await gateway.close();
});

describeEachDatabase(
  'a send over HTTP SMS with failover and webhook receipts',
  (t) => {
    it("moves on to the next provider, says so in the message status, takes signed receipts only, and residents' STOP and replies by each webhook", async () => {
      elks.seen.length = 0;
      gateway.seen.length = 0;
      const { context, app } = t();
      const tenant = await buildTown(context);
      for (const n of ['+358401230101', '+358401230102'])
        await addPerson(context, tenant, { endpoints: [{ type: 'mobile', value: n }], addresses: ['kk-1'] });
      const headers = await tokenHeaders(context, tenant);
      const incident = await app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/incidents`,
        headers,
        payload: {
          service: 'water',
          kind: 'sudden',
          title: 'Putkirikko',
          area: square(CENTER.lon - 0.002, CENTER.lat + 0.0002, 0.0001),
        },
      });
      const sent = await app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/incidents/${incident.json<{ id: string }>().id}/messages`,
        headers,
        payload: { texts: { fi: 'Vesikatko' } },
      });
      const messageId = sent.json<{ id: string }>().id;
      await context.dispatch.runtime.drain();
      const status = async () =>
        (await app.inject({ method: 'GET', url: `/api/t/${tenant.slug}/messages/${messageId}`, headers })).json<{
          sent: number;
          delivered: number;
          failed: number;
          failovers: Array<{ reason: string; count: number }>;
          providers: Array<{ provider: string }>;
        }>();
      const afterSend = await status();
      expect(afterSend).toMatchObject({ sent: 2, failed: 0 });
      expect(afterSend.failovers).toEqual([
        { reason: expect.stringMatching(/^46elks:\/\/elks@127\.0\.0\.1:\d+: 503 Service unavailable$/), count: 2 },
      ]);
      expect(elks.seen).toHaveLength(2);
      expect(gateway.seen).toHaveLength(1);

      const key = `gatewayapi-${afterSend.providers[0]!.provider.slice(-8)}`;
      const report = { id: 4242, msisdn: 358401230101, time: 1_700_000_000, status: 'DELIVERED' };
      const forged = await app.inject({
        method: 'POST',
        url: `/api/webhooks/sms/${key}`,
        headers: { 'x-gwapi-signature': jwtHs256(report, 'not-the-secret') },
        payload: report,
      });
      expect(forged.statusCode).toBe(403);
      expect(forged.headers['content-type']).toContain('application/problem+json');
      const unknown = await app.inject({ method: 'POST', url: '/api/webhooks/sms/nobody', payload: report });
      expect(unknown.statusCode).toBe(404);
      const signed = await app.inject({
        method: 'POST',
        url: `/api/webhooks/sms/${key}`,
        headers: { 'x-gwapi-signature': jwtHs256(report, 'whsecret') },
        payload: report,
      });
      expect(signed.statusCode).toBe(204);
      await expect.poll(async () => (await status()).delivered, { timeout: 5000 }).toBe(1);
      expect(await status()).toMatchObject({ sent: 1, delivered: 1 });

      // Residents answer: LOPETA through GatewayAPI's MO webhook (signed), a question through 46elks' (path token).
      const stop = { id: 77, msisdn: 358401230101, receiver: 358401110000, message: 'LOPETA', senttime: 1_700_000_000 };
      expect(
        (
          await app.inject({
            method: 'POST',
            url: `/api/webhooks/sms/${key}`,
            headers: { 'x-gwapi-signature': jwtHs256(stop, 'not-the-secret') },
            payload: stop,
          })
        ).statusCode,
      ).toBe(403);
      expect(await context.db.kysely.selectFrom('sms_opt_outs').selectAll().execute()).toEqual([]);
      expect(
        (
          await app.inject({
            method: 'POST',
            url: `/api/webhooks/sms/${key}`,
            headers: { 'x-gwapi-signature': jwtHs256(stop, 'whsecret') },
            payload: stop,
          })
        ).statusCode,
      ).toBe(204);
      expect(await context.db.kysely.selectFrom('sms_opt_outs').select(['tenant_id', 'number']).execute()).toEqual([
        { tenant_id: tenant.id, number: '+358401230101' },
      ]);
      // Confirmed by one SMS (46elks still down: through GatewayAPI).
      expect(gateway.seen.at(-1)!.body).toMatchObject({
        recipients: [{ msisdn: 358401230101 }],
        message: expect.stringContaining('tiedotteita'),
      });
      const elksKey = '46elks-elks';
      const question = new URLSearchParams({
        direction: 'incoming',
        id: 's9',
        from: '+358401230102',
        to: '+358401110000',
        created: '2026-12-02 10:00:00',
        message: 'Milloin vesi palaa?',
      }).toString();
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      expect(
        (
          await app.inject({
            method: 'POST',
            url: `/api/webhooks/sms/${elksKey}/guessed`,
            headers: form,
            payload: question,
          })
        ).statusCode,
      ).toBe(403);
      const elksToken = webhookToken({ ...deps, secret: context.config.secret }, elksKey);
      expect(
        (
          await app.inject({
            method: 'POST',
            url: `/api/webhooks/sms/${elksKey}/${elksToken}`,
            headers: form,
            payload: question,
          })
        ).statusCode,
      ).toBe(204);
      const replies = await app.inject({
        url: `/api/t/${tenant.slug}/incidents/${incident.json<{ id: string }>().id}/replies`,
        headers,
      });
      expect(replies.json().items).toEqual([
        expect.objectContaining({ from: '+358401230102', text: 'Milloin vesi palaa?', messageId }),
      ]);
    });

    it('is ready while one provider of the chain answers its account endpoint, and names the one that does not', async () => {
      const readiness = await t().app.inject({ url: '/readyz' });
      const sms = readiness
        .json<{ checks: Array<{ name: string; ok: boolean; detail: string }> }>()
        .checks.find((c) => c.name === 'channel:sms');
      expect(sms?.ok).toBe(true);
      expect(sms?.detail).toMatch(
        /^46elks:\/\/elks@127\.0\.0\.1:\d+: 503 Service unavailable; gatewayapi:\/\/127\.0\.0\.1:\d+\/\w+: credentials accepted$/,
      );
      expect(elks.seen.at(-1)).toMatchObject({ method: 'GET', path: '/a1/me' });
      expect(gateway.seen.at(-1)).toMatchObject({
        method: 'GET',
        path: '/rest/me',
        headers: { authorization: 'Token gwtoken' },
      });
    });
  },
  {
    publicUrl: PUBLIC_URL,
    sms: `46elks://elks:pw@api.46elks.com?base=${encodeURIComponent(elks.base)},gatewayapi://gwtoken@gatewayapi.com?webhookSecret=whsecret&base=${encodeURIComponent(gateway.base)}`,
  },
);
