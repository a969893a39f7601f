/**
 * SMS through 46elks (`46elks://API_USERNAME:API_PASSWORD@api.46elks.com?from=SENDER&tps=N`): one
 * `POST /a1/sms` per message (form fields from, to, message, whendelivered), HTTP Basic authentication.
 * 46elks posts delivery reports (form fields id, status delivered|failed, delivered) to `whendelivered`;
 * it does not sign them, so the webhook's path carries a token only this server can make. SMS residents
 * send to the number (form fields direction=incoming, id, from, to, message, created) come to the same
 * address, set as the number's `sms_url`. Health: `GET /a1/me` (the account) with the same credentials.
 */
import type { ChannelProvider, DeliveryReceipt, OutboundMessage, ProviderWebhook, SendResult } from '../channel.js';
import {
  accountHealth,
  acceptedOrFailure,
  basic,
  httpSmsOptions,
  httpSmsProvider,
  postForm,
  senderNumber,
  webhookToken,
  webhookUrl,
  type HttpSmsDeps,
} from './http-sms.js';

const STATUSES: Record<string, DeliveryReceipt['status']> = { delivered: 'delivered', failed: 'failed' };

export function elks46Provider(url: URL, deps: HttpSmsDeps): ChannelProvider {
  const options = httpSmsOptions(url, 'https://api.46elks.com');
  const name = `46elks://${decodeURIComponent(url.username)}@${new URL(options.base).host}`;
  const key = `46elks-${decodeURIComponent(url.username)}`;
  const token = webhookToken(deps, key);
  const callback = webhookUrl(deps, key, token);
  const authorization = basic(url.username, url.password);

  async function send(message: OutboundMessage): Promise<SendResult> {
    const form = new URLSearchParams({ from: message.from ?? options.from, to: message.to, message: message.text });
    if (callback) form.set('whendelivered', callback);
    const answer = await postForm(`${options.base}/a1/sms`, authorization, form, options.timeoutMs);
    return acceptedOrFailure(message.id, name, answer, (status) => status === 200, 'id');
  }

  const webhook: ProviderWebhook = {
    key,
    handle(request) {
      if (request.token !== token) return { ok: false, reason: 'wrong or missing webhook token' };
      const form = request.body as Record<string, string | undefined>;
      if (form?.direction === 'incoming') {
        const from = senderNumber(form.from);
        if (!from || typeof form.message !== 'string')
          return { ok: false, reason: 'not a 46elks incoming SMS (from, message)' };
        return {
          ok: true,
          receipts: [],
          inbound: [{ provider: name, from, to: form.to ?? '', text: form.message, receivedAt: deps.now() }],
        };
      }
      const status = STATUSES[form.status ?? ''];
      if (!form.id || !status) return { ok: false, reason: 'not a 46elks delivery report (id, status)' };
      return {
        ok: true,
        receipts: [
          {
            provider: name,
            providerId: form.id,
            status,
            at: deps.now(),
            ...(status === 'failed' ? { error: 'failed (46elks)' } : {}),
          },
        ],
      };
    },
  };

  const health = () =>
    accountHealth(name, `${options.base}/a1/me`, { headers: { authorization }, timeoutMs: options.timeoutMs });
  return httpSmsProvider({ name, send, health }, options.tps, callback, webhook);
}
