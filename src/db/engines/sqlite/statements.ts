/**
 * better-sqlite3 as Kysely's SqliteDatabase, with prepared statements kept: Kysely prepares every query
 * anew, and for the short queries of a search request the parsing and planning cost as much as running
 * them; bulk imports (upsert.ts) reuse one statement for every chunk of rows.
 */
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/** Distinct statement texts kept (least recently used dropped first). */
const CAPACITY = 256;
/** Longer texts are one-off multi-row writes (a last, partial batch): caching them would only hold memory. */
const MAX_CACHED_LENGTH = 16_384;

export function withStatementCache(database: SqliteDatabase): KyselySqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string): Statement {
      const hit = cache.get(sql);
      // A statement still being iterated (a streamed query) cannot run again until it is done.
      if (hit && !hit.busy) {
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = database.prepare(sql);
      if (sql.length <= MAX_CACHED_LENGTH && !hit) {
        cache.set(sql, statement);
        if (cache.size > CAPACITY) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
  };
}
