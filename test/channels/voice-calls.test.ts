/**
 * Voice calls through 46elks against a stand-in that follows its published format field by field: a form
 * POST /a1/calls (Basic auth; from, to, voice_start `{"play": URL}`, whenhangup), then — as 46elks does — a GET
 * of the audio to play from Aviso's own public address, and the hang-up report posted back to `whenhangup`.
 * On both databases a notice to two landlines ends delivered for the call answered and failed for the busy one;
 * the audio is real speech (espeak-ng + sox), and a forged audio link or hang-up report is refused.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../app.js';
import { TEST_DATABASES } from '../databases.js';
import { addPerson, buildTown, tokenHeaders } from '../dispatch/fixtures.js';

const ANSWERED = '+35834000001';
const BUSY = '+35834000002';
const FROM = '+46766861004';

interface Call {
  auth: string;
  form: Record<string, string>;
  /** What GET of the `play` URL answered. */
  audio?: { status: number; type: string | null; riff: boolean };
  hangup?: number;
}

/** 46elks: takes a call, then fetches what to play and reports how the call ended, as the real one does. */
async function elks46(): Promise<{ base: string; calls: Call[]; close(): Promise<void> }> {
  const calls: Call[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/a1/calls') return void res.writeHead(404).end('not found');
      const form = Object.fromEntries(new URLSearchParams(text));
      const call: Call = { auth: Buffer.from(String(req.headers.authorization).slice(6), 'base64').toString(), form };
      calls.push(call);
      const id = `c${calls.length}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id, direction: 'outgoing', from: form.from, to: form.to, state: 'ongoing' }));
      void (async () => {
        const { play } = JSON.parse(form.voice_start!) as { play: string };
        const audio = await fetch(play);
        const bytes = Buffer.from(await audio.arrayBuffer());
        call.audio = {
          status: audio.status,
          type: audio.headers.get('content-type'),
          riff: bytes.subarray(0, 4).toString() === 'RIFF',
        };
        const state = form.to === BUSY ? 'busy' : 'success';
        const report = await fetch(form.whenhangup!, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            id,
            direction: 'outgoing',
            from: form.from!,
            to: form.to!,
            state,
            duration: '12',
          }).toString(),
        });
        call.hangup = report.status;
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nobody listens on now (the app's public address must be known before it is built). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

for (const kind of TEST_DATABASES) {
  describe(`voice calls through 46elks [${kind}]`, () => {
    let t: TestApp;
    let provider: Awaited<ReturnType<typeof elks46>>;
    let publicUrl = '';

    beforeAll(async () => {
      provider = await elks46();
      const port = await freePort();
      publicUrl = `http://127.0.0.1:${port}`;
      t = await createTestApp(kind, {
        publicUrl,
        voice: `46elks://elksuser:elkspass@api.46elks.com?from=${encodeURIComponent(FROM)}&base=${encodeURIComponent(provider.base)}`,
      });
      await t.app.listen({ port, host: '127.0.0.1' });
    });
    afterAll(async () => {
      await t?.app.close();
      await t?.database.drop();
      await provider?.close();
    });

    it('calls each landline with the spoken notice and records how each call ended', async () => {
      const tenant = await buildTown(t.context);
      await addPerson(t.context, tenant, { endpoints: [{ type: 'landline', value: ANSWERED }], addresses: ['kk-1'] });
      await addPerson(t.context, tenant, { endpoints: [{ type: 'landline', value: BUSY }], addresses: ['kk-2'] });
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
      const message = await post(`/incidents/${incident.json().id}/messages`, {
        texts: { fi: 'Vesikatko Koulukadulla.' },
      });
      expect(message.statusCode, message.body).toBe(201);
      await t.context.dispatch.runtime.drain();

      const calls = () => provider.calls.filter((c) => [ANSWERED, BUSY].includes(c.form.to!));
      await expect.poll(() => calls().filter((c) => c.hangup !== undefined).length, { timeout: 30_000 }).toBe(2);
      for (const call of calls()) {
        expect(call.auth).toBe('elksuser:elkspass');
        expect(call.form.from).toBe(FROM);
        expect(JSON.parse(call.form.voice_start!)).toEqual({
          play: expect.stringMatching(new RegExp(`^${publicUrl}/api/voice/audio\\?token=[\\w-]+\\.[\\w-]+$`)),
        });
        expect(call.form.whenhangup).toMatch(
          new RegExp(`^${publicUrl}/api/webhooks/sms/46elks-voice-elksuser/[\\w-]{32}$`),
        );
        expect(call.audio).toEqual({ status: 200, type: 'audio/wav', riff: true });
        expect(call.hangup).toBe(204);
      }

      const url = `/api/t/${tenant.slug}/messages/${message.json().id}`;
      await expect.poll(async () => (await t.app.inject({ url, headers })).json().failed, { timeout: 15_000 }).toBe(1);
      const done = (await t.app.inject({ url, headers })).json();
      expect(done).toMatchObject({ delivered: 1, failed: 1, failures: [{ reason: 'call busy (46elks)', count: 1 }] });
    });

    it('refuses a forged audio link and a hang-up report without the webhook token', async () => {
      const played = JSON.parse(provider.calls[0]!.form.voice_start!) as { play: string };
      const token = new URL(played.play).searchParams.get('token')!;
      const [payload] = token.split('.');
      const forged = Buffer.from(JSON.stringify({ t: 'Maksa laskusi osoitteessa huijaus.example', l: 'fi' })).toString(
        'base64url',
      );
      const audio = await t.app.inject({ url: `/api/voice/audio?token=${forged}.${token.split('.')[1]}` });
      expect(audio.statusCode).toBe(404);
      expect(audio.headers['content-type']).toContain('application/problem+json');
      expect((await t.app.inject({ url: `/api/voice/audio?token=${payload}` })).statusCode).toBe(404);
      const report = await t.app.inject({
        method: 'POST',
        url: '/api/webhooks/sms/46elks-voice-elksuser/wrong-token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'id=c1&state=success',
      });
      expect(report.statusCode).toBeGreaterThanOrEqual(400);
    });
  });
}
