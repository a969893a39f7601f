/**
 * Several providers for one channel, in failover order (`AVISO_SMS=smpp://primary…,smpp://backup…`):
 * a message that fails with a retryable error (connection lost, throttled, bind refused) goes to the
 * next provider; a final refusal (bad number) does not.
 */
import type { ChannelProvider, DeliveryReceipt, OutboundMessage, SendResult } from './channel.js';

export function failoverProvider(providers: ChannelProvider[]): ChannelProvider {
  const [first] = providers;
  if (!first) throw new Error('failover needs at least one provider');
  if (providers.length === 1) return first;

  async function send(message: OutboundMessage): Promise<SendResult> {
    let result: SendResult | undefined;
    for (const provider of providers) {
      result = await provider.send(message);
      if (result.status !== 'failed' || !result.retryable) return { ...result, raw: { provider: provider.name, answer: result.raw } };
    }
    return result!;
  }

  return {
    name: providers.map((p) => p.name).join('>'),
    channel: first.channel,
    maxPerSecond: first.maxPerSecond,
    send,
    async sendBatch(messages) {
      const results = first.sendBatch ? await first.sendBatch(messages) : await Promise.all(messages.map((m) => first.send(m)));
      // Only the messages the first provider could not take travel down the list.
      return Promise.all(results.map((r, i) => (r.status === 'failed' && r.retryable ? send(messages[i]!) : r)));
    },
    onReceipt: (handler: (receipt: DeliveryReceipt) => void) => {
      for (const p of providers) p.onReceipt?.(handler);
    },
    /** Takes messages while any provider in the list does; the detail names each. */
    async health() {
      const each = await Promise.all(providers.map(async (p) => ({ name: p.name, health: p.health ? await p.health() : undefined })));
      const ok = each.some((e) => e.health?.ok !== false);
      return { ok, detail: each.map((e) => `${e.name}: ${e.health ? e.health.detail : 'not checked'}`).join('; ') };
    },
    close: async () => void (await Promise.all(providers.map((p) => p.close?.()))),
  };
}
