import { describe, expect, it } from 'vitest';
import { withDemoInbox } from '../../src/cli/serve.cli.js';
import { channelWarnings, loadConfig } from '../../src/config.js';
import { describeEachDatabase } from '../app.js';

describeEachDatabase('dev inbox', (t) => {
  it('keeps what every channel sent, oldest first, and renders voice messages as playable audio', async () => {
    const { channels } = t().context;
    await channels.sms.send({
      id: 'm1',
      tenantId: null,
      channel: 'sms',
      to: '+358401234567',
      from: 'MantanVesi',
      text: 'Vesikatko huomenna',
    });
    await channels.email.sendBatch!([
      { id: 'm2', tenantId: null, channel: 'email', to: 'a@example.fi', subject: 'Katko', text: 'Vesikatko' },
    ]);
    await channels.voice.send({
      id: 'm3',
      tenantId: null,
      channel: 'voice',
      to: '+35831234567',
      text: 'Vesikatko huomenna kello yhdeksän',
      language: 'fi',
    });
    const items = (await t().app.inject({ url: '/api/dev/inbox' })).json().items as Array<{
      id: string;
      channel: string;
      hasAudio: boolean;
    }>;
    expect(items.map((i) => [i.id, i.channel, i.hasAudio])).toEqual([
      ['m1', 'sms', false],
      ['m2', 'email', false],
      ['m3', 'voice', true],
    ]);
    const audio = await t().app.inject({ url: '/api/dev/inbox/m3/audio' });
    expect(audio.headers['content-type']).toBe('audio/wav');
    expect(audio.rawPayload.subarray(0, 4).toString()).toBe('RIFF');
    // 8 kHz mono 16-bit: a spoken sentence is a second or more, i.e. well over 16 kB.
    expect(audio.rawPayload.readUInt32LE(24)).toBe(8000);
    expect(audio.rawPayload.length).toBeGreaterThan(16_000);
    expect((await t().app.inject({ url: '/api/dev/inbox?to=%2B358401234567' })).json().items).toHaveLength(1);
    expect((await t().app.inject({ url: '/api/dev/inbox/m1/audio' })).statusCode).toBe(404);
  });
});

describeEachDatabase(
  'dev inbox not asked for (AVISO_DEV_INBOX unset)',
  (t) => {
    it('keeps its pages off: no one reads PINs over HTTP', async () => {
      const { app, context } = t();
      await context.channels.email.send({
        id: 'pin-1',
        tenantId: null,
        channel: 'email',
        to: 'a@example.fi',
        subject: 'PIN',
        text: 'Koodisi on 123456',
      });
      for (const url of ['/api/dev/inbox', '/api/dev/inbox/pin-1/audio', '/dev/inbox'])
        expect((await app.inject({ url })).statusCode, url).toBe(404);
    });
  },
  { devInbox: undefined },
);

describeEachDatabase(
  'dev inbox beside a real channel',
  (t) => {
    it('is never served, even when asked for', async () => {
      const { app } = t();
      for (const url of ['/api/dev/inbox', '/dev/inbox']) expect((await app.inject({ url })).statusCode, url).toBe(404);
    });
  },
  { devInbox: true, sms: 'smpp://user:pass@127.0.0.1:1?source=Aviso' },
);

const SMPP = 'smpp://user:pass@127.0.0.1:1?source=Aviso';
for (const sms of [`${SMPP},inbox`, `inbox,${SMPP}`])
  describeEachDatabase(
    `dev inbox beside a real channel that fails over to the inbox (${sms.startsWith('inbox') ? 'inbox first' : 'inbox last'})`,
    (t) => {
      it('is never served, even when asked for', async () => {
        const { app } = t();
        for (const url of ['/api/dev/inbox', '/dev/inbox'])
          expect((await app.inject({ url })).statusCode, url).toBe(404);
      });
    },
    { devInbox: true, sms },
  );

describe('dev inbox settings', () => {
  const base = { AVISO_SECRET: 'test-secret-test-secret-test-secret-0123' };
  it('refuses AVISO_DEV_INBOX=true beside a real channel, naming the variable', () => {
    expect(() =>
      loadConfig(
        { ...base, AVISO_SMS: 'smpp://u:p@127.0.0.1:2775?source=Aviso', AVISO_DEV_INBOX: 'true' },
        '/nonexistent',
      ),
    ).toThrow(/^AVISO_DEV_INBOX: .*AVISO_SMS.*set AVISO_DEV_INBOX=false/);
    expect(loadConfig({ ...base, AVISO_DEV_INBOX: 'true' }, '/nonexistent').devInbox).toBe(true);
    expect(loadConfig(base, '/nonexistent').devInbox).toBeUndefined();
  });

  it('warns of a channel left at inbox beside a real one, saying what to set', () => {
    const config = loadConfig({ ...base, AVISO_SMS: 'smpp://u:p@127.0.0.1:2775?source=Aviso' }, '/nonexistent');
    expect(channelWarnings(config)).toEqual([
      expect.stringMatching(/^AVISO_EMAIL is "inbox" beside a real AVISO_SMS.*set AVISO_EMAIL/),
      expect.stringMatching(/^AVISO_VOICE is "inbox"/),
    ]);
    expect(channelWarnings(loadConfig(base, '/nonexistent'))).toEqual([]);
  });

  it('counts a channel as real when any provider of its failover list is, in either order', () => {
    for (const sms of [
      'smpp://u:p@127.0.0.1:2775?source=Aviso,inbox',
      'inbox,smpp://u:p@127.0.0.1:2775?source=Aviso',
    ]) {
      expect(() => loadConfig({ ...base, AVISO_SMS: sms, AVISO_DEV_INBOX: 'true' }, '/nonexistent'), sms).toThrow(
        /^AVISO_DEV_INBOX: .*AVISO_SMS.*set AVISO_DEV_INBOX=false/,
      );
      const config = loadConfig({ ...base, AVISO_SMS: sms }, '/nonexistent');
      expect(withDemoInbox(config, { demoIfEmpty: true }).devInbox, sms).toBeUndefined();
      expect(channelWarnings(config), sms).toEqual([
        expect.stringMatching(/^AVISO_SMS fails over to "inbox".*remove "inbox" from AVISO_SMS/),
        expect.stringMatching(/^AVISO_EMAIL is "inbox" beside a real AVISO_SMS/),
        expect.stringMatching(/^AVISO_VOICE is "inbox"/),
      ]);
    }
  });

  it('is on with `serve --demo-if-empty` when every channel is the inbox, unless turned off', () => {
    const all = loadConfig(base, '/nonexistent');
    expect(withDemoInbox(all, { demoIfEmpty: true }).devInbox).toBe(true);
    expect(withDemoInbox(all, {}).devInbox).toBeUndefined();
    expect(
      withDemoInbox(loadConfig({ ...base, AVISO_DEV_INBOX: 'false' }, '/nonexistent'), { demoIfEmpty: true }).devInbox,
    ).toBe(false);
    expect(
      withDemoInbox(loadConfig({ ...base, AVISO_SMS: 'smpp://u:p@127.0.0.1:2775' }, '/nonexistent'), {
        demoIfEmpty: true,
      }).devInbox,
    ).toBeUndefined();
  });
});
