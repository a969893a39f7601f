/**
 * Opens the database named by AVISO_DATABASE_URL: a SQLite file (embedded default) or PostgreSQL.
 * Everything above this file sees one `Db`: a Kysely instance plus the dialect's capability flags.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { Logger } from 'pino';
import Cursor from 'pg-cursor';
import type { Database } from './schema.js';
import { postgresDialect, sqliteDialect, type DialectInfo } from './dialect.js';
import { FifoSqliteDialect } from './sqlite-fifo.js';
import { preparingPool } from './pg-prepared.js';
import { resilientPool } from './pg-resilient.js';
import { faultReporter, type Faults } from './faults.js';
import { withStatementCache } from './sqlite-statements.js';

export interface Db {
  readonly kysely: Kysely<Database>;
  /**
   * For short-lived security state only — sessions, PINs, rate counters, CAPTCHA solutions — whose
   * last fraction of a second of writes may be lost if the database server crashes (never corrupted):
   * on PostgreSQL a pool whose commits do not wait for the disk (synchronous_commit = off), since a
   * login commits several such writes and the disk flushes were most of its time under load; on SQLite
   * the same instance as `kysely`. Deliveries, the register and audit always go through `kysely`.
   */
  readonly ephemeral: Kysely<Database>;
  readonly dialect: DialectInfo;
  /** PostgreSQL schema the tables live in (search_path); undefined on SQLite. */
  readonly schema: string | undefined;
  /** Connection pools and their use now (metrics); none on SQLite, whose one connection is always open. */
  pools(): PoolUse[];
  /** Lost connections and queue errors of this database, logged and counted (connection.ts, the job queue). */
  readonly faults: Faults;
  close(): Promise<void>;
}

export interface PoolUse {
  name: 'main' | 'ephemeral';
  max: number;
  open: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
}

// BIGINT (epoch-ms times, counts) as JS numbers: all our values are far below 2^53.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));
pg.types.setTypeParser(1700, (value) => Number.parseFloat(value));

export interface OpenOptions {
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** PostgreSQL schema (search_path); tests use one schema per test file. */
  schema?: string;
  /** Where lost connections and queue errors are logged (the CLI's logger); without one they are only counted. */
  logger?: Pick<Logger, 'warn'>;
}

export function openDatabase(url: string, options: OpenOptions = {}): Db {
  const faults = faultReporter(options.logger);
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length), faults);
  return openPostgres(url, options, faults);
}

function openSqlite(path: string, faults: Faults): Db {
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
    dialect: sqliteDialect,
    schema: undefined,
    pools: () => [],
    faults,
    close: () => kysely.destroy(),
  };
}

/** `postgres://…?schema=NAME` puts Aviso's tables in that schema (our parameter, not pg's: removed before connecting). */
function splitSchema(url: string): { connectionString: string; schema: string | undefined } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`AVISO_DATABASE_URL: bad schema name ${schema}`);
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

/**
 * A connection the server ends emits 'error' on its client — idle in the pool or checked out between two
 * statements — and an 'error' event nobody listens to ends the process. Every client gets a listener
 * when it opens; the pool, which also re-emits the errors of idle clients after dropping them, gets one
 * that only acknowledges them (the client's listener has reported them already).
 */
function listenedPool(pool: pg.Pool, faults: Faults): pg.Pool {
  pool.on('connect', (client) => client.on('error', (error) => faults.report('connection', error)));
  pool.on('error', () => {});
  return pool;
}

function openPostgres(url: string, options: OpenOptions, faults: Faults): Db {
  const { connectionString, schema: schemaFromUrl } = splitSchema(url);
  const schema = options.schema ?? schemaFromUrl;
  const size = options.poolSize ?? 10;
  const pool = (extra: string[]) => {
    const connections = new pg.Pool({
      connectionString,
      max: size,
      // A minute, not pg's 10 s: a connection opened again in the next burst is a new backend, with cold
      // caches and every hot statement to prepare anew, just when requests queue.
      idleTimeoutMillis: 60_000,
      ...(schema || extra.length > 0 ? { options: [...(schema ? [`-c search_path=${schema}`] : []), ...extra].join(' ') } : {}),
    });
    // The pool itself for its counts (metrics); Kysely gets it wrapped.
    return { connections, wrapped: resilientPool(preparingPool(listenedPool(connections, faults)), size) };
  };
  // A cursor class lets large reads (the register index) stream in chunks instead of one huge result.
  const mainPool = pool([]);
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: mainPool.wrapped, cursor: Cursor }) });
  // Its connections open only when first used: a worker process that never logs anyone in has none.
  // enable_seqscan=off: its statements are lookups by key on small tables that change fast (PINs,
  // counters, CAPTCHA claims, sessions) and are prepared once per connection. A generic plan made while
  // a table held a few pages (a sequential scan, or a hash join over one) was kept while the table grew
  // to thousands of rows — that scan was over half of PostgreSQL's CPU per login by the end of a
  // benchmark run. Off, the planner takes the key's index whatever the size (a table without one is
  // still scanned: the once-a-minute pruning).
  const ephemeralPool = pool(['-c synchronous_commit=off', '-c enable_seqscan=off']);
  const ephemeral = new Kysely<Database>({ dialect: new PostgresDialect({ pool: ephemeralPool.wrapped }) });
  const use = (name: PoolUse['name'], p: pg.Pool): PoolUse => ({ name, max: p.options.max, open: p.totalCount, idle: p.idleCount, waiting: p.waitingCount });
  return {
    kysely,
    ephemeral,
    dialect: postgresDialect,
    schema: schema ?? 'public',
    pools: () => [use('main', mainPool.connections), use('ephemeral', ephemeralPool.connections)],
    faults,
    close: async () => {
      await Promise.all([kysely.destroy(), ephemeral.destroy()]);
    },
  };
}
