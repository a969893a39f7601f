/**
 * Channels are ports: SMS, email, voice and push each have this one small interface and one
 * implementation per provider (the dev inbox is one of them). Dispatch never knows which provider it
 * talks to; it only sees `send` / `sendBatch` and the provider's throughput limit.
 */

export const CHANNELS = ['sms', 'email', 'voice', 'push'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export interface OutboundMessage {
  /** Our id for this delivery (used as the provider's reference for receipts). */
  id: string;
  tenantId: string | null;
  channel: ChannelName;
  /** E.164 number, email address or push subscription JSON. */
  to: string;
  /** Sender name (SMS sender id, email from name). */
  from?: string;
  subject?: string;
  text: string;
  /** Language of the text, for text-to-speech. */
  language?: string;
  /** When the notice stops being worth delivering (epoch ms): the SMS validity period. */
  expiresAt?: number;
  /** Push: the page a click on the notification opens (a path on the portal's origin). */
  link?: string;
  /** Email: the signed one-click unsubscribe address of this recipient at this tenant (notices only, not PINs). */
  unsubscribeUrl?: string;
  /** Voice: ask the person called to press 1 to confirm they heard it (notices, not PINs). */
  confirm?: boolean;
}

export interface SendResult {
  /** Our message id this result is for. */
  id: string;
  /** The provider's id for the message, when it gave one. */
  providerId?: string;
  /** `delivered` when the provider confirms at once (the inbox); `sent` when a receipt follows later. */
  status: 'sent' | 'delivered' | 'failed';
  /** The provider's reason for a failure. */
  error?: string;
  /** Whether a failure may succeed if tried again (throttling, connection loss). */
  retryable?: boolean;
  /** A retryable failure the far side wants minutes for, not seconds (an SMTP 4xx: greylisting, a full mailbox). */
  retryLater?: boolean;
  /** False when the message never left for the provider (no connection): the try does not count. */
  attempted?: boolean;
  /** The provider's raw answer, recorded with the attempt. */
  raw?: unknown;
  /** The provider that answered (its `name`), when a failover chain had several to choose from. */
  provider?: string;
  /** Why an earlier provider of a failover chain was passed over, when one was. */
  failover?: string;
}

export interface DeliveryReceipt {
  /** The provider that took the message (its `name`): ids are unique only within one provider. */
  provider: string;
  providerId: string;
  /**
   * A final status; or, for a call, `acknowledged` (the person called pressed 1; the call goes on, its end
   * comes as `delivered`) or `unanswered` (no answer, busy: the call may be made again, see retry-policy.ts).
   */
  status: 'delivered' | 'failed' | 'expired' | 'acknowledged' | 'unanswered';
  error?: string;
  at: number;
}

/** An SMS a resident sent to the tenant's sender (a reply, or STOP), as a provider handed it over. */
export interface InboundSms {
  provider: string;
  /** The resident's number in E.164. */
  from: string;
  /** The number or name it was sent to, as the provider gives it. */
  to: string;
  text: string;
  receivedAt: number;
}

/** A callback a provider posts to (delivery reports, inbound SMS), as the webhook route hands it over. */
export interface WebhookRequest {
  /** The URL the provider posted to, as the public sees it (signatures cover it). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body as parsed: JSON, or a form as an object of strings. */
  body: unknown;
  /** The path segment after the provider's key, if any. */
  token: string | undefined;
}

/** What a webhook answers the provider when it wants more than a 204: the next step of a call (TwiML, 46elks actions). */
export interface WebhookReply {
  contentType: string;
  body: string;
}

/** A provider's webhook: its key in `/api/webhooks/sms/{key}` and how to read (and check) what arrives. */
export interface ProviderWebhook {
  key: string;
  handle(
    request: WebhookRequest,
  ):
    | { ok: true; receipts: DeliveryReceipt[]; inbound?: InboundSms[]; reply?: WebhookReply }
    | { ok: false; reason: string };
}

export interface ChannelProvider {
  readonly name: string;
  readonly channel: ChannelName;
  /** Messages per second this provider accepts; dispatch paces itself to it. */
  readonly maxPerSecond: number;
  send(message: OutboundMessage): Promise<SendResult>;
  /**
   * A provider whose API takes many messages in one request (an HTTP batch, a bulk insert). Without one,
   * `send` is called per message, and each answer is recorded as it comes rather than with its chunk's.
   */
  sendBatch?(messages: OutboundMessage[]): Promise<SendResult[]>;
  /** Delivery receipts pushed by the provider (SMPP deliver_sm, HTTP callbacks). */
  onReceipt?(handler: (receipt: DeliveryReceipt) => void): void;
  /** SMS residents send to the tenant's sender over the provider's own connection (SMPP deliver_sm). */
  onInbound?(handler: (sms: InboundSms) => void): void;
  /**
   * Names of the providers (this one, or those of a failover chain) whose `sent` answers wait for a
   * receipt: what gets none before the message's validity ends is expired.
   */
  readonly receiptSources?: readonly string[];
  /** Whether the provider can take messages now (bound, logged in, reachable), with a reason to show an operator. */
  health?(): Promise<ProviderHealth>;
  /** Webhooks the provider's receipts arrive at (HTTP providers). */
  readonly webhooks?: readonly ProviderWebhook[];
  /**
   * Whether the provider recognises a message it was given before (by its id) and does not deliver it
   * twice: then a message whose answer was lost in a crash is simply sent again.
   */
  readonly idempotent?: boolean;
  /** Ends the provider's connections; messages in flight end at once as retryable failures. */
  close?(): Promise<void>;
}

export interface ProviderHealth {
  ok: boolean;
  detail: string;
}

export type Channels = Readonly<Record<ChannelName, ChannelProvider>>;
