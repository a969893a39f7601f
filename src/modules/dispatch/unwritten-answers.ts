/**
 * The providers' answers this process holds but has not written yet, by (provider, provider's id). An
 * SMSC reports delivery within milliseconds of its answer, while a worker writes a chunk's answers every
 * few milliseconds: a receipt that finds its answer still waiting is taken into it (the delivery is
 * written delivered at once); one that finds its answer being written waits for that write to end and
 * then goes on to be written (it matches at once). Either way it is not stored to be matched later —
 * three statements fewer per receipt. Should the process die before the write, the delivery is in doubt
 * either way (handed over, no answer recorded), so keeping the receipt in memory loses nothing.
 */
import type { DeliveryReceipt } from '../../channels/channel.js';
import type { DeliveryResult } from './delivery.repository.js';

/**
 * Values by (provider, provider's id), a map per provider: the id strings are keys as they are (a joined key
 * would be a new string to build and hash on every look-up, four per message).
 */
function byProvider<V>() {
  const maps = new Map<string, Map<string, V>>();
  return {
    get: (provider: string, id: string): V | undefined => maps.get(provider)?.get(id),
    set(provider: string, id: string, value: V): void {
      let map = maps.get(provider);
      if (!map) maps.set(provider, (map = new Map()));
      map.set(id, value);
    },
    delete: (provider: string, id: string): void => void maps.get(provider)?.delete(id),
    get size(): number {
      let size = 0;
      for (const map of maps.values()) size += map.size;
      return size;
    },
  };
}

interface WaitingReceipt {
  receipt: DeliveryReceipt;
  then: (receipt: DeliveryReceipt) => void;
}

export function unwrittenAnswers() {
  const held = byProvider<DeliveryResult>();
  /** Answers whose write has begun, with the receipts that came for them meanwhile. */
  const beingWritten = byProvider<WaitingReceipt[]>();
  return {
    /** An answer that waits for its write; only a `sent` one can still take a receipt. */
    hold(result: DeliveryResult): void {
      if (result.status === 'sent' && result.providerId) held.set(result.provider, result.providerId, result);
    },
    /** These answers are being written now: too late to change them, receipts for them wait for the write. */
    writing(results: readonly DeliveryResult[]): void {
      for (const r of results) {
        if (!r.providerId) continue;
        held.delete(r.provider, r.providerId);
        if (r.status === 'sent') beingWritten.set(r.provider, r.providerId, []);
      }
    },
    /** The write of these answers ended (written or not): the receipts that waited for it go on. */
    written(results: readonly DeliveryResult[]): void {
      for (const r of results) {
        if (!r.providerId) continue;
        const waiting = beingWritten.get(r.provider, r.providerId);
        beingWritten.delete(r.provider, r.providerId);
        for (const w of waiting ?? []) w.then(w.receipt);
      }
    },
    /**
     * Takes a receipt into its answer if that is not written yet (a delivered one only: a failure's error
     * and time are the receipt's), or keeps it until its answer's write ends and then hands it to `then`;
     * whether it did either.
     */
    absorb(receipt: DeliveryReceipt, then: (receipt: DeliveryReceipt) => void): boolean {
      const { provider, providerId } = receipt;
      const waiting = beingWritten.get(provider, providerId);
      if (waiting) {
        waiting.push({ receipt, then });
        return true;
      }
      if (receipt.status !== 'delivered') return false;
      const answer = held.get(provider, providerId);
      if (!answer) return false;
      answer.status = 'delivered';
      held.delete(provider, providerId);
      return true;
    },
    /** Answers held or being written. */
    get size(): number {
      return held.size + beingWritten.size;
    },
  };
}

export type UnwrittenAnswers = ReturnType<typeof unwrittenAnswers>;
