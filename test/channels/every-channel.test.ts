/**
 * One notice to every kind of recipient at once, each through a stand-in of a real provider: SMS through
 * 46elks, failing over to Twilio for a number 46elks cannot take and on to GatewayAPI for one neither takes; two landlines called through 46elks (one
 * presses 1, one does not answer and is called again after the tenant's interval); an email through a real
 * SMTP server; a browser through a push service that checks VAPID and decrypts the payload. Receipts come back
 * the way each provider posts them, a resident's question and another's STOP come back as SMS, and the
 * counts end right. On both databases.
 */
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSignature } from '../../src/channels/sms/twilio.provider.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { createTestApp, type TestApp } from '../app.js';
import { TEST_DATABASES } from '../databases.js';
import { addPerson, buildTown, tokenHeaders } from '../dispatch/fixtures.js';
import { elks46Calls, formServer, freePort, postForm, type FormRequest } from './call-fixtures.js';
import { browserSubscription, decryptPush, startPushService, type PushService } from './peers/push-service.js';

const MOBILE = '+358401110001';
/** 46elks answers 503 for this one: it goes through Twilio. */
const MOBILE_VIA_TWILIO = '+358401110002';
/** Neither 46elks nor Twilio takes this one: it goes through GatewayAPI. */
const MOBILE_VIA_GATEWAY = '+358401110005';
const CONFIRMS = '+35834110003';
const ANSWERS_LATER = '+35834110004';
const EMAIL = 'asukas@example.fi';
const SENDER_NUMBER = '+46766861004';
const TWILIO_SID = 'AC0123456789abcdef0123456789abcdef';
const TWILIO_TOKEN = 'twilio-auth-token';
const GATEWAY_SECRET = 'gateway-webhook-secret';
const REDIAL_MS = 5 * 60_000;

