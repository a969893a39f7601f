/**
 * SMS through GatewayAPI (`gatewayapi://TOKEN@gatewayapi.com?from=SENDER&tps=N&webhookSecret=S`): the
 * messages of one call with the same sender and text go as one `POST /rest/mtsms` with many recipients
 * (JSON: sender, message, recipients[].msisdn, callback_url), authenticated with `Authorization: Token`.
 * GatewayAPI posts one status per recipient (id, msisdn, status) and signs it with a JWT (HS256, the
 * webhook secret) in `X-Gwapi-Signature`, whose claims are the status: a callback without a valid one is
 * refused. Without `webhookSecret` the webhook's path carries a token only this server can make. An SMS a
 * resident sends (MO: id, msisdn, receiver, message) comes the same way to the same address, set as the
 * account's MO webhook. Health: `GET /rest/me` (the account's credit) with the same token.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChannelProvider, DeliveryReceipt, OutboundMessage, ProviderWebhook, SendResult } from '../channel.js';
import {
  accountHealth,
  failure,
  httpSmsOptions,
  httpSmsProvider,
  post,
  senderNumber,
  webhookToken,
  webhookUrl,
  type HttpSmsDeps,
} from './http-sms.js';

const STATUSES: Record<string, DeliveryReceipt['status']> = {
  DELIVERED: 'delivered',
  UNDELIVERED: 'failed',
  REJECTED: 'failed',
  SKIPPED: 'failed',
  EXPIRED: 'expired',
};
const MAX_RECIPIENTS = 1000;

/** The claims of an HS256 JWT signed with `secret`, or undefined when the signature does not hold. */
export function verifyHs256(jwt: string, secret: string): Record<string, unknown> | undefined {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return undefined;
  try {
    if ((JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string }).alg !== 'HS256') return undefined;
    const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
    const actual = Buffer.from(signature, 'base64url');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The provider's id for one recipient of a message: GatewayAPI's message id and the number. */
const recipientId = (id: unknown, msisdn: unknown): string => `${String(id)}:${String(msisdn)}`;

export function gatewayApiProvider(url: URL, deps: HttpSmsDeps): ChannelProvider {
  const options = httpSmsOptions(url, 'https://gatewayapi.com');
  const apiToken = decodeURIComponent(url.username);
  const secret = url.searchParams.get('webhookSecret');
  const name = `gatewayapi://${new URL(options.base).host}/${createHmac('sha256', 'aviso').update(apiToken).digest('hex').slice(0, 8)}`;
  const key = `gatewayapi-${name.slice(-8)}`;
  const token = secret ? undefined : webhookToken(deps, key);
  const callback = webhookUrl(deps, key, token);

  /** One request for messages with the same sender and text. */
  async function sendGroup(group: OutboundMessage[]): Promise<SendResult[]> {
    const first = group[0]!;
    const body = {
      sender: first.from ?? options.from,
      message: first.text,
      recipients: group.map((m) => ({ msisdn: Number(m.to.replace(/^\+/, '')) })),
      ...(callback ? { callback_url: callback } : {}),
    };
    const answer = await post(`${options.base}/rest/mtsms`, {
      headers: { authorization: `Token ${apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      timeoutMs: options.timeoutMs,
    });
    const reason = (a: { body: unknown; text: string }) => {
      const error = a.body as { code?: string; message?: string };
      return error.code ? `GatewayAPI ${error.code}: ${error.message ?? ''}` : a.text.slice(0, 200);
    };
    if ('error' in answer || answer.status !== 200) return group.map((m) => failure(m.id, name, answer, reason));
    const id = (answer.body as { ids?: unknown[] }).ids?.[0];
    if (id === undefined)
      return group.map((m) => ({
        id: m.id,
        provider: name,
        status: 'failed' as const,
        error: `no message id in the answer: ${answer.text.slice(0, 200)}`,
        retryable: true,
        raw: answer.body,
      }));
    return group.map((m) => ({
      id: m.id,
      provider: name,
      providerId: recipientId(id, m.to.replace(/^\+/, '')),
      status: 'sent' as const,
      raw: answer.body,
    }));
  }

  async function sendBatch(messages: OutboundMessage[]): Promise<SendResult[]> {
    const byText = new Map<string, OutboundMessage[]>();
    for (const m of messages) {
      const groupKey = `${m.from ?? ''}\n${m.text}`;
      const list = byText.get(groupKey);
      if (list) list.push(m);
      else byText.set(groupKey, [m]);
    }
    const groups = [...byText.values()].flatMap((list) =>
      Array.from({ length: Math.ceil(list.length / MAX_RECIPIENTS) }, (_, i) =>
        list.slice(i * MAX_RECIPIENTS, (i + 1) * MAX_RECIPIENTS),
      ),
    );
    const results = new Map<string, SendResult>();
    for (const group of await Promise.all(groups.map(sendGroup))) for (const r of group) results.set(r.id, r);
    return messages.map((m) => results.get(m.id)!);
  }

  const webhook: ProviderWebhook = {
    key,
    handle(request) {
      let report: Record<string, unknown>;
      if (secret) {
        const jwt = request.headers['x-gwapi-signature'];
        const claims = typeof jwt === 'string' ? verifyHs256(jwt, secret) : undefined;
        if (!claims) return { ok: false, reason: 'missing or bad X-Gwapi-Signature' };
        report = claims;
      } else {
        if (request.token !== token) return { ok: false, reason: 'wrong or missing webhook token' };
        report = request.body as Record<string, unknown>;
      }
      // An SMS a resident sent (MO): id, msisdn, receiver, message, senttime; no status.
      if (report && typeof report.message === 'string' && report.status === undefined) {
        const from = senderNumber(report.msisdn);
        if (!from) return { ok: false, reason: 'not a GatewayAPI incoming SMS (msisdn, message)' };
        return {
          ok: true,
          receipts: [],
          inbound: [
            { provider: name, from, to: String(report.receiver ?? ''), text: report.message, receivedAt: deps.now() },
          ],
        };
      }
      if (report?.id === undefined || report.msisdn === undefined || typeof report.status !== 'string')
        return { ok: false, reason: 'not a GatewayAPI status (id, msisdn, status)' };
      const status = STATUSES[report.status];
      if (!status) return { ok: true, receipts: [] };
      const error =
        status === 'delivered'
          ? undefined
          : `${report.status}${report.error ? `: ${String(report.error)}` : ''}${report.code ? ` (${String(report.code)})` : ''}`;
      return {
        ok: true,
        receipts: [
          {
            provider: name,
            providerId: recipientId(report.id, report.msisdn),
            status,
            at: deps.now(),
            ...(error ? { error } : {}),
          },
        ],
      };
    },
  };

  const health = () =>
    accountHealth(
      name,
      `${options.base}/rest/me`,
      { headers: { authorization: `Token ${apiToken}` }, timeoutMs: options.timeoutMs },
      (body) => {
        const { credit, currency } = (body ?? {}) as { credit?: unknown; currency?: unknown };
        const left = typeof credit === 'number' && typeof currency === 'string' ? `, credit ${credit} ${currency}` : '';
        return { ok: true, detail: `credentials accepted${left}` };
      },
    );
  return httpSmsProvider(
    { name, send: async (message) => (await sendBatch([message]))[0]!, sendBatch, health },
    options.tps,
    callback,
    webhook,
  );
}
