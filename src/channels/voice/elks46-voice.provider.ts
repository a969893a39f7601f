/**
 * Voice calls through 46elks (`46elks://API_USERNAME:API_PASSWORD@api.46elks.com?from=+46766861004`, a number of
 * the account): one `POST /a1/calls` per call (form fields from, to, voice_start, whenhangup; HTTP Basic
 * authentication). `voice_start` is the call's first action, `{"play": URL}`: 46elks fetches the spoken message
 * from this server (a signed link, spoken-audio.ts) and plays it. When the call ends 46elks posts to
 * `whenhangup` (form fields id, state success|busy|failed, duration); it does not sign it, so the webhook's path
 * carries a token only this server can make. Needs AVISO_PUBLIC_URL: 46elks must reach the audio and the webhook.
 * Health: `GET /a1/me` (the account) with the same credentials.
 */
import type { ChannelProvider, DeliveryReceipt, OutboundMessage, ProviderWebhook, SendResult } from '../channel.js';
import {
  accountHealth,
  acceptedOrFailure,
  basic,
  httpSmsOptions,
  post,
  webhookToken,
  webhookUrl,
  type HttpSmsDeps,
} from '../sms/http-sms.js';
import { spokenAudioUrl } from './spoken-audio.js';

/** How a call ended, as 46elks says it, as a receipt. */
const STATES: Record<string, DeliveryReceipt['status']> = { success: 'delivered', busy: 'failed', failed: 'failed' };

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

  async function send(message: OutboundMessage): Promise<SendResult> {
    const play = spokenAudioUrl(publicUrl!, deps.secret, message.text, message.language ?? 'fi');
    const form = new URLSearchParams({
      from,
      to: message.to,
      voice_start: JSON.stringify({ play }),
      whenhangup: hangup,
    });
    const answer = await post(`${options.base}/a1/calls`, {
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      timeoutMs: options.timeoutMs,
    });
    return acceptedOrFailure(message.id, name, answer, (status) => status === 200, 'id');
  }

  const webhook: ProviderWebhook = {
    key,
    handle(request) {
      if (request.token !== token) return { ok: false, reason: 'wrong or missing webhook token' };
      const form = request.body as Record<string, string | undefined>;
      const status = STATES[form?.state ?? ''];
      if (!form?.id || !status) return { ok: false, reason: 'not a 46elks call report (id, state)' };
      return {
        ok: true,
        receipts: [
          {
            provider: name,
            providerId: form.id,
            status,
            at: deps.now(),
            ...(status === 'failed' ? { error: `call ${form.state} (46elks)` } : {}),
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
