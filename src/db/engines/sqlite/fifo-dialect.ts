/**
 * Kysely's SQLite dialect with a first-come-first-served queue in front of its one connection.
 *
 * Kysely's own SqliteDriver guards the connection with a mutex whose waiters all await one promise: each
 * release wakes every waiter, one wins and the rest go back to sleep. With N requests waiting that is
 * O(N) wake-ups per query; at 100 concurrent logins it cut throughput by more than half and put tens of
 * milliseconds of pure waiting on every statement. Here the waiters queue and each release hands the
 * connection to exactly the next one; Kysely's mutex behind it is then always free.
 *
 * Streaming yields rows in chunks of the size asked for, where Kysely's yields them one by one: a
 * million-row read (the register index) then costs one await per chunk, not per row.
 */
import {
  SqliteDialect,
  SqliteDriver,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type SqliteDatabase,
  type SqliteDialectConfig,
} from 'kysely';

class FifoQueue {
  #held = false;
  readonly #waiting: Array<() => void> = [];

  async acquire(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#held = false;
  }
}

async function* chunkedRows<R>(
  database: SqliteDatabase,
  query: CompiledQuery,
  chunkSize: number,
): AsyncGenerator<QueryResult<R>> {
  const statement = database.prepare(query.sql);
  let rows: R[] = [];
  for (const row of statement.iterate(query.parameters as unknown[]) as Iterable<R>) {
    rows.push(row);
    if (rows.length >= chunkSize) {
      yield { rows };
      rows = [];
    }
  }
  if (rows.length > 0) yield { rows };
}

class FifoSqliteDriver extends SqliteDriver {
  readonly #queue = new FifoQueue();
  readonly #database: SqliteDatabase;

  constructor(config: SqliteDialectConfig & { database: SqliteDatabase }) {
    super(config);
    this.#database = config.database;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#queue.acquire();
    const connection = await super.acquireConnection();
    return {
      executeQuery: (query) => connection.executeQuery(query),
      streamQuery: (query, chunkSize) => chunkedRows(this.#database, query, chunkSize ?? 1),
    };
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.#queue.release();
  }
}

export class FifoSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig & { database: SqliteDatabase };

  constructor(config: SqliteDialectConfig & { database: SqliteDatabase }) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new FifoSqliteDriver(this.#config);
  }
}
