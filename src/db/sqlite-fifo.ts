/**
 * Kysely's SQLite dialect with a first-come-first-served queue in front of its one connection.
 *
 * Kysely's own SqliteDriver guards the connection with a mutex whose waiters all await one promise: each
 * release wakes every waiter, one wins and the rest go back to sleep. With N requests waiting that is
 * O(N) wake-ups per query; at 100 concurrent logins it cut throughput by more than half and put tens of
 * milliseconds of pure waiting on every statement. Here the waiters queue and each release hands the
 * connection to exactly the next one; Kysely's mutex behind it is then always free.
 */
import { SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

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

class FifoSqliteDriver extends SqliteDriver {
  readonly #queue = new FifoQueue();

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#queue.acquire();
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.#queue.release();
  }
}

export class FifoSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new FifoSqliteDriver(this.#config);
  }
}
