/** The SQLite engine's database: one connection to a file (or `:memory:`), shared by every caller. */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import type { Db } from '../../connection.js';
import type { Faults } from '../../faults.js';
import type { Database } from '../../schema.js';
import type { Engine } from '../engine.js';
import { FifoSqliteDialect } from './fifo-dialect.js';
import { withStatementCache } from './statements.js';

/** The file a `sqlite:PATH` URL names. */
export const sqlitePathOf = (url: string): string => url.slice('sqlite:'.length);

export function openSqlite(engine: Engine, url: string, faults: Faults): Db {
  const path = sqlitePathOf(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  // Checkpoint every ~40 MB of WAL instead of 4 MB: a page written many times between checkpoints (the
  // hot index pages of sessions, PINs and rate counters) is copied to the database file once per
  // checkpoint, so fewer checkpoints copy far fewer pages (−10–20 % CPU per resident login).
  sqlite.pragma('wal_autocheckpoint = 10000');
  // ANALYZE (run after large imports) samples this many index rows instead of reading whole indexes.
  sqlite.pragma('analysis_limit = 1000');
  const kysely = new Kysely<Database>({ dialect: new FifoSqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    kysely,
    ephemeral: kysely,
    engine,
    schema: undefined,
    pools: () => [],
    faults,
    close: () => kysely.destroy(),
  };
}

/** A SQLite file not created yet (`aviso migrate` creates it); `:memory:` always opens. */
export function missingDatabase(url: string): string | undefined {
  const path = sqlitePathOf(url);
  return path !== ':memory:' && !existsSync(path) ? `no database at ${path}` : undefined;
}

/** The database runs in this process, on this machine's clock: nothing to compare. */
export const serverClock = async (_db: Kysely<Database>): Promise<number | undefined> => undefined;
