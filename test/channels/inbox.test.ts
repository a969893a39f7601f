import { expect, it } from 'vitest';
import { describeEachDatabase } from '../app.js';

describeEachDatabase('dev inbox', (t) => {
  it('keeps what every channel sent, oldest first, and renders voice messages as playable audio', async () => {
    const { channels } = t().context;
    await channels.sms.send({ id: 'm1', tenantId: null, channel: 'sms', to: '+358401234567', from: 'MantanVesi', text: 'Vesikatko huomenna' });
    await channels.email.sendBatch!([{ id: 'm2', tenantId: null, channel: 'email', to: 'a@example.fi', subject: 'Katko', text: 'Vesikatko' }]);
    await channels.voice.send({ id: 'm3', tenantId: null, channel: 'voice', to: '+35831234567', text: 'Vesikatko huomenna kello yhdeksän', language: 'fi' });
    const items = (await t().app.inject({ url: '/api/dev/inbox' })).json().items as Array<{ id: string; channel: string; hasAudio: boolean }>;
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
