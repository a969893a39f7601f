/**
 * Fixed-window counters kept in the database (`rate_counters`), so that every server process shares the
 * same limits. A hit is one atomic statement on both engines (INSERT … ON CONFLICT DO UPDATE SET
 * count = count + 1 RETURNING count): two processes counting at once never lose a hit.
 * Keys carry their own scope (`pin-ip:<tenant>:<ip>`): the table has no tenant column.
 */
import { sql, type Kysely } from 'kysely';
import { precompile, type Param } from '../../db/precompiled.js';
import type { Database } from '../../db/schema.js';

export interface RateHit {
  allowed: boolean;
  count: number;
  /** Seconds until the window ends (when a refused caller may try again). */
  retryAfterSeconds: number;
}

/** The longest window any caller uses; rows older than this are pruned. */
export const MAX_WINDOW_MS = 24 * 3_600_000;
const PRUNE_EVERY_MS = 60_000;
/**
 * One-time claims share one pseudo-window, so that a key is claimed once whatever its expiry; the expiry
 * (epoch minutes, which fit the integer column) is kept in `count` for pruning.
 */
const CLAIMS_WINDOW = -1;
const toMinutes = (ms: number) => Math.ceil(ms / 60_000);

/** The `rate_counters` row of a one-time claim of `key` kept until `until` (for claims made by other statements). */
export const claimRow = (key: string, until: number) => ({ key, window_start: CLAIMS_WINDOW, count: toMinutes(until) });

export const windowStartOf = (now: number, windowMs: number) => Math.floor(now / windowMs) * windowMs;
const secondsUntil = (end: number, now: number) => Math.max(1, Math.ceil((end - now) / 1000));

export function rateLimitRepository(db: Kysely<Database>) {
  let lastPrune = 0;
  // Every PIN request claims its CAPTCHA solution: compiled once.
  const insertClaim = precompile(db, (db, p: Param<{ key: string; until: number }>) =>
    db
      .insertInto('rate_counters')
      .values({ key: p('key'), window_start: CLAIMS_WINDOW, count: p('until') })
      .onConflict((oc) => oc.column('key').column('window_start').doNothing())
      .returning('count'),
  );

  async function pruneNowAndThen(now: number): Promise<void> {
    if (now - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now;
    await db
      .deleteFrom('rate_counters')
      .where('window_start', '>=', 0)
      .where('window_start', '<', now - MAX_WINDOW_MS)
      .execute();
    await db
      .deleteFrom('rate_counters')
      .where('window_start', '=', CLAIMS_WINDOW)
      .where('count', '<', toMinutes(now))
      .execute();
  }

  return {
    /** Drops expired counters and claims, at most once a minute (callers that count elsewhere call this). */
    prune: pruneNowAndThen,

    /** Counts one hit of `key` in the current window; allowed while the count stays within `limit`. */
    async hit(key: string, windowMs: number, limit: number, now: number): Promise<RateHit> {
      await pruneNowAndThen(now);
      const windowStart = windowStartOf(now, windowMs);
      const row = await db
        .insertInto('rate_counters')
        .values({ key, window_start: windowStart, count: 1 })
        .onConflict((oc) =>
          oc.columns(['key', 'window_start']).doUpdateSet({ count: sql<number>`rate_counters.count + 1` }),
        )
        .returning('count')
        .executeTakeFirstOrThrow();
      const count = Number(row.count);
      return { allowed: count <= limit, count, retryAfterSeconds: secondsUntil(windowStart + windowMs, now) };
    },

    /**
     * Counts one hit of each key in one statement (several limits on one request), in the order given.
     * The keys must differ.
     */
    async hitMany(
      limits: ReadonlyArray<{ key: string; windowMs: number; limit: number }>,
      now: number,
    ): Promise<RateHit[]> {
      await pruneNowAndThen(now);
      const rows = await db
        .insertInto('rate_counters')
        .values(limits.map((l) => ({ key: l.key, window_start: windowStartOf(now, l.windowMs), count: 1 })))
        .onConflict((oc) =>
          oc.columns(['key', 'window_start']).doUpdateSet({ count: sql<number>`rate_counters.count + 1` }),
        )
        .returning(['key', 'count'])
        .execute();
      const counts = new Map(rows.map((r) => [r.key, Number(r.count)]));
      return limits.map((l) => {
        const count = counts.get(l.key) ?? 1;
        return {
          allowed: count <= l.limit,
          count,
          retryAfterSeconds: secondsUntil(windowStartOf(now, l.windowMs) + l.windowMs, now),
        };
      });
    },

    /** The counts of keys in their current windows, without counting; one statement whatever the windows. */
    async peek(keys: ReadonlyArray<{ key: string; windowMs: number }>, now: number): Promise<Map<string, number>> {
      if (keys.length === 0) return new Map();
      const rows = await db
        .selectFrom('rate_counters')
        .select(['key', 'count'])
        .where((eb) =>
          eb.or(
            keys.map((k) => eb.and([eb('key', '=', k.key), eb('window_start', '=', windowStartOf(now, k.windowMs))])),
          ),
        )
        .execute();
      return new Map(rows.map((r) => [r.key, Number(r.count)]));
    },

    /** Seconds until the current window of `windowMs` ends. */
    retryAfter(windowMs: number, now: number): number {
      return secondsUntil(windowStartOf(now, windowMs) + windowMs, now);
    },

    /**
     * Claims `key` once (a used CAPTCHA solution): true for the first caller, false for every later one.
     * The claim is kept until `until`, when the thing it guards has expired.
     */
    async claimOnce(key: string, until: number, now: number): Promise<boolean> {
      await pruneNowAndThen(now);
      const { rows } = await insertClaim({ key, until: toMinutes(until) });
      return rows.length > 0;
    },
  };
}

export type RateLimitRepository = ReturnType<typeof rateLimitRepository>;
