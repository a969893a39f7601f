/**
 * Voice calls through 46elks against a stand-in that follows its published format field by field: a form
 * POST /a1/calls (Basic auth; from, to, voice_start, whenhangup). A notice's `voice_start` is an `ivr` action
 * (`{"ivr": URL, "digits": 1, "timeout": 10, "repeat": 2, "next": URL}`); as 46elks does, the stand-in fetches
 * the audio from Aviso's public address, posts the key pressed to `next` (callid, result) and plays the action
 * it answers, and posts the hang-up report to `whenhangup` (id, state). On both databases one call is
 * confirmed with 1, one is busy and called again after the tenant's interval and answered, one fails every
 * time until the redials are spent; the audio is real speech (espeak-ng + sox), and a forged audio link or
 * report is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../app.js';
import { TEST_DATABASES } from '../databases.js';
import { callCounts, elks46Calls, listeningApp, sendNotice } from './call-fixtures.js';

const CONFIRMS = '+35834000001';
const BUSY_ONCE = '+35834000002';
const NEVER = '+35834000003';
const FROM = '+46766861004';
const REDIAL_MS = 5 * 60_000;

for (const kind of TEST_DATABASES) {
  describe(`voice calls through 46elks [${kind}]`, () => {
    let t: TestApp;
    let provider: Awaited<ReturnType<typeof elks46Calls>>;
    let publicUrl = '';

    beforeAll(async () => {
      provider = await elks46Calls({
        [CONFIRMS]: ['press-1'],
        [BUSY_ONCE]: ['busy', 'answer'],
        [NEVER]: ['failed', 'failed', 'failed'],
      });
      ({ t, publicUrl } = await listeningApp(
        kind,
        () =>
          `46elks://elksuser:elkspass@api.46elks.com?from=${encodeURIComponent(FROM)}&base=${encodeURIComponent(provider.base)}`,
      ));
    });
    afterAll(async () => {
      await t?.app.close();
      await t?.database.drop();
      await provider?.close();
    });

    it('calls each landline with the spoken notice, records the 1 pressed and calls the unanswered again', async () => {
      const start = Date.parse('2026-03-02T10:00:00Z');
      t.clock.set(start);
      const notice = await sendNotice(t, [CONFIRMS, BUSY_ONCE, NEVER]);
      const ended = (n: number) =>
        expect.poll(() => provider.calls.filter((c) => c.hangup !== undefined).length, { timeout: 30_000 }).toBe(n);
      const counts = (expected: object) =>
        expect.poll(async () => callCounts(await notice.view()), { timeout: 15_000 }).toEqual(expected);

      await ended(3);
      await counts({ queued: 2, sent: 0, delivered: 1, acknowledged: 1, failed: 0 });
      const hangup = new RegExp(`^${publicUrl}/api/webhooks/sms/46elks-voice-elksuser/[\\w-]{32}$`);
      for (const call of provider.calls) {
        expect(call.auth).toBe('elksuser:elkspass');
        expect(call.form.from).toBe(FROM);
        expect(call.form.whenhangup).toMatch(hangup);
        expect(JSON.parse(call.form.voice_start!)).toEqual({
          ivr: expect.stringMatching(new RegExp(`^${publicUrl}/api/voice/audio\\?token=[\\w-]+\\.[\\w-]+$`)),
          digits: 1,
          timeout: 10,
          repeat: 2,
          next: `${call.form.whenhangup}?language=fi`,
        });
        expect(call.hangup).toBe(204);
      }
      const confirmed = provider.calls.find((c) => c.form.to === CONFIRMS)!;
      expect(confirmed.audio).toEqual({ status: 200, type: 'audio/wav', riff: true });
      expect(confirmed.next).toEqual({
        status: 200,
        action: { play: expect.stringMatching(new RegExp(`^${publicUrl}/api/voice/audio\\?token=`)) },
        audio: { status: 200, type: 'audio/wav', riff: true },
      });

      // Called again once the interval has passed: answered; the one that never answers fails again.
      t.clock.set(start + REDIAL_MS);
      await t.context.dispatch.runtime.drain();
      await ended(5);
      await counts({ queued: 1, sent: 0, delivered: 2, acknowledged: 1, failed: 0 });
      t.clock.set(start + 2 * REDIAL_MS);
      await t.context.dispatch.runtime.drain();
      await ended(6);
      // No redial left: failed with 46elks' reason when its batch runs next.
      await t.context.dispatch.runtime.drain();
      await counts({ queued: 0, sent: 0, delivered: 2, acknowledged: 1, failed: 1 });
      expect(await notice.view()).toMatchObject({
        status: 'sent',
        failures: [{ reason: 'call failed (46elks), called 3 times', count: 1 }],
      });
      expect(await notice.attempts()).toEqual({ [CONFIRMS]: 1, [BUSY_ONCE]: 2, [NEVER]: 3 });
    }, 90_000);

    it('refuses a forged audio link and a hang-up report without the webhook token', async () => {
      const played = JSON.parse(provider.calls[0]!.form.voice_start!) as { ivr: string };
      const token = new URL(played.ivr).searchParams.get('token')!;
      const [payload] = token.split('.');
      const forged = Buffer.from(JSON.stringify({ t: 'Maksa laskusi osoitteessa huijaus.example', l: 'fi' })).toString(
        'base64url',
      );
      const audio = await t.app.inject({ url: `/api/voice/audio?token=${forged}.${token.split('.')[1]}` });
      expect(audio.statusCode).toBe(404);
      expect(audio.headers['content-type']).toContain('application/problem+json');
      expect((await t.app.inject({ url: `/api/voice/audio?token=${payload}` })).statusCode).toBe(404);
      for (const payload of ['id=c1&state=success', 'callid=c1&result=1']) {
        const report = await t.app.inject({
          method: 'POST',
          url: '/api/webhooks/sms/46elks-voice-elksuser/wrong-token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload,
        });
        expect(report.statusCode).toBe(403);
      }
    });
  });
}
