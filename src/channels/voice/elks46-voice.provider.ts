/**
 * Voice calls through 46elks (`46elks://API_USERNAME:API_PASSWORD@api.46elks.com?from=+46766861004`, a number of
 * the account): one `POST /a1/calls` per call (form fields from, to, voice_start, whenhangup; HTTP Basic
 * authentication). `voice_start` is the call's first action. A notice asks to confirm it: an `ivr` action
 * (`{"ivr": URL, "digits": 1, "timeout": 10, "repeat": 2, "next": URL}`) plays the spoken notice with the
 * request to press 1, plays it once more when no key comes, then posts the key (form fields callid,
 * result) to `next`, which answers with the next action: the thanks, played (`{"play": URL}`). A PIN is
 * played once (`{"play": URL}`). 46elks fetches the audio from this server (a signed link, spoken-audio.ts).
 * When the call ends 46elks posts to `whenhangup` (form fields id, state success|busy|failed, duration):
 * success is delivered; busy and failed — 46elks' state for a call nobody answered — are unanswered, to be
 * called again (retry-policy.ts). 46elks signs none of its callbacks, so their path carries a token only this
 * server can make. Needs AVISO_PUBLIC_URL: 46elks must reach the audio and the webhooks.
 * Health: `GET /a1/me` (the account) with the same credentials.
 */
import type { ChannelProvider, DeliveryReceipt, OutboundMessage, ProviderWebhook, SendResult } from '../channel.js';
import {
  accountHealth,
  acceptedOrFailure,
  basic,
  httpSmsOptions,
  postForm,
  webhookToken,
  webhookUrl,
  type HttpSmsDeps,
} from '../sms/http-sms.js';
import { callLanguage, CONFIRM_TIMEOUT_S, spokenText, thanksText } from './call-prompts.js';
import { spokenAudioUrl } from './spoken-audio.js';

/** How a call ended, as 46elks says it, as a receipt. */
const STATES: Record<string, DeliveryReceipt['status']> = {
  success: 'delivered',
  busy: 'unanswered',
  failed: 'unanswered',
};

export function elks46VoiceProvider(url: URL, deps: HttpSmsDeps): ChannelProvider {
  const options = httpSmsOptions(url, 'https://api.46elks.com');
  // `?from=+46…` reads as a space in a query string: the number's plus, meant.
  const from = options.from.replace(/^ (?=\d)/, '+');
  const publicUrl = deps.publicUrl;
  if (!publicUrl)
    throw new Error('46elks voice calls need AVISO_PUBLIC_URL: 46elks fetches the spoken message from it');
  if (!/^\+[1-9]\d{6,14}$/.test(from))
    throw new Error('46elks voice URL: from must be a number of the account in E.164, e.g. ?from=%2B46766861004');
  const name = `46elks-voice://${decodeURIComponent(url.username)}@${new URL(options.base).host}`;
  const key = `46elks-voice-${decodeURIComponent(url.username)}`;
  const token = webhookToken(deps, key);
  const hangup = webhookUrl(deps, key, token)!;
  const authorization = basic(url.username, url.password);
  const audio = (text: string, language: string) => spokenAudioUrl(publicUrl, deps.secret, text, language);

  function firstAction(message: OutboundMessage): Record<string, unknown> {
    const language = message.language ?? 'fi';
    const play = audio(spokenText(message.text, language, message.confirm === true), language);
    if (!message.confirm) return { play };
    // The same webhook as the hang-up, told apart by its fields; the language for the thanks.
    const next = `${hangup}?language=${encodeURIComponent(language)}`;
    return { ivr: play, digits: 1, timeout: CONFIRM_TIMEOUT_S, repeat: 2, next };
  }

  async function send(message: OutboundMessage): Promise<SendResult> {
    const form = new URLSearchParams({
      from,
      to: message.to,
      voice_start: JSON.stringify(firstAction(message)),
      whenhangup: hangup,
    });
    const answer = await postForm(`${options.base}/a1/calls`, authorization, form, options.timeoutMs);
    return acceptedOrFailure(message.id, name, answer, (status) => status === 200, 'id');
  }

  const webhook: ProviderWebhook = {
    key,
    handle(request) {
      if (request.token !== token) return { ok: false, reason: 'wrong or missing webhook token' };
      const form = request.body as Record<string, string | undefined>;
      // The key pressed after the notice (the ivr action's `next`): 1 confirms, and hears the thanks.
      if (form?.callid && form.result !== undefined) {
        if (form.result !== '1') return { ok: true, receipts: [] };
        const language = callLanguage(new URL(request.url, 'http://x').searchParams.get('language'));
        return {
          ok: true,
          receipts: [{ provider: name, providerId: form.callid, status: 'acknowledged', at: deps.now() }],
          reply: {
            contentType: 'application/json',
            body: JSON.stringify({ play: audio(thanksText(language), language) }),
          },
        };
      }
      const status = STATES[form?.state ?? ''];
      if (!form?.id || !status)
        return { ok: false, reason: 'not a 46elks call report (id, state) or key (callid, result)' };
      return {
        ok: true,
        receipts: [
          {
            provider: name,
            providerId: form.id,
            status,
            at: deps.now(),
            ...(status !== 'delivered' ? { error: `call ${form.state} (46elks)` } : {}),
          },
        ],
      };
    },
  };

  return {
    name,
    channel: 'voice',
    maxPerSecond: options.tps > 0 ? options.tps : Infinity,
    send,
    receiptSources: [name],
    webhooks: [webhook],
    health: () =>
      accountHealth(name, `${options.base}/a1/me`, { headers: { authorization }, timeoutMs: options.timeoutMs }),
  };
}
