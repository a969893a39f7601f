/**
 * The providers' answers this process holds but has not written yet, by (provider, provider's id). An
 * SMSC reports delivery within milliseconds of its answer, while a worker writes a chunk's answers every
 * few milliseconds: a receipt that finds its answer still here is taken into it (the delivery is written
 * delivered at once) instead of being stored to be matched once the answer is written — three
 * statements fewer per receipt. Should the process die before the write, the delivery is in doubt
 * either way (handed over, no answer recorded), so keeping the receipt in memory loses nothing.
 */
import type { DeliveryReceipt } from '../../channels/channel.js';
import type { DeliveryResult } from './delivery.repository.js';

const keyOf = (provider: string, providerId: string): string => `${provider}\n${providerId}`;

export function unwrittenAnswers() {
  const held = new Map<string, DeliveryResult>();
  return {
    /** An answer that waits for its write; only a `sent` one can still take a receipt. */
    hold(result: DeliveryResult): void {
      if (result.status === 'sent' && result.providerId) held.set(keyOf(result.provider, result.providerId), result);
    },
    /** These answers are being written now: receipts for them go to the database from here on. */
    release(results: readonly DeliveryResult[]): void {
      for (const r of results) if (r.providerId) held.delete(keyOf(r.provider, r.providerId));
    },
    /**
     * Takes a delivered receipt into its answer if that is not written yet; whether it did. Failure
     * receipts take the usual way (their error and time are the receipt's).
     */
    absorb(receipt: DeliveryReceipt): boolean {
      if (receipt.status !== 'delivered') return false;
      const key = keyOf(receipt.provider, receipt.providerId);
      const answer = held.get(key);
      if (!answer) return false;
      answer.status = 'delivered';
      held.delete(key);
      return true;
    },
    get size(): number {
      return held.size;
    },
  };
}

export type UnwrittenAnswers = ReturnType<typeof unwrittenAnswers>;
