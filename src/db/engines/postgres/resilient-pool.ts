/**
 * A PostgreSQL pool that outlives its connections: a connection the server closed (restart, failover,
 * `pg_terminate_backend`, a network cut) is dropped by the pool and another opened on the next use. A
 * statement that lost its connection is run again on a new one when that is safe — a read outside a
 * transaction, which cannot have changed anything; a write or a statement inside a transaction fails to
 * its caller, since whether it committed cannot be known (jobs and requests retry at their own level).
 */
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/** SQLSTATEs of a connection the server ended (admin/crash shutdown, starting up) and class 08 (connection exception). */
const LOST_CODES = /^(57P0[123]|08...)$/;
const LOST_MESSAGES = /connection terminated|not queryable|connection is closed|ECONNRESET|ECONNREFUSED|EPIPE/i;
const READ = /^\s*select\b/i;
const BEGIN = /^\s*(begin|start transaction)\b/i;
const END = /^\s*(commit|rollback)\s*$/i;
/** Tries of opening a connection before its error goes to the caller (the server restarting). */
const CONNECT_TRIES = 5;

export function isConnectionLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === 'string' && (LOST_CODES.test(code) || /^E(CONNRESET|CONNREFUSED|PIPE)$/.test(code))) ||
    LOST_MESSAGES.test(error.message)
  );
}

/**
 * A safe statement is tried once per connection the pool may hold, and twice more: the next connection
 * the pool hands out may be an idle one cut at the same moment, whose error has not been read yet.
 */
function resilientClient(pool: PostgresPool, first: PostgresPoolClient, tries: number): PostgresPoolClient {
  let client = first;
  let inTransaction = false;
  async function run(text: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<unknown>> {
    const retryable = !inTransaction && READ.test(text);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await client.query(text, parameters);
        if (BEGIN.test(text)) inTransaction = true;
        else if (END.test(text)) inTransaction = false;
        return result;
      } catch (error) {
        if (END.test(text)) inTransaction = false;
        if (!retryable || attempt >= tries || !isConnectionLost(error)) throw error;
        // The broken connection goes back to the pool, which closes it (it is no longer queryable); a turn
        // of the event loop lets the pool read the errors of other connections cut with it and drop them.
        client.release();
        await new Promise((resolve) => setImmediate(resolve));
        client = await connectWithRetry(pool);
      }
    }
  }
  return {
    query: ((textOrCursor: unknown, parameters?: ReadonlyArray<unknown>) =>
      typeof textOrCursor === 'string'
        ? run(textOrCursor, parameters ?? [])
        : client.query(textOrCursor as never)) as PostgresPoolClient['query'],
    release: () => client.release(),
  };
}

async function connectWithRetry(pool: PostgresPool): Promise<PostgresPoolClient> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pool.connect();
    } catch (error) {
      if (attempt >= CONNECT_TRIES || !isConnectionLost(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/** Kysely's pool of at most `size` connections, with lost connections replaced and safe statements retried. */
export function resilientPool(pool: PostgresPool, size: number): PostgresPool {
  return {
    connect: async () => resilientClient(pool, await connectWithRetry(pool), size + 2),
    end: () => pool.end(),
  };
}
