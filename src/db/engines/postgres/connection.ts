/** The PostgreSQL engine's database: pools of connections that prepare their statements and outlive lost connections. */
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { Db, OpenOptions, PoolUse } from '../../connection.js';
import type { Faults } from '../../faults.js';
import type { Database } from '../../schema.js';
import type { Engine } from '../engine.js';
import { resilientPool } from './resilient-pool.js';
import { SchemaPostgresDialect } from './schema-introspector.js';
import { preparingPool } from './statements.js';

// BIGINT (epoch-ms times, counts) as JS numbers: all our values are far below 2^53.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));
pg.types.setTypeParser(1700, (value) => Number.parseFloat(value));

/** `postgres://…?schema=NAME` puts Aviso's tables in that schema (our parameter, not pg's: removed before connecting). */
export function splitSchema(url: string): { connectionString: string; schema: string | undefined } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new Error(`AVISO_DATABASE_URL: bad schema name ${schema}`);
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

export function openPostgres(engine: Engine, url: string, options: OpenOptions, faults: Faults): Db {
  const { connectionString, schema: schemaFromUrl } = splitSchema(url);
  const schema = options.schema ?? schemaFromUrl;
  const tablesSchema = schema ?? 'public';
  const size = options.poolSize ?? 10;
  const pool = (extra: string[]) => {
    const connections = new pg.Pool({
      connectionString,
      max: size,
      // A minute, not pg's 10 s: a connection opened again in the next burst is a new backend, with cold
      // caches and every hot statement to prepare anew, just when requests queue.
      idleTimeoutMillis: 60_000,
      ...(schema || extra.length > 0
        ? { options: [...(schema ? [`-c search_path=${schema}`] : []), ...extra].join(' ') }
        : {}),
    });
    // The pool itself for its counts (metrics); Kysely gets it wrapped.
    return { connections, wrapped: resilientPool(preparingPool(listenedPool(connections, faults)), size) };
  };
  // A cursor class lets large reads (the register index) stream in chunks instead of one huge result.
  const mainPool = pool([]);
  const kysely = new Kysely<Database>({
    dialect: new SchemaPostgresDialect({ pool: mainPool.wrapped, cursor: Cursor }, tablesSchema),
  });
  // Its connections open only when first used: a worker process that never logs anyone in has none.
  // enable_seqscan=off: its statements are lookups by key on small tables that change fast (PINs,
  // counters, CAPTCHA claims, sessions) and are prepared once per connection. A generic plan made while
  // a table held a few pages (a sequential scan, or a hash join over one) was kept while the table grew
  // to thousands of rows — that scan was over half of PostgreSQL's CPU per login by the end of a
  // benchmark run. Off, the planner takes the key's index whatever the size (a table without one is
  // still scanned: the once-a-minute pruning).
  const ephemeralPool = pool(['-c synchronous_commit=off', '-c enable_seqscan=off']);
  const ephemeral = new Kysely<Database>({
    dialect: new SchemaPostgresDialect({ pool: ephemeralPool.wrapped }, tablesSchema),
  });
  const use = (name: PoolUse['name'], p: pg.Pool): PoolUse => ({
    name,
    max: p.options.max,
    open: p.totalCount,
    idle: p.idleCount,
    waiting: p.waitingCount,
  });
  return {
    kysely,
    ephemeral,
    engine,
    schema: tablesSchema,
    pools: () => [use('main', mainPool.connections), use('ephemeral', ephemeralPool.connections)],
    faults,
    close: async () => {
      await Promise.all([kysely.destroy(), ephemeral.destroy()]);
    },
  };
}

/** A server is only known to be missing once connected to. */
export const missingDatabase = (_url: string): string | undefined => undefined;

/** The server's clock now (epoch ms). */
export async function serverClock(db: Kysely<Database>): Promise<number | undefined> {
  const { rows } = await sql<{
    ms: number;
  }>`select (extract(epoch from clock_timestamp()) * 1000)::float8 as ms`.execute(db);
  return Number(rows[0]!.ms);
}
