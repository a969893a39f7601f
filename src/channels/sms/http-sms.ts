/**
 * What the HTTP SMS providers (46elks, GatewayAPI, Twilio) share: one request with a time limit, the
 * reading of the answer into a send result (429 and 5xx and timeouts are temporary, other 4xx final with
 * the provider's reason), the options their URLs carry, the webhook address receipts come back to, and the
 * health check against the provider's account endpoint.
 */
import { createHmac } from 'node:crypto';
import type { ChannelProvider, ProviderHealth, ProviderWebhook, SendResult } from '../channel.js';

export interface HttpSmsDeps {
  /** The public base URL (AVISO_PUBLIC_URL) webhooks are reached at; no webhooks without one. */
  publicUrl: string | undefined;
  /** Keys the unguessable part of webhook paths for providers that do not sign their callbacks. */
  secret: string;
  now(): number;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
  text: string;
}

/** The URL's options: `from` (sender), `tps`, `timeout` (s), and `base` — the API's address, for a stand-in. */
export function httpSmsOptions(url: URL, defaultBase: string) {
  const tps = Number(url.searchParams.get('tps') ?? 10);
  const timeout = Number(url.searchParams.get('timeout') ?? 10);
  if (!Number.isFinite(tps) || tps < 0) throw new Error(`${url.protocol} URL: tps must be a number ≥ 0`);
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new Error(`${url.protocol} URL: timeout must be a number of seconds`);
  return {
    from: url.searchParams.get('from') ?? 'Aviso',
    tps,
    timeoutMs: timeout * 1000,
    base: (url.searchParams.get('base') ?? (url.hostname ? `https://${url.host}` : defaultBase)).replace(/\/$/, ''),
  };
}

/** How long a health check waits for the provider's answer (readiness gives each check 5 s). */
const HEALTH_TIMEOUT_MS = 4000;

/** POSTs and reads the answer; a connection that never opened is `attempted: false`. */
export const post = (url: string, init: { headers: Record<string, string>; body: string; timeoutMs: number }) =>
  request('POST', url, init);

