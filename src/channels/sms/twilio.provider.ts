/**
 * SMS through Twilio (`twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=+358…|SENDER&tps=N`, or
 * `messagingService=MG…` instead of `from`): one `POST /2010-04-01/Accounts/{sid}/Messages.json` per
 * message (form fields To, From or MessagingServiceSid, Body, StatusCallback), HTTP Basic authentication.
 * Status callbacks (form fields MessageSid, MessageStatus, ErrorCode) are signed: `X-Twilio-Signature`
 * is Base64(HMAC-SHA1(auth token, the callback URL followed by each form field's name and value, sorted by
 * name)); a callback without a valid signature is refused. An SMS a resident sends to the number comes,
 * signed the same way, to the same address set as the number's Messaging webhook (From, To, Body). Health:
 * `GET /2010-04-01/Accounts/{sid}.json` with the same credentials, and the account's status `active`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type {
  ChannelProvider,
  DeliveryReceipt,
  OutboundMessage,
  ProviderWebhook,
  SendResult,
  WebhookRequest,
} from '../channel.js';
import {
  accountHealth,
  acceptedOrFailure,
  basic,
  httpSmsOptions,
  httpSmsProvider,
  postForm,
  senderNumber,
  webhookUrl,
  type HttpSmsDeps,
} from './http-sms.js';

// Final states of a Twilio message; queued, accepted, sending and sent are on the way.
const STATUSES: Record<string, DeliveryReceipt['status']> = {
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};

/** Twilio's request signature over a URL and form fields. */
export function twilioSignature(authToken: string, url: string, form: Record<string, string>): string {
  const data =
    url +
    Object.keys(form)
      .sort()
      .map((k) => k + form[k])
      .join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Where and as whom a provider creates Twilio resources (messages, calls). */
export interface TwilioAccount {
  base: string;
  accountSid: string;
  authorization: string;
  timeoutMs: number;
}

/** Creates a Twilio resource (`Messages`, `Calls`) for one of our messages: taken with its `sid`, or failed with Twilio's reason. */
export async function createTwilioResource(
  account: TwilioAccount,
  resource: 'Messages' | 'Calls',
  form: URLSearchParams,
  message: { id: string; provider: string },
): Promise<SendResult> {
  const url = `${account.base}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}/${resource}.json`;
  const answer = await postForm(url, account.authorization, form, account.timeoutMs);
  const created = (status: number) => status === 200 || status === 201;
  return acceptedOrFailure(message.id, message.provider, answer, created, 'sid', twilioError);
}

/** Twilio's reason for refusing a request (its JSON error: code and message), e.g. `Twilio 21211: …`. */
export function twilioError(answer: { body: unknown; text: string }): string {
  const error = answer.body as { code?: number; message?: string } | null;
  return error?.code ? `Twilio ${error.code}: ${error.message ?? ''}` : answer.text.slice(0, 200);
}

/** Why a Twilio callback is refused (no or a wrong `X-Twilio-Signature`); null for one Twilio signed. */
export function twilioSignatureProblem(authToken: string, request: WebhookRequest): string | null {
  const form = request.body as Record<string, string>;
  const given = request.headers['x-twilio-signature'];
  if (typeof given !== 'string' || !form || typeof form !== 'object') return 'unsigned callback';
  const expected = Buffer.from(twilioSignature(authToken, request.url, form));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return 'bad X-Twilio-Signature';
  return null;
}

export function twilioProvider(url: URL, deps: HttpSmsDeps): ChannelProvider {
  const options = httpSmsOptions(url, 'https://api.twilio.com');
  const accountSid = decodeURIComponent(url.username);
  const authToken = decodeURIComponent(url.password);
  const messagingService = url.searchParams.get('messagingService');
  const name = `twilio://${accountSid}@${new URL(options.base).host}`;
  const key = `twilio-${accountSid}`;
  const callback = webhookUrl(deps, key);
  const account = {
    base: options.base,
    accountSid,
    authorization: basic(url.username, url.password),
    timeoutMs: options.timeoutMs,
  };

  async function send(message: OutboundMessage): Promise<SendResult> {
    const form = new URLSearchParams({ To: message.to, Body: message.text });
    if (messagingService) form.set('MessagingServiceSid', messagingService);
    else form.set('From', message.from ?? options.from);
    if (callback) form.set('StatusCallback', callback);
    return createTwilioResource(account, 'Messages', form, { id: message.id, provider: name });
  }

  const webhook: ProviderWebhook = {
    key,
    handle(request) {
      const refused = twilioSignatureProblem(authToken, request);
      if (refused) return { ok: false, reason: refused };
      const form = request.body as Record<string, string>;
      // An SMS a resident sent to the number (its Messaging webhook): From, To, Body, no MessageStatus.
      if (typeof form.Body === 'string' && form.MessageStatus === undefined) {
        const from = senderNumber(form.From);
        if (!from) return { ok: false, reason: 'not a Twilio incoming message (From, Body)' };
        return {
          ok: true,
          receipts: [],
          inbound: [{ provider: name, from, to: form.To ?? '', text: form.Body, receivedAt: deps.now() }],
        };
      }
      const status = STATUSES[form.MessageStatus ?? ''];
      if (!form.MessageSid || !form.MessageStatus)
        return { ok: false, reason: 'not a Twilio status callback (MessageSid, MessageStatus)' };
      if (!status) return { ok: true, receipts: [] };
      const error =
        status === 'failed' ? `${form.MessageStatus}${form.ErrorCode ? ` (Twilio ${form.ErrorCode})` : ''}` : undefined;
      return {
        ok: true,
        receipts: [
          { provider: name, providerId: form.MessageSid, status, at: deps.now(), ...(error ? { error } : {}) },
        ],
      };
    },
  };

  const health = () =>
    accountHealth(
      name,
      `${options.base}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}.json`,
      { headers: { authorization: account.authorization }, timeoutMs: options.timeoutMs },
      (body) => {
        const status = (body as { status?: unknown } | null)?.status;
        return status === undefined || status === 'active'
          ? { ok: true, detail: 'credentials accepted, account active' }
          : { ok: false, detail: `the account is ${String(status)}` };
      },
    );
  return httpSmsProvider({ name, send, health }, options.tps, callback, webhook);
}
