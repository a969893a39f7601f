/**
 * Counts what a provider does, for the metrics: every send result and every delivery receipt, by channel
 * and provider, and the time from send to receipt. Wraps one provider (before failover joins several),
 * so that the counts name the provider that really answered. Dispatch and PIN delivery see no difference.
 */
import type { Clock } from '../lib/clock.js';
import type { ChannelName, ChannelProvider, DeliveryReceipt, OutboundMessage, SendResult } from './channel.js';

export interface ChannelMeter {
  sent(channel: ChannelName, provider: string, result: SendResult): void;
  receipt(channel: ChannelName, provider: string, receipt: DeliveryReceipt, latencyMs: number | undefined): void;
}

/** Provider ids remembered for the receipt latency; beyond this, the oldest are forgotten (no latency for them). */
const REMEMBERED_SENDS = 100_000;

export function meteredProvider(provider: ChannelProvider, meter: ChannelMeter, clock: Clock): ChannelProvider {
  const sentAt = new Map<string, number>();
  // A receipt can come before the send's answer is seen here (a batch answers when its last message is
  // taken): it waits, with its time, for the answer that names its id.
  const earlyReceipts = new Map<string, { receipt: DeliveryReceipt; at: number }>();
  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    map.set(key, value);
    if (map.size > REMEMBERED_SENDS) map.delete(map.keys().next().value!);
  };
  const record =
    (startedAt: number) =>
    (result: SendResult): SendResult => {
      meter.sent(provider.channel, provider.name, result);
      if (provider.onReceipt && result.status === 'sent' && result.providerId) {
        const early = earlyReceipts.get(result.providerId);
        if (early) {
          earlyReceipts.delete(result.providerId);
          meter.receipt(provider.channel, provider.name, early.receipt, early.at - startedAt);
        } else remember(sentAt, result.providerId, startedAt);
      }
      return result;
    };
  const sendBatch = provider.sendBatch?.bind(provider);
  const onReceipt = provider.onReceipt?.bind(provider);
  return {
    name: provider.name,
    channel: provider.channel,
    maxPerSecond: provider.maxPerSecond,
    ...(provider.receiptSources ? { receiptSources: provider.receiptSources } : {}),
    ...(provider.idempotent ? { idempotent: true } : {}),
    ...(provider.webhooks ? { webhooks: provider.webhooks } : {}),
    send: async (message: OutboundMessage) => record(clock.now())(await provider.send(message)),
    ...(sendBatch
      ? {
          sendBatch: async (messages: OutboundMessage[]) => {
            const startedAt = clock.now();
            return (await sendBatch(messages)).map(record(startedAt));
          },
        }
      : {}),
    ...(onReceipt
      ? {
          onReceipt: (handler: (receipt: DeliveryReceipt) => void) =>
            onReceipt((receipt) => {
              const at = sentAt.get(receipt.providerId);
              if (at === undefined) remember(earlyReceipts, receipt.providerId, { receipt, at: clock.now() });
              else {
                sentAt.delete(receipt.providerId);
                meter.receipt(provider.channel, provider.name, receipt, clock.now() - at);
              }
              handler(receipt);
            }),
        }
      : {}),
    ...(provider.onInbound ? { onInbound: provider.onInbound.bind(provider) } : {}),
    ...(provider.health ? { health: provider.health.bind(provider) } : {}),
    ...(provider.close ? { close: provider.close.bind(provider) } : {}),
  };
}
