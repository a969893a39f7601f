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
  /** The provider's raw answer, recorded with the attempt. */
  raw?: unknown;
}

export interface DeliveryReceipt {
  providerId: string;
  status: 'delivered' | 'failed' | 'expired';
  error?: string;
  at: number;
}

export interface ChannelProvider {
  readonly name: string;
  readonly channel: ChannelName;
  /** Messages per second this provider accepts; dispatch paces itself to it. */
  readonly maxPerSecond: number;
  send(message: OutboundMessage): Promise<SendResult>;
  /** Optional batch send; providers without one get `send` called per message. */
  sendBatch?(messages: OutboundMessage[]): Promise<SendResult[]>;
  /** Delivery receipts pushed by the provider (SMPP deliver_sm, HTTP callbacks). */
  onReceipt?(handler: (receipt: DeliveryReceipt) => void): void;
  /** Whether the provider can take messages now (bound, logged in, reachable), with a reason to show an operator. */
  health?(): Promise<ProviderHealth>;
  close?(): Promise<void>;
}

export interface ProviderHealth {
  ok: boolean;
  detail: string;
}

export type Channels = Readonly<Record<ChannelName, ChannelProvider>>;
