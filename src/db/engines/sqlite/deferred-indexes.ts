/**
 * Index builds put off to the end of a large write into tables that hold little else (a register's
 * first import): SQLite builds an index from sorted keys in one pass, far faster than it inserts a
 * million random keys (a person id hash, a phone number) one by one into B-trees larger than its page
 * cache — measured on a first import of 1,000,000 persons: 41 s of SQL → 30 s, the rebuild included.
 *
 * The indexes are dropped inside the write's transaction and created again (from their own stored
 * definitions) before it commits: a failed or interrupted write rolls back to them as they were, and
 * other connections (WAL readers) never see them missing. Only SQLite: on PostgreSQL DROP INDEX locks
 * the whole table, every tenant's reads included, until the transaction ends (postgres/deferred-indexes.ts).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../schema.js';
import type { DeferrableIndex, IndexDeferral } from '../engine.js';

/** SQLite page cache while the indexes are built: what the sorter holds in memory before it writes a run to disk. */
const SORTER_CACHE_KIB = 32_768;

/**
 * SQLite's sorter keeps as many keys in memory as the page cache may hold (256 MB during a large write)
 * and its runs in memory too when temp_store is MEMORY: building a million-entry index then added a
 * whole copy of its keys to the process (measured: peak RSS 968 → 1041 MB). For the builds, a small
 * cache and temp files (the operating system's cache, not the process's memory); both restored after.
 */
async function withSmallSorter(db: Kysely<Database>, build: () => Promise<void>): Promise<void> {
  const [cache] = (await sql<{ cache_size: number }>`pragma cache_size`.execute(db)).rows;
  const [temp] = (await sql<{ temp_store: number }>`pragma temp_store`.execute(db)).rows;
  // Inside a transaction SQLite refuses to move temp storage once this connection has opened its temp
  // database (an ALTER TABLE … DROP COLUMN does): the build then sorts in memory, as it otherwise would.
  const moved = await sql`pragma temp_store = file`.execute(db).then(
    () => true,
    () => false,
  );
  await sql`pragma cache_size = ${sql.raw(String(-SORTER_CACHE_KIB))}`.execute(db);
  try {
    await build();
  } finally {
    await sql`pragma cache_size = ${sql.raw(String(cache?.cache_size ?? -65_536))}`.execute(db);
    if (moved) await sql`pragma temp_store = ${sql.raw(String(temp?.temp_store ?? 2))}`.execute(db);
  }
}

export function indexDeferral(db: Kysely<Database>, indexes: readonly DeferrableIndex[]): IndexDeferral {
  let dropped: Array<{ name: string; definition: string }> | undefined;
  let decided = false;

  async function tablesSmall(maxRows: number): Promise<boolean> {
    for (const table of new Set(indexes.map((i) => i.table))) {
      const { rows } = await sql<{
        n: number;
      }>`select count(*) as n from (select 1 from ${sql.table(table)} limit ${maxRows + 1}) as t`.execute(db);
      if (Number(rows[0]?.n ?? 0) > maxRows) return false;
    }
    return true;
  }

  return {
    async deferIfSmall(maxRows) {
      if (decided) return dropped !== undefined;
      if (!(await tablesSmall(maxRows))) return false;
      decided = true;
      const names = indexes.map((i) => i.index);
      const { rows } = await sql<{ name: string; sql: string | null }>`
        select name, sql from sqlite_master where type = 'index' and name in (${sql.join(names)})`.execute(db);
      dropped = rows
        .filter((r): r is { name: string; sql: string } => r.sql !== null)
        .map((r) => ({ name: r.name, definition: r.sql }));
      for (const { name } of dropped) await sql`drop index ${sql.id(name)}`.execute(db);
      return true;
    },

    async rebuild() {
      const toBuild = dropped ?? [];
      dropped = undefined;
      if (toBuild.length === 0) return;
      await withSmallSorter(db, async () => {
        for (const { definition } of toBuild) await sql.raw(definition).execute(db);
      });
    },
  };
}
