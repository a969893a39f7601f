/**
 * A machine without espeak-ng and sox (PATH holding only node): adding a landline and PINs by voice still
 * work, nothing is half-written when the voice channel fails, playing a voice message answers a 503
 * problem naming the missing tools, and `aviso serve` says at start what is missing and what stops working.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChannelProvider } from '../../src/channels/channel.js';
import { missingSpeechTools } from '../../src/channels/voice/speech.js';
import { describeEachDatabase } from '../app.js';
import { childDatabaseUrl } from '../cli.js';
import { buildTown, logIn, readPin, requestPin } from '../residents/resident-client.js';
import { startServe } from '../serve.js';

const LANDLINE = '+35831234567';
let bare: string;
let savedPath: string | undefined;

beforeAll(() => {
  bare = mkdtempSync(join(tmpdir(), 'aviso-bare-path-'));
  symlinkSync(process.execPath, join(bare, 'node'));
  savedPath = process.env.PATH;
  process.env.PATH = bare;
});

afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(bare, { recursive: true, force: true });
});

describeEachDatabase('without espeak-ng and sox', (t) => {
  it('adds a landline and verifies it by a PIN by voice; its audio is a 503 problem, not a 500', async () => {
    expect(missingSpeechTools()).toEqual(['espeak-ng', 'sox']);
    const { app, context } = t();
    const tenant = await buildTown(context);
    const session = await logIn(app, tenant.slug, { phone: '040 123 4567' }, '+358401234567');
    expect(
      (await session.call('POST', '/me', { kind: 'person', firstName: 'Anna', lastName: 'Virtanen', language: 'fi' }))
        .statusCode,
    ).toBe(201);

    const added = await session.call('POST', '/me/endpoints', { value: '03 1234 567' });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ type: 'landline', value: LANDLINE, verified: false });
    const call = (await app.inject({ url: `/api/dev/inbox?to=${encodeURIComponent(LANDLINE)}` })).json()
      .items as Array<{ id: string; channel: string; hasAudio: boolean }>;
    expect(call.map((m) => [m.channel, m.hasAudio])).toEqual([['voice', true]]);

    const audio = await app.inject({ url: `/api/dev/inbox/${call[0]!.id}/audio` });
    expect(audio.statusCode).toBe(503);
    expect(audio.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(audio.json()).toMatchObject({ status: 503, code: 'speech-unavailable', missing: ['espeak-ng', 'sox'] });
    expect(audio.json().detail).toMatch(/espeak-ng and sox not installed/);

    const verified = await session.call('POST', `/me/endpoints/${added.json().id}/verify`, {
      pin: await readPin(app, LANDLINE),
    });
    expect(verified.statusCode, verified.body).toBe(200);

    // A PIN to log in with the landline goes out by voice too.
    expect((await requestPin(app, tenant.slug, { phone: '03 1234 567' }, '10.0.0.2')).statusCode).toBe(202);
    expect((await app.inject({ url: `/api/dev/inbox?to=${encodeURIComponent(LANDLINE)}` })).json().items).toHaveLength(
      2,
    );
  });

  it('keeps no landline whose PIN call failed, and answers 503 pin-not-sent', async () => {
    const { app, context } = t();
    const tenant = await buildTown(context, { name: 'Kuoreveden Vesi' });
    const session = await logIn(app, tenant.slug, { phone: '040 765 4321' }, '+358407654321');
    expect(
      (await session.call('POST', '/me', { kind: 'person', firstName: 'Eino', lastName: 'Leino', language: 'fi' }))
        .statusCode,
    ).toBe(201);
    // A voice provider that cannot be reached (no voice provider runs here: this one throws as one would).
    const channels = context.channels as { voice: ChannelProvider };
    const voice = channels.voice;
    const down: ChannelProvider = {
      ...voice,
      send: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')),
    };
    channels.voice = down;
    try {
      const added = await session.call('POST', '/me/endpoints', { value: '03 7654 321' });
      expect(added.statusCode, added.body).toBe(503);
      expect(added.json()).toMatchObject({ code: 'pin-not-sent' });
    } finally {
      channels.voice = voice;
    }
    const me = (await session.call('GET', '/me')).json();
    expect(me.endpoints.map((e: { value: string }) => e.value)).toEqual(['+358407654321']);
    // Once the channel works again the same number is added (nothing left behind to conflict with).
    expect((await session.call('POST', '/me/endpoints', { value: '03 7654 321' })).statusCode).toBe(201);
  });
});

describeEachDatabase('aviso serve without espeak-ng and sox', (t) => {
  it('says at start which tools are missing and what stops working', async () => {
    const server = await startServe({ AVISO_DATABASE_URL: childDatabaseUrl(t().database), PATH: bare });
    try {
      expect(server.output()).toMatch(/espeak-ng, sox not found on PATH: voice messages cannot be rendered as audio/);
    } finally {
      await server.stop();
    }
  });
});
