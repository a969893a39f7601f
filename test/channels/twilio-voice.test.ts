/**
 * Voice calls through Twilio against a stand-in that follows its published formats field by field: a form
 * POST /2010-04-01/Accounts/{sid}/Calls.json (Basic auth; To, From, Url, Method, StatusCallback,
 * StatusCallbackEvent, StatusCallbackMethod), then — as Twilio does, every request signed with
 * X-Twilio-Signature (HMAC-SHA1 of the URL and the sorted form fields, Base64, keyed by the auth token) — the
 * call's TwiML fetched from `Url` when answered, its `<Play>` audio fetched, a key posted to the
 * `<Gather>`'s action (Digits), and the status callback posted at the end (CallStatus). On both databases:
 * one call confirmed with 1, one unanswered and called again after the tenant's interval, one busy every
 * time until the redials are spent; the counts end right and no number is in two calls at once.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../app.js';
import { TEST_DATABASES } from '../databases.js';
import { callCounts, fetchAudio, formServer, listeningApp, sendNotice, type Outcome } from './call-fixtures.js';
import { nextTry, UNANSWERED_PREFIX } from '../../src/modules/dispatch/retry-policy.js';

const SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'twilio-auth-token-0123';
const FROM = '+358401234567';
const CONFIRMS = '+35834000011';
const ANSWERS_LATER = '+35834000012';
const ALWAYS_BUSY = '+35834000013';
const REDIAL_MS = 5 * 60_000;

/** Twilio's request signature, as its security documentation describes it. */
function sign(url: string, form: Record<string, string>): string {
  const data =
    url +
    Object.keys(form)
      .sort()
      .map((k) => k + form[k])
      .join('');
  return createHmac('sha1', AUTH_TOKEN).update(data).digest('base64');
}

async function signedPost(url: string, form: Record<string, string>): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(url, form) },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: await response.text() };
}

const unescapeXml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

interface Call {
  auth: string;
  form: Record<string, string>;
  outcome: Outcome;
  twiml?: string;
  gathers?: Array<{ numDigits: string; action: string; play: string }>;
  audio?: Awaited<ReturnType<typeof fetchAudio>>;
  thanks?: { twiml: string; audio: Awaited<ReturnType<typeof fetchAudio>> };
  /** The status callback's answer: the call has ended. */
  ended?: number;
}

/** Twilio: takes each call, then answers it (or not) as the script for its number says, as the real one reports it. */
async function twilio(script: Record<string, Outcome[]>) {
  const calls: Call[] = [];
  const active = new Set<string>();
  const overlapping: string[] = [];

  async function run(call: Call, sid: string): Promise<void> {
    const { form } = call;
    const base = {
      CallSid: sid,
      AccountSid: SID,
      From: form.From!,
      To: form.To!,
      Direction: 'outbound-api',
      ApiVersion: '2010-04-01',
    };
    let status: string = call.outcome;
    if (call.outcome === 'press-1' || call.outcome === 'answer') {
      status = 'completed';
      const twiml = await signedPost(form.Url!, { ...base, CallStatus: 'in-progress' });
      call.twiml = twiml.body;
      call.gathers = [
        ...twiml.body.matchAll(
          /<Gather numDigits="(\d)" timeout="\d+" action="([^"]+)" method="POST"><Play>([^<]+)<\/Play><\/Gather>/g,
        ),
      ].map((m) => ({ numDigits: m[1]!, action: unescapeXml(m[2]!), play: unescapeXml(m[3]!) }));
      call.audio = await fetchAudio(call.gathers[0]!.play);
      if (call.outcome === 'press-1') {
        const answer = await signedPost(call.gathers[0]!.action, { ...base, CallStatus: 'in-progress', Digits: '1' });
        const play = /<Play>([^<]+)<\/Play>/.exec(answer.body)?.[1];
        call.thanks = { twiml: answer.body, audio: await fetchAudio(unescapeXml(play ?? '')) };
      }
    }
    const end = await signedPost(form.StatusCallback!, {
      ...base,
      CallStatus: status,
      CallDuration: status === 'completed' ? '21' : '0',
      CallbackSource: 'call-progress-events',
      SequenceNumber: '0',
    });
    active.delete(form.To!);
    call.ended = end.status;
  }

  const server = await formServer((request) => {
    if (request.method !== 'POST' || request.url !== `/2010-04-01/Accounts/${SID}/Calls.json`)
      return { status: 404, body: { code: 20404, message: 'not found' } };
    const to = request.form.To!;
    if (active.has(to)) overlapping.push(to);
    active.add(to);
    const auth = Buffer.from(String(request.headers.authorization).slice(6), 'base64').toString();
    const call: Call = { auth, form: request.form, outcome: script[to]!.shift() ?? 'no-answer' };
    calls.push(call);
    const sid = `CA${String(calls.length).padStart(32, '0')}`;
    void run(call, sid);
    return { status: 201, body: { sid, account_sid: SID, to, from: request.form.From, status: 'queued' } };
  });
  return { ...server, calls, overlapping };
}

