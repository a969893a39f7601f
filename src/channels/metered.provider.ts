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
  const record = (result: SendResult): SendResult => {
    meter.sent(provider.channel, provider.name, result);
    if (provider.onReceipt && result.status === 'sent' && result.providerId) {
      sentAt.set(result.providerId, clock.now());
      if (sentAt.size > REMEMBERED_SENDS) sentAt.delete(sentAt.keys().next().value!);
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
    ...(provider.webhooks ? { webhooks: provider.webhooks } : {}),
    send: async (message: OutboundMessage) => record(await provider.send(message)),
    ...(sendBatch ? { sendBatch: async (messages: OutboundMessage[]) => (await sendBatch(messages)).map(record) } : {}),
    ...(onReceipt
      ? {
          onReceipt: (handler: (receipt: DeliveryReceipt) => void) =>
            onReceipt((receipt) => {
              const at = sentAt.get(receipt.providerId);
              sentAt.delete(receipt.providerId);
              meter.receipt(provider.channel, provider.name, receipt, at === undefined ? undefined : clock.now() - at);
              handler(receipt);
            }),
        }
      : {}),
    ...(provider.health ? { health: provider.health.bind(provider) } : {}),
    ...(provider.close ? { close: provider.close.bind(provider) } : {}),
  };
}
