/**
 * Keeps every process that sends through a provider, together, within the provider's throughput
 * (messages per second): each chunk reserves its slot on the provider's timeline — one row in the
 * database, moved forward by one statement — and waits for it. Real time, not the injectable clock:
 * pacing is about the provider's wall clock (processes on several machines need their clocks in sync,
 * as NTP keeps them).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export interface Pacer {
  /** Waits until `count` messages may go to `provider` at `perSecond`. */
  take(provider: string, count: number, perSecond: number): Promise<void>;
}

export function sharedPacer(db: Kysely<Database>): Pacer {
  return {
    async take(provider, count, perSecond) {
      if (!Number.isFinite(perSecond) || perSecond <= 0) return;
      const cost = (count * 1000) / perSecond;
      const now = Date.now();
      const { rows } = await sql<{ next_free_at: number }>`
        insert into provider_pacing (provider, next_free_at) values (${provider}, ${now + cost})
        on conflict (provider) do update set next_free_at =
          case when provider_pacing.next_free_at > ${now} then provider_pacing.next_free_at else ${now} end + ${cost}
        returning next_free_at`.execute(db);
      const start = Number(rows[0]!.next_free_at) - cost;
      if (start > now) await sleep(start - now);
    },
  };
}

/** Messages per provider call: about a quarter second of the provider's capacity, at most 500. */
export const chunkSizeFor = (perSecond: number): number => Math.max(1, Math.min(500, Math.floor(perSecond / 4)));
