/**
 * Keeps this process within a provider's throughput (messages per second per channel): each chunk
 * reserves its slot on the channel's timeline and waits for it. Concurrent batches of one channel share
 * the timeline. Real time, not the injectable clock: pacing is about the provider's wall clock.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Pacer {
  /** Waits until `count` messages may go to `channel` at `perSecond`. */
  take(channel: string, count: number, perSecond: number): Promise<void>;
}

export function pacer(): Pacer {
  const nextFree = new Map<string, number>();
  return {
    async take(channel, count, perSecond) {
      if (!Number.isFinite(perSecond) || perSecond <= 0) return;
      const now = performance.now();
      const start = Math.max(now, nextFree.get(channel) ?? 0);
      nextFree.set(channel, start + (count * 1000) / perSecond);
      if (start > now) await sleep(start - now);
    },
  };
}

/** Messages per provider call: about a quarter second of the provider's capacity, at most 500. */
export const chunkSizeFor = (perSecond: number): number => Math.max(1, Math.min(500, Math.floor(perSecond / 4)));
