/**
 * Several providers for one channel, in failover order (`AVISO_SMS=smpp://primary…,smpp://backup…`):
 * a message that fails with a retryable error (connection lost, no response, throttled, bind refused)
 * goes to the next provider, and its result says which provider took it and why the earlier one was
 * passed over; a final refusal (bad number) does not travel on.
 */
import type { ChannelProvider, DeliveryReceipt, OutboundMessage, SendResult } from './channel.js';

export function failoverProvider(providers: ChannelProvider[]): ChannelProvider {
  const [first] = providers;
  if (!first) throw new Error('failover needs at least one provider');
  if (providers.length === 1) return first;

  /** Tries the providers after `from` in order, starting from an earlier one's retryable failure. */
  async function onwards(message: OutboundMessage, from: number, failed: SendResult): Promise<SendResult> {
    let result = failed;
    for (let i = from + 1; i < providers.length; i++) {
      const reason = `${providers[i - 1]!.name}: ${result.error ?? 'failed'}`;
      const provider = providers[i]!;
      result = { provider: provider.name, ...(await provider.send(message)), failover: reason };
      if (result.status !== 'failed' || !result.retryable) return result;
    }
    return result;
  }

  const labelled = (result: SendResult): SendResult => ({ provider: first.name, ...result });

  return {
    name: providers.map((p) => p.name).join('>'),
    channel: first.channel,
    maxPerSecond: first.maxPerSecond,
    receiptSources: providers.flatMap((p) => p.receiptSources ?? []),
    async send(message) {
      const result = labelled(await first.send(message));
      return result.status === 'failed' && result.retryable ? onwards(message, 0, result) : result;
    },
    async sendBatch(messages) {
      const results = first.sendBatch ? await first.sendBatch(messages) : await Promise.all(messages.map((m) => first.send(m)));
      // Only the messages the first provider could not take travel down the list.
      return Promise.all(results.map((r, i) => (r.status === 'failed' && r.retryable ? onwards(messages[i]!, 0, labelled(r)) : labelled(r))));
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