/** A JWT (HS256) as GatewayAPI signs its callbacks with the webhook's secret: the claims are the callback. */
function gatewaySignature(claims: object, secret: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** 46elks', Twilio's and GatewayAPI's SMS APIs in one stand-in: each request recorded, answered as the provider answers. */
async function smsApis() {
  const requests: FormRequest[] = [];
  const server = await formServer((request) => {
    requests.push(request);
    if (request.method === 'POST' && request.url === '/a1/sms') {
      if (request.form.to === MOBILE_VIA_TWILIO || request.form.to === MOBILE_VIA_GATEWAY)
        return { status: 503, body: 'Service unavailable' };
      return { status: 200, body: { status: 'created', id: `s${requests.length}`, to: request.form.to, parts: 1 } };
    }
    if (request.method === 'POST' && request.url === `/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`) {
      if (request.form.To === MOBILE_VIA_GATEWAY)
        return { status: 503, body: { code: 20500, message: 'Internal Server Error', status: 503 } };
      return { status: 201, body: { sid: `SM${requests.length}`, status: 'queued', to: request.form.To } };
    }
    if (request.method === 'POST' && request.url === '/rest/mtsms') return { status: 200, body: { ids: [4242] } };
    return { status: 404, body: 'not found' };
  });
  return {
    ...server,
    requests,
    elks: () => requests.filter((r) => r.url === '/a1/sms'),
    twilio: () => requests.filter((r) => r.url.endsWith('/Messages.json')),
    gateway: () =>
      requests
        .filter((r) => r.url === '/rest/mtsms')
        .map(
          (r) =>
            JSON.parse(r.text) as { message: string; recipients: Array<{ msisdn: number }>; callback_url?: string },
        ),
  };
}

for (const kind of TEST_DATABASES) {
  describe(`a notice through every channel at once [${kind}]`, () => {
    let t: TestApp;
    let sms: Awaited<ReturnType<typeof smsApis>>;
    let voice: Awaited<ReturnType<typeof elks46Calls>>;
    let push: PushService;
    let smtp: SMTPServer;
    const mails: ParsedMail[] = [];
    let publicUrl = '';

    beforeAll(async () => {
      sms = await smsApis();
      // The second of each is the follow-up's call.
      voice = await elks46Calls({
        [CONFIRMS]: ['press-1', 'answer'],
        [ANSWERS_LATER]: ['failed', 'answer', 'answer'],
      });
      push = await startPushService();
      smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        onData: (stream, _session, callback) => {
          simpleParser(stream).then((mail) => (mails.push(mail), callback()), callback);
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
      const port = await freePort();
      publicUrl = `http://127.0.0.1:${port}`;
      const base = encodeURIComponent(sms.base);
      t = await createTestApp(
        kind,
        {
          publicUrl,
          sms: [
            `46elks://elksuser:elkspass@api.46elks.com?from=MantanVesi&base=${base}`,
            `twilio://${TWILIO_SID}:${TWILIO_TOKEN}@api.twilio.com?from=${encodeURIComponent(SENDER_NUMBER)}&base=${base}`,
            `gatewayapi://gwtoken@gatewayapi.com?from=MantanVesi&webhookSecret=${GATEWAY_SECRET}&base=${base}`,
          ].join(','),
          voice: `46elks://elksuser:elkspass@api.46elks.com?from=${encodeURIComponent(SENDER_NUMBER)}&base=${encodeURIComponent(voice.base)}`,
          email: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}?from=hairiot@example.fi`,
          push: 'webpush://?subject=mailto:ops@example.fi',
        },
        { pushAgent: push.agent },
      );
      await t.app.listen({ port, host: '127.0.0.1' });
    });
    afterAll(async () => {
      await t?.app.close();
      await t?.database.drop();
      await sms?.close();
      await voice?.close();
      await push?.close();
      await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    });

    it('goes out by SMS, call, email and push; receipts, the 1, a redial, a reply and a STOP come back; the counts end right', async () => {
      const start = Date.parse('2026-03-02T10:00:00Z');
      t.clock.set(start);
      const tenant: Tenant = await buildTown(t.context);
      const browser = browserSubscription(`${push.origin}/sub/every-channel`);
      const people = [
        { type: 'mobile' as const, value: MOBILE },
        { type: 'mobile' as const, value: MOBILE_VIA_TWILIO },
        { type: 'mobile' as const, value: MOBILE_VIA_GATEWAY },
        { type: 'landline' as const, value: CONFIRMS },
        { type: 'landline' as const, value: ANSWERS_LATER },
        { type: 'email' as const, value: EMAIL },
        { type: 'push' as const, value: JSON.stringify({ endpoint: browser.endpoint, keys: browser.json.keys }) },
      ];
      for (const [i, endpoint] of people.entries())
        await addPerson(t.context, tenant, { endpoints: [endpoint], addresses: [`kk-${i + 1}`] });
      const headers = await tokenHeaders(t.context, tenant);
      const post = (url: string, payload: object) =>
        t.app.inject({ method: 'POST', url: `/api/t/${tenant.slug}${url}`, headers, payload });
      const incident = await post('/incidents', {
        service: 'water',
        kind: 'sudden',
        title: 'Putkirikko',
        postalCodes: ['35800'],
      });
      expect(incident.statusCode, incident.body).toBe(201);
      const incidentId = incident.json<{ id: string }>().id;
      const preview = (await post(`/incidents/${incidentId}/preview`, {})).json<{
        endpoints: Record<string, number>;
      }>();
      expect(preview.endpoints).toMatchObject({ sms: 3, voice: 2, email: 1, push: 1 });
      const message = await post(`/incidents/${incidentId}/messages`, { texts: { fi: 'Vesikatko Koulukadulla.' } });
      expect(message.statusCode, message.body).toBe(201);
      const messageId = message.json<{ id: string }>().id;
      const view = async () =>
        (await t.app.inject({ url: `/api/t/${tenant.slug}/messages/${messageId}`, headers })).json<
          Record<string, unknown> & { failovers: Array<{ reason: string; count: number }> }
        >();
      const counts = (expected: object) =>
        expect
          .poll(
            async () => {
              const v = await view();
              return {
                queued: v.queued,
                sent: v.sent,
                delivered: v.delivered,
                acknowledged: v.acknowledged,
                failed: v.failed,
              };
            },
            { timeout: 30_000 },
          )
          .toEqual(expected);
      await t.context.dispatch.runtime.drain();

      // SMS: one through 46elks, one failed over to Twilio, which the message's status says.
      expect(sms.elks().map((r) => r.form.to)).toEqual(expect.arrayContaining([MOBILE, MOBILE_VIA_TWILIO]));
      expect(sms.twilio().map((r) => r.form.To)).toEqual(
        expect.arrayContaining([MOBILE_VIA_TWILIO, MOBILE_VIA_GATEWAY]),
      );
      expect(sms.gateway().map((g) => g.recipients)).toEqual([[{ msisdn: Number(MOBILE_VIA_GATEWAY.slice(1)) }]]);
      expect((await view()).failovers).toEqual(
        expect.arrayContaining([
          {
            reason: expect.stringMatching(/^46elks:\/\/elksuser@127\.0\.0\.1:\d+: 503 Service unavailable$/),
            count: 1,
          },
        ]),
      );
      // The email, read back as a mail system reads it.
      expect(mails.map((m) => [m.text?.includes('Vesikatko Koulukadulla.'), m.headers.get('auto-submitted')])).toEqual([
        [true, 'auto-generated'],
      ]);
      // The push, decrypted with the keys only the browser holds.
      expect(push.pushes.map((p) => p.status)).toEqual([201]);
      expect(JSON.parse(decryptPush(push.pushes[0]!, browser))).toMatchObject({
        body: expect.stringContaining('Vesikatko Koulukadulla.'),
      });

      // Receipts as each SMS provider posts them: 46elks' report to whendelivered, Twilio's signed callback.
      const elksSent = sms.elks().find((r) => r.form.to === MOBILE)!;
      const elksId = `s${sms.requests.indexOf(elksSent) + 1}`;
      expect(
        (
          await postForm(elksSent.form.whendelivered!, {
            id: elksId,
            status: 'delivered',
            delivered: '2026-03-02 10:00:05',
          })
        ).status,
      ).toBe(204);
      const twilioSent = sms.twilio().find((r) => r.form.To === MOBILE_VIA_TWILIO)!;
      const callback = twilioSent.form.StatusCallback!;
      const status = { MessageSid: `SM${sms.requests.indexOf(twilioSent) + 1}`, MessageStatus: 'delivered' };
      const forged = await postForm(callback, status, {
        'x-twilio-signature': twilioSignature('guessed', callback, status),
      });
      expect(forged.status).toBe(403);
      const signed = await postForm(callback, status, {
        'x-twilio-signature': twilioSignature(TWILIO_TOKEN, callback, status),
      });
      expect(signed.status).toBe(204);
      // GatewayAPI's status, signed with the webhook's secret, to the callback address the send gave it.
      const report = {
        id: 4242,
        msisdn: Number(MOBILE_VIA_GATEWAY.slice(1)),
        time: 1_772_445_605,
        status: 'DELIVERED',
      };
      const gatewayCallback = sms.gateway()[0]!.callback_url!;
      const gatewayPost = (secret: string) =>
        fetch(gatewayCallback, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-gwapi-signature': gatewaySignature(report, secret) },
          body: JSON.stringify(report),
        });
      expect((await gatewayPost('guessed')).status).toBe(403);
      expect((await gatewayPost(GATEWAY_SECRET)).status).toBe(204);

      // Calls: the 1 recorded, the unanswered one waits for the tenant's interval.
      await expect.poll(() => voice.calls.filter((c) => c.hangup !== undefined).length, { timeout: 30_000 }).toBe(2);
      await counts({ queued: 1, sent: 1, delivered: 5, acknowledged: 1, failed: 0 });
      t.clock.set(start + REDIAL_MS);
      await t.context.dispatch.runtime.drain();
      await expect.poll(() => voice.calls.filter((c) => c.hangup !== undefined).length, { timeout: 30_000 }).toBe(3);
      await counts({ queued: 0, sent: 1, delivered: 6, acknowledged: 1, failed: 0 });
      expect(voice.calls.map((c) => `${c.form.to} ${c.outcome}`).sort()).toEqual([
        `${CONFIRMS} press-1`,
        `${ANSWERS_LATER} answer`,
        `${ANSWERS_LATER} failed`,
      ]);
      expect(await view()).toMatchObject({ status: 'sent', total: 7 });

      // Replies: a question through 46elks' inbound webhook (the same checked address as its reports) is listed
      // on the incident; a STOP through Twilio's (signed) opts that number out and is confirmed once.
      const question = {
        direction: 'incoming',
        id: 'in1',
        from: MOBILE,
        to: '+358401110000',
        message: 'Milloin vesi palaa?',
      };
      expect((await postForm(elksSent.form.whendelivered!, question)).status).toBe(204);
      const inbound = callback;
      const stop = { From: MOBILE_VIA_TWILIO, To: SENDER_NUMBER, Body: 'stop' };
      expect(
        (await postForm(inbound, stop, { 'x-twilio-signature': twilioSignature(TWILIO_TOKEN, inbound, stop) })).status,
      ).toBe(204);
      await t.context.dispatch.runtime.settleInbound();
      const replies = await t.app.inject({ url: `/api/t/${tenant.slug}/incidents/${incidentId}/replies`, headers });
      expect(replies.json().items).toEqual([
        expect.objectContaining({ from: MOBILE, text: 'Milloin vesi palaa?', messageId }),
      ]);
      const toStopped = () =>
        [...sms.elks().map((r) => r.form.to), ...sms.twilio().map((r) => r.form.To)].filter(
          (to) => to === MOBILE_VIA_TWILIO,
        ).length;
      // The notice (46elks refused, Twilio took it) and the STOP's confirmation.
      await expect.poll(toStopped, { timeout: 10_000 }).toBe(4);

      // A follow-up: the number that said STOP is not texted again; everyone else is.
      const followUp = await post(`/incidents/${incidentId}/messages`, { texts: { fi: 'Vesi palasi.' } });
      expect(followUp.statusCode, followUp.body).toBe(201);
      await t.context.dispatch.runtime.drain();
      const followUpView = async () =>
        (await t.app.inject({ url: `/api/t/${tenant.slug}/messages/${followUp.json().id}`, headers })).json<
          Record<string, unknown>
        >();
      await expect.poll(async () => (await followUpView()).delivered, { timeout: 30_000 }).toBe(2 + 1); // both calls and the push; the SMS waits for its receipt
      expect(await followUpView()).toMatchObject({
        total: 7,
        failed: 1,
        failures: [{ reason: 'opted out (STOP)', count: 1 }],
      });
      expect(toStopped()).toBe(4);
      expect(sms.elks().filter((r) => r.form.to === MOBILE)).toHaveLength(2);
    }, 120_000);
  });
}