describe('when an unanswered call is made again', () => {
  const rules = { voiceRedials: 2, voiceRedialMinutes: 5 };
  const unanswered = (attempts: number) => ({
    attempts,
    error: `${UNANSWERED_PREFIX}call busy (Twilio)`,
    updatedAt: 1000,
  });
  it('after the interval, up to the redials, within the validity', () => {
    expect(nextTry(unanswered(1), rules, 10_000_000)).toEqual({ at: 1000 + REDIAL_MS });
    expect(nextTry(unanswered(3), rules, 10_000_000)).toEqual({ failed: 'call busy (Twilio), called 3 times' });
    expect(nextTry(unanswered(1), rules, 2000)).toEqual({
      failed: 'call busy (Twilio) (not called again: the message expires first)',
    });
    expect(nextTry({ attempts: 0, error: null, updatedAt: 0 }, rules, 2000)).toEqual({ at: 0 });
  });
});

for (const kind of TEST_DATABASES) {
  describe(`voice calls through Twilio [${kind}]`, () => {
    let t: TestApp;
    let publicUrl = '';
    let provider: Awaited<ReturnType<typeof twilio>>;

    beforeAll(async () => {
      provider = await twilio({
        [CONFIRMS]: ['press-1'],
        [ANSWERS_LATER]: ['no-answer', 'answer'],
        [ALWAYS_BUSY]: ['busy', 'busy', 'busy'],
      });
      ({ t, publicUrl } = await listeningApp(
        kind,
        () =>
          `twilio://${SID}:${AUTH_TOKEN}@api.twilio.com?from=${encodeURIComponent(FROM)}&tps=20&base=${encodeURIComponent(provider.base)}`,
      ));
    });
    afterAll(async () => {
      await t?.app.close();
      await t?.database.drop();
      await provider?.close();
    });

    it('calls, records the 1 pressed, calls the unanswered again after the interval and fails them after the last', async () => {
      const start = Date.parse('2026-03-02T10:00:00Z');
      t.clock.set(start);
      const notice = await sendNotice(t, [CONFIRMS, ANSWERS_LATER, ALWAYS_BUSY]);
      const ended = (n: number) =>
        expect.poll(() => provider.calls.filter((c) => c.ended !== undefined).length, { timeout: 30_000 }).toBe(n);
      const counts = (expected: object) =>
        expect.poll(async () => callCounts(await notice.view()), { timeout: 15_000 }).toEqual(expected);

      // First round: confirmed with 1; no answer; busy. The two unanswered wait for their next call.
      await ended(3);
      await counts({ queued: 2, sent: 0, delivered: 1, acknowledged: 1, failed: 0 });
      for (const call of provider.calls) {
        expect(call.auth).toBe(`${SID}:${AUTH_TOKEN}`);
        expect(call.form).toEqual({
          To: call.form.To,
          From: FROM,
          Url: expect.stringMatching(
            new RegExp(`^${publicUrl}/api/webhooks/sms/twilio-voice-${SID}/call\\?token=[\\w-]+\\.[\\w-]+&confirm=1$`),
          ),
          Method: 'POST',
          StatusCallback: `${publicUrl}/api/webhooks/sms/twilio-voice-${SID}`,
          StatusCallbackEvent: 'completed',
          StatusCallbackMethod: 'POST',
        });
        expect(call.ended).toBe(204);
      }
      const confirmed = provider.calls.find((c) => c.form.To === CONFIRMS)!;
      // The notice, asked to confirm, and once more when no key came.
      expect(confirmed.gathers).toHaveLength(2);
      expect(confirmed.gathers![0]).toEqual({
        numDigits: '1',
        action: `${publicUrl}/api/webhooks/sms/twilio-voice-${SID}/key?language=fi`,
        play: expect.stringMatching(new RegExp(`^${publicUrl}/api/voice/audio\\?token=`)),
      });
      expect(confirmed.gathers![1]).toEqual(confirmed.gathers![0]);
      expect(confirmed.audio).toEqual({ status: 200, type: 'audio/wav', riff: true });
      expect(confirmed.thanks?.audio).toEqual({ status: 200, type: 'audio/wav', riff: true });

      // Not called again before the interval.
      t.clock.set(start + REDIAL_MS - 1000);
      await t.context.dispatch.runtime.drain();
      expect(provider.calls).toHaveLength(3);

      // Second round: answered (no key); busy again.
      t.clock.set(start + REDIAL_MS);
      await t.context.dispatch.runtime.drain();
      await ended(5);
      await counts({ queued: 1, sent: 0, delivered: 2, acknowledged: 1, failed: 0 });
      expect(provider.calls.find((c) => c.form.To === ANSWERS_LATER && c.outcome === 'answer')?.gathers).toHaveLength(
        2,
      );

      // Third round: busy a third time; no redial is left, so it fails when its batch runs next.
      t.clock.set(start + 2 * REDIAL_MS);
      await t.context.dispatch.runtime.drain();
      await ended(6);
      await t.context.dispatch.runtime.drain();
      await counts({ queued: 0, sent: 0, delivered: 2, acknowledged: 1, failed: 1 });
      t.clock.set(start + 3 * REDIAL_MS);
      await t.context.dispatch.runtime.drain();
      expect(provider.calls).toHaveLength(6);

      const done = await notice.view();
      expect(done).toMatchObject({
        status: 'sent',
        total: 3,
        outcome: 'partly-failed',
        failures: [{ reason: 'call busy (Twilio), called 3 times', count: 1 }],
      });
      expect(await notice.attempts()).toEqual({ [CONFIRMS]: 1, [ANSWERS_LATER]: 2, [ALWAYS_BUSY]: 3 });
      expect(provider.overlapping).toEqual([]);
    }, 90_000);

    it('refuses a callback without a valid signature and a call without a valid audio token', async () => {
      const callback = `${publicUrl}/api/webhooks/sms/twilio-voice-${SID}`;
      const form = { CallSid: 'CA1', CallStatus: 'completed', AccountSid: SID };
      const forged = await fetch(callback, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': sign(`${callback}/other`, form),
        },
        body: new URLSearchParams(form).toString(),
      });
      expect(forged.status).toBe(403);
      const unsigned = await t.app.inject({
        method: 'POST',
        url: `/api/webhooks/sms/twilio-voice-${SID}/key`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'CallSid=CA1&Digits=1',
      });
      expect(unsigned.statusCode).toBe(403);
      const call = await signedPost(`${callback}/call?token=made.up&confirm=1`, {
        CallSid: 'CA1',
        CallStatus: 'in-progress',
      });
      expect(call.status).toBe(403);
    });
  });
}
