/**
 * Several providers for one channel, in failover order (`AVISO_SMS=smpp://primary…,smpp://backup…`):
 * a message that fails with a retryable error (connection lost, no response, throttled, bind refused)
 * goes to the next provider, and its result says which provider took it and why the earlier one was
 * passed over; a final refusal (bad number) does not travel on. What a batch leaves behind goes on as a
 * batch, so a provider with a batch API gets one call for all of it.
 */
import type { ChannelProvider, DeliveryReceipt, InboundSms, OutboundMessage, SendResult } from './channel.js';

const sendAll = async (provider: ChannelProvider, messages: OutboundMessage[]): Promise<SendResult[]> =>
  provider.sendBatch ? provider.sendBatch(messages) : Promise.all(messages.map((m) => provider.send(m)));

const movesOn = (r: SendResult): boolean => r.status === 'failed' && r.retryable === true;

export function failoverProvider(providers: ChannelProvider[]): ChannelProvider {
  const [first] = providers;
  if (!first) throw new Error('failover needs at least one provider');
  if (providers.length === 1) return first;

  async function sendBatch(messages: OutboundMessage[]): Promise<SendResult[]> {
    const results = (await sendAll(first!, messages)).map((r) => ({ provider: first!.name, ...r }));
    for (let i = 1; i < providers.length; i++) {
      const waiting = results.flatMap((r, j) => (movesOn(r) ? [j] : []));
      if (waiting.length === 0) break;
      const provider = providers[i]!;
      const answers = await sendAll(
        provider,
        waiting.map((j) => messages[j]!),
      );
      waiting.forEach((j, k) => {
        const earlier = results[j]!;
        results[j] = {
          provider: provider.name,
          ...answers[k]!,
          failover: `${earlier.provider}: ${earlier.error ?? 'failed'}`,
        };
      });
    }
    return results;
  }

  return {
    name: providers.map((p) => p.name).join('>'),
    channel: first.channel,
    maxPerSecond: first.maxPerSecond,
    receiptSources: providers.flatMap((p) => p.receiptSources ?? []),
    idempotent: providers.every((p) => p.idempotent === true),
    webhooks: providers.flatMap((p) => p.webhooks ?? []),
    send: async (message) => (await sendBatch([message]))[0]!,
    // A batch only where a provider takes one (what the first leaves goes on to it in one call); else
    // each message's answer is there as soon as it comes, not when its chunk's last one is.
    ...(providers.some((p) => p.sendBatch) ? { sendBatch } : {}),
    onReceipt: (handler: (receipt: DeliveryReceipt) => void) => {
      for (const p of providers) p.onReceipt?.(handler);
    },
    onInbound: (handler: (sms: InboundSms) => void) => {
      for (const p of providers) p.onInbound?.(handler);
    },
    /** Takes messages while any provider in the list does; the detail names each. */
    async health() {
      const each = await Promise.all(
        providers.map(async (p) => ({ name: p.name, health: p.health ? await p.health() : undefined })),
      );
      const ok = each.some((e) => e.health?.ok !== false);
      // A provider's own detail usually begins with its name already.
      const detail = (e: (typeof each)[number]) =>
        e.health?.detail.startsWith(e.name) ? e.health.detail : `${e.name}: ${e.health?.detail ?? 'not checked'}`;
      return { ok, detail: each.map(detail).join('; ') };
    },
    close: async () => void (await Promise.all(providers.map((p) => p.close?.()))),
  };
}