/** Sends one request and reads the answer (JSON when it parses, else the text). */
async function request(
  method: 'GET' | 'POST',
  url: string,
  init: { headers: Record<string, string>; body?: string; timeoutMs: number },
): Promise<HttpAnswer | { error: string; attempted: boolean }> {
  try {
    const response = await fetch(url, {
      method,
      headers: init.headers,
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: 46elks answers errors as plain text.
    }
    return { status: response.status, body, text };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const timedOut = (error as Error).name === 'TimeoutError';
    return {
      error: timedOut
        ? `no answer within ${init.timeoutMs / 1000} s`
        : `connection failed (${cause ?? (error as Error).message})`,
      attempted: timedOut,
    };
  }
}

/** POSTs a form with an `authorization` header (46elks and Twilio take forms with HTTP Basic authentication). */
export const postForm = (
  url: string,
  authorization: string,
  form: URLSearchParams,
  timeoutMs: number,
): Promise<HttpAnswer | { error: string; attempted: boolean }> =>
  post(url, {
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    timeoutMs,
  });

/**
 * A provider's health from its account endpoint (a GET that needs the credentials and sends nothing): a
 * 2xx answer is healthy unless `judge` finds otherwise in it, 401 and 403 are refused credentials, any
 * other answer or none is failing. Used by /readyz and `aviso doctor`.
 */
export async function accountHealth(
  name: string,
  url: string,
  init: { headers: Record<string, string>; timeoutMs: number },
  judge: (body: unknown) => ProviderHealth = () => ({ ok: true, detail: 'credentials accepted' }),
): Promise<ProviderHealth> {
  const answer = await request('GET', url, {
    headers: init.headers,
    timeoutMs: Math.min(init.timeoutMs, HEALTH_TIMEOUT_MS),
  });
  if ('error' in answer) return { ok: false, detail: `${name}: ${answer.error}` };
  if (answer.status === 401 || answer.status === 403)
    return { ok: false, detail: `${name}: credentials refused (${answer.status})` };
  if (answer.status < 200 || answer.status >= 300)
    return { ok: false, detail: `${name}: ${answer.status} ${answer.text.slice(0, 200)}`.trim() };
  const verdict = judge(answer.body);
  return { ok: verdict.ok, detail: `${name}: ${verdict.detail}` };
}

/**
 * A failed answer as a send result. Throttling (429), the provider's own failures (5xx) and refused
 * credentials (401, 403: the account, not the number) are worth another try — later or at the next
 * provider; other 4xx are about the message (a bad number) and final, with the provider's reason.
 */
export function failure(
  id: string,
  provider: string,
  answer: HttpAnswer | { error: string; attempted: boolean },
  reason: (a: HttpAnswer) => string,
): SendResult {
  if ('error' in answer)
    return { id, provider, status: 'failed', error: answer.error, retryable: true, attempted: answer.attempted };
  const retryable = answer.status === 429 || answer.status >= 500 || answer.status === 401 || answer.status === 403;
  return {
    id,
    provider,
    status: 'failed',
    error: `${answer.status} ${reason(answer)}`.trim(),
    retryable,
    raw: answer.body,
  };
}

/**
 * A provider's answer to one message as a send result: its failure (see `failure`), or taken with the
 * provider's id for it (`idField` of the JSON answer) — an answer without one is a failure worth another try.
 */
export function acceptedOrFailure(
  id: string,
  provider: string,
  answer: HttpAnswer | { error: string; attempted: boolean },
  accepted: (status: number) => boolean,
  idField: string,
  reason: (a: HttpAnswer) => string = (a) => a.text.slice(0, 200),
): SendResult {
  if ('error' in answer || !accepted(answer.status)) return failure(id, provider, answer, reason);
  const providerId = (answer.body as Record<string, unknown> | null)?.[idField];
  if (typeof providerId !== 'string' || !providerId)
    return {
      id,
      provider,
      status: 'failed',
      error: `no ${idField} in the answer: ${answer.text.slice(0, 200)}`,
      retryable: true,
      raw: answer.body,
    };
  return { id, provider, providerId, status: 'sent', raw: answer.body };
}

/** Where a provider posts its receipts: `{publicUrl}/api/webhooks/sms/{key}[/{token}]`, or undefined without a public URL. */
export function webhookUrl(deps: HttpSmsDeps, key: string, token?: string): string | undefined {
  if (!deps.publicUrl) return undefined;
  return `${deps.publicUrl.replace(/\/$/, '')}/api/webhooks/sms/${key}${token ? `/${token}` : ''}`;
}

/** An unguessable path token for a provider that does not sign its callbacks (keyed by the server's secret). */
export const webhookToken = (deps: HttpSmsDeps, key: string): string =>
  createHmac('sha256', deps.secret).update(`webhook:${key}`).digest('base64url').slice(0, 32);

/**
 * The provider shape the HTTP SMS providers share. Without a public URL no report can come back: a
 * message the provider accepted is then as far as Aviso can know, so it waits for no receipt.
 */
export function httpSmsProvider(
  parts: Pick<ChannelProvider, 'name' | 'send' | 'sendBatch' | 'health'>,
  tps: number,
  callback: string | undefined,
  webhook: ProviderWebhook,
): ChannelProvider {
  return {
    ...parts,
    channel: 'sms',
    maxPerSecond: tps > 0 ? tps : Infinity,
    ...(callback ? { receiptSources: [parts.name], webhooks: [webhook] } : {}),
  };
}

/** A resident's number as an HTTP provider gives it (`+358…`, or digits without the plus) in E.164; null if it is none. */
export function senderNumber(raw: unknown): string | null {
  const digits = String(raw ?? '').replace(/[\s-]/g, '');
  const e164 = digits.startsWith('+') ? digits : digits.startsWith('00') ? `+${digits.slice(2)}` : `+${digits}`;
  return /^\+[1-9]\d{6,14}$/.test(e164) ? e164 : null;
}

/** Basic authentication header. */
export const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${decodeURIComponent(user)}:${decodeURIComponent(password)}`).toString('base64')}`;
