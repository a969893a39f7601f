/**
 * Web push (`AVISO_PUSH=webpush://?subject=mailto:ops@example.org&tps=N&timeout=S`): each notice goes to the
 * push service of the browser that subscribed (the subscription's `endpoint`), encrypted for that browser
 * (aes128gcm, RFC 8291) and signed with the instance's VAPID keys (RFC 8292), by the `web-push` package. The
 * subject (a contact for the push service) is `?subject=` or else AVISO_PUBLIC_URL when it is https.
 *
 * Push services send no receipts: a push they take (201, 202) is as delivered as Aviso can know. A
 * subscription they no longer know (404, 410: the resident revoked the permission, or the browser dropped
 * it) is removed; throttling (429) and their own failures (5xx) are tried again; anything else is final.
 */
import type { Agent } from 'node:https';
import webpush, { type PushSubscription } from 'web-push';
import type { ChannelProvider, OutboundMessage, ProviderHealth, SendResult } from '../channel.js';
import { NoVapidKeysYet, type VapidKeys } from './vapid-keys.js';

export interface WebPushDeps {
  keys(): Promise<VapidKeys>;
  /** AVISO_PUBLIC_URL: the default subject when it is https. */
  publicUrl: string | undefined;
  /** Removes a subscription its push service says is gone, from the tenant's contacts. */
  forgetSubscription(tenantId: string, subscription: string): Promise<void>;
  now(): number;
  /** The HTTPS agent push services are reached with (default: Node's global one). */
  agent?: Agent | undefined;
}

/** What the service worker gets (web/public/push-worker.js reads these fields). */
export interface PushPayload {
  title: string;
  body: string;
  /** The page a click on the notification opens, on the portal's own origin. */
  link: string;
  /** Notifications of one message replace each other rather than pile up. */
  tag: string;
}

/** Push services take 4,096 bytes; aes128gcm adds 86 (header, padding delimiter, tag). */
const MAX_PAYLOAD_BYTES = 3_900;
/** How long a push service keeps a notice for a browser that is offline, at most (four weeks, as they allow). */
const MAX_TTL_S = 28 * 24 * 3600;
const DEFAULT_TTL_S = 24 * 3600;
/** The origin a health check signs for (any push service's would do: nothing is sent). */
const HEALTH_AUDIENCE = 'https://push.example';
/** Errors that mean the request never reached the push service: the try does not count. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The URL's options: the VAPID subject, messages per second, the answer's time limit. */
export function webPushOptions(url: URL, publicUrl: string | undefined) {
  const tps = Number(url.searchParams.get('tps') ?? 50);
  const timeout = Number(url.searchParams.get('timeout') ?? 10);
  if (!Number.isFinite(tps) || tps < 0) throw new Error('webpush URL: tps must be a number ≥ 0');
  if (!Number.isFinite(timeout) || timeout <= 0) throw new Error('webpush URL: timeout must be a number of seconds');
  const subject = url.searchParams.get('subject') ?? (publicUrl?.startsWith('https://') ? publicUrl : undefined);
  if (!subject || !/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/.test(subject))
    throw new Error(
      'webpush needs a VAPID subject that push services can reach the operator at: AVISO_PUBLIC_URL over https, or webpush://?subject=mailto:ops@example.org',
    );
  return { tps, timeoutMs: timeout * 1000, subject };
}

/** The notice as the service worker shows it, cut to what a push service takes. */
export function pushPayload(message: OutboundMessage): string {
  const payload: PushPayload = {
    title: message.subject || message.from || 'Aviso',
    body: message.text,
    link: message.link ?? '/',
    tag: message.id.split(':')[0]!,
  };
  let json = JSON.stringify(payload);
  while (Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) {
    payload.body = `${payload.body.slice(0, Math.floor(payload.body.length * 0.9))}…`;
    json = JSON.stringify(payload);
  }
  return json;
}

/** Seconds a push service should keep the notice: until the message expires, at most four weeks. */
export const timeToLive = (message: OutboundMessage, now: number): number =>
  message.expiresAt === undefined
    ? DEFAULT_TTL_S
    : Math.max(0, Math.min(MAX_TTL_S, Math.floor((message.expiresAt - now) / 1000)));

function parseSubscription(to: string): PushSubscription | undefined {
  try {
    const s = JSON.parse(to) as Partial<PushSubscription>;
    return typeof s.endpoint === 'string' && s.keys?.p256dh && s.keys.auth ? (s as PushSubscription) : undefined;
  } catch {
    return undefined;
  }
}

interface PushAnswer {
  statusCode: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

const answerOf = (a: PushAnswer) => ({
  status: a.statusCode,
  ...(typeof a.headers.location === 'string' ? { location: a.headers.location } : {}),
  body: a.body.slice(0, 500),
});

export function webPushProvider(url: URL, deps: WebPushDeps): ChannelProvider {
  const options = webPushOptions(url, deps.publicUrl);
  const name = 'webpush';

  /** A push service's refusal as a send result; a gone subscription is removed first. */
  async function refused(message: OutboundMessage, answer: PushAnswer): Promise<SendResult> {
    const status = answer.statusCode;
    const raw = answerOf(answer);
    const reason = `${status} ${answer.body.slice(0, 200)}`.trim();
    if (status === 404 || status === 410) {
      if (message.tenantId) await deps.forgetSubscription(message.tenantId, message.to);
      return { id: message.id, status: 'failed', error: `${reason} (subscription gone: removed)`, raw };
    }
    return { id: message.id, status: 'failed', error: reason, retryable: status === 429 || status >= 500, raw };
  }

  async function send(message: OutboundMessage): Promise<SendResult> {
    const subscription = parseSubscription(message.to);
    if (!subscription) return { id: message.id, status: 'failed', error: 'not a push subscription' };
    const keys = await deps.keys();
    try {
      const answer = (await webpush.sendNotification(subscription, pushPayload(message), {
        vapidDetails: { subject: options.subject, ...keys },
        TTL: timeToLive(message, deps.now()),
        contentEncoding: 'aes128gcm',
        urgency: 'high',
        timeout: options.timeoutMs,
        ...(deps.agent ? { agent: deps.agent } : {}),
      })) as PushAnswer;
      const raw = answerOf(answer);
      // No receipt follows: taken by the push service is delivered as far as anyone can tell.
      return { id: message.id, providerId: raw.location ?? message.id, status: 'delivered', raw };
    } catch (error) {
      if (error instanceof webpush.WebPushError) return refused(message, error as unknown as PushAnswer);
      const code = (error as { code?: string }).code;
      return {
        id: message.id,
        status: 'failed',
        error: `push service not reached (${code ?? (error as Error).message})`,
        retryable: true,
        attempted: !(code && NOT_SENT.has(code)),
      };
    }
  }

  /**
   * Push services are the browsers' own, one per subscription: there is none to reach before a send.
   * What can fail here is the instance's VAPID key pair (unreadable, or not a pair that signs).
   */
  async function health(): Promise<ProviderHealth> {
    try {
      const keys = await deps.keys();
      webpush.getVapidHeaders(HEALTH_AUDIENCE, options.subject, keys.publicKey, keys.privateKey, 'aes128gcm');
      return { ok: true, detail: `${name}: VAPID keys sign as ${options.subject}` };
    } catch (error) {
      if (error instanceof NoVapidKeysYet) return { ok: true, detail: `${name}: ${error.message}` };
      return { ok: false, detail: `${name}: no usable VAPID keys (${(error as Error).message})` };
    }
  }

  return { name, channel: 'push', maxPerSecond: options.tps > 0 ? options.tps : Infinity, send, health };
}
