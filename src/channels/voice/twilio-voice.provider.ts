/**
 * Voice calls through Twilio (`twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=+358…&tps=N`, a number of
 * the account; tps defaults to Twilio's 1 call per second): one `POST /2010-04-01/Accounts/{sid}/Calls.json`
 * per call (form fields To, From, Url, Method, StatusCallback, StatusCallbackEvent=completed,
 * StatusCallbackMethod; HTTP Basic authentication). When the call is answered Twilio asks `Url` for its
 * TwiML: a notice is `<Gather numDigits="1">` around `<Play>` of the spoken notice with the request to press 1,
 * twice (the second when no key came); a PIN is one `<Play>`. A key goes to the Gather's `action` (form field
 * Digits), answered with the thanks played. The call's end is the status callback (CallStatus completed:
 * delivered; busy, no-answer: unanswered, to be called again; failed, canceled: failed). Twilio signs every
 * request it makes (`X-Twilio-Signature`, as for SMS): one that fails the check is refused.
 *
 * `<Play>` of Aviso's own audio rather than `<Say language="fi-FI">`: Twilio speaks fi-FI, sv-SE and en-GB
 * only with chosen (Polly or Google) voices, priced per character and set per account, and 46elks has no
 * speech at all; one rendering (espeak-ng + sox, spoken-audio.ts) keeps a notice the same words and the same
 * voice on either provider, and the server renders each text once however many landlines it calls.
 */
import type {
  ChannelProvider,
  DeliveryReceipt,
  OutboundMessage,
  ProviderWebhook,
  SendResult,
  WebhookRequest,
} from '../channel.js';
import { basic, httpSmsOptions, webhookUrl, type HttpSmsDeps } from '../sms/http-sms.js';
import { createTwilioResource, twilioSignatureProblem } from '../sms/twilio.provider.js';
import { callLanguage, CONFIRM_TIMEOUT_S, spokenText, thanksText } from './call-prompts.js';
import { readSpokenAudioToken, spokenAudioToken, spokenAudioUrl } from './spoken-audio.js';

/** How a call ended (CallStatus), as a receipt; queued, ringing and in-progress are on the way. */
const STATUSES: Record<string, DeliveryReceipt['status']> = {
  completed: 'delivered',
  busy: 'unanswered',
  'no-answer': 'unanswered',
  failed: 'failed',
  canceled: 'failed',
};

const xml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const twiml = (body: string) => ({
  contentType: 'text/xml',
  body: `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`,
});

export function twilioVoiceProvider(url: URL, deps: HttpSmsDeps): ChannelProvider {
  const options = httpSmsOptions(url, 'https://api.twilio.com');
  const accountSid = decodeURIComponent(url.username);
  const authToken = decodeURIComponent(url.password);
  // `?from=+358…` reads as a space in a query string: the number's plus, meant.
  const from = options.from.replace(/^ (?=\d)/, '+');
  const publicUrl = deps.publicUrl;
  if (!publicUrl) throw new Error('Twilio voice calls need AVISO_PUBLIC_URL: Twilio fetches the call from it');
  if (!/^\+[1-9]\d{6,14}$/.test(from))
    throw new Error('Twilio voice URL: from must be a number of the account in E.164, e.g. ?from=%2B358401234567');
  const name = `twilio-voice://${accountSid}@${new URL(options.base).host}`;
  const key = `twilio-voice-${accountSid}`;
  const hook = webhookUrl(deps, key)!;
  const account = {
    base: options.base,
    accountSid,
    authorization: basic(url.username, url.password),
    timeoutMs: options.timeoutMs,
  };
  const audio = (token: string) => `${publicUrl.replace(/\/$/, '')}/api/voice/audio?token=${token}`;

  async function send(message: OutboundMessage): Promise<SendResult> {
    const language = message.language ?? 'fi';
    const token = spokenAudioToken(deps.secret, spokenText(message.text, language, message.confirm === true), language);
    const form = new URLSearchParams({
      To: message.to,
      From: from,
      Url: `${hook}/call?token=${token}${message.confirm ? '&confirm=1' : ''}`,
      Method: 'POST',
      StatusCallback: hook,
      StatusCallbackEvent: 'completed',
      StatusCallbackMethod: 'POST',
    });
    return createTwilioResource(account, 'Calls', form, { id: message.id, provider: name });
  }

  /** The TwiML of an answered call: the notice played, with the request to press 1 and once more if no key came. */
  function callTwiml(request: WebhookRequest) {
    const query = new URL(request.url, 'http://x').searchParams;
    const token = query.get('token') ?? '';
    const spoken = readSpokenAudioToken(deps.secret, token);
    if (!spoken) return null;
    const play = `<Play>${xml(audio(token))}</Play>`;
    if (query.get('confirm') !== '1') return twiml(play);
    const action = `${hook}/key?language=${encodeURIComponent(callLanguage(spoken.language))}`;
    const gather = `<Gather numDigits="1" timeout="${CONFIRM_TIMEOUT_S}" action="${xml(action)}" method="POST">${play}</Gather>`;
    return twiml(gather + gather);
  }

  const webhook: ProviderWebhook = {
    key,
    handle(request) {
      const refused = twilioSignatureProblem(authToken, request);
      if (refused) return { ok: false, reason: refused };
      const form = request.body as Record<string, string | undefined>;
      if (request.token === 'call') {
        const reply = callTwiml(request);
        return reply ? { ok: true, receipts: [], reply } : { ok: false, reason: 'call without a valid audio token' };
      }
      if (request.token === 'key') {
        if (!form.CallSid) return { ok: false, reason: 'not a Twilio Gather action (CallSid, Digits)' };
        if (form.Digits !== '1') return { ok: true, receipts: [], reply: twiml('<Hangup/>') };
        const language = callLanguage(new URL(request.url, 'http://x').searchParams.get('language'));
        const thanks = spokenAudioUrl(publicUrl, deps.secret, thanksText(language), language);
        return {
          ok: true,
          receipts: [{ provider: name, providerId: form.CallSid, status: 'acknowledged', at: deps.now() }],
          reply: twiml(`<Play>${xml(thanks)}</Play>`),
        };
      }
      if (request.token !== undefined) return { ok: false, reason: 'unknown Twilio voice callback' };
      if (!form.CallSid || !form.CallStatus)
        return { ok: false, reason: 'not a Twilio call status callback (CallSid, CallStatus)' };
      const status = STATUSES[form.CallStatus];
      if (!status) return { ok: true, receipts: [] };
      return {
        ok: true,
        receipts: [
          {
            provider: name,
            providerId: form.CallSid,
            status,
            at: deps.now(),
            ...(status !== 'delivered' ? { error: `call ${form.CallStatus} (Twilio)` } : {}),
          },
        ],
      };
    },
  };

  return {
    name,
    channel: 'voice',
    // Twilio places 1 call per second per account unless raised.
    maxPerSecond: url.searchParams.has('tps') ? (options.tps > 0 ? options.tps : Infinity) : 1,
    send,
    receiptSources: [name],
    webhooks: [webhook],
  };
}
