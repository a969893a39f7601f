/** A large write's session settings on SQLite: what an import changes for its own transaction only. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../schema.js';

/** SQLite page cache for the length of a large write: 256 MB. */
const SQLITE_LARGE_WRITE_CACHE_KIB = 262_144;

/**
 * Runs a large write (inside its transaction) with a page cache that holds its dirty pages: with the
 * connection's usual 64 MB, a million-row import spills pages to the WAL again and again and spends
 * more time waiting on the disk than working (measured: 26.6 s instead of 12.6 s for 800,000 register
 * rows). PostgreSQL needs nothing of the kind (postgres/large-write.ts).
 */
export async function withLargeWriteCache<T>(db: Kysely<Database>, work: () => Promise<T>): Promise<T> {
  const [previous] = (await sql<{ cache_size: number }>`pragma cache_size`.execute(db)).rows;
  // Pages read before the write (an import's reference data) are not needed again: they would
  // otherwise hold their part of the larger cache in memory for the whole write.
  await sql`pragma shrink_memory`.execute(db);
  await sql`pragma cache_size = ${sql.raw(String(-SQLITE_LARGE_WRITE_CACHE_KIB))}`.execute(db);
  try {
    return await work();
  } finally {
    await sql`pragma cache_size = ${sql.raw(String(previous?.cache_size ?? -65_536))}`.execute(db);
  }
}
