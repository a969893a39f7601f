/**
 * A large read in chunks of rows, so that a million of them never sit in memory as one array (nor linger
 * as garbage that grows the heap): on SQLite the statement is iterated and handed over `size` rows at a
 * time (engines/sqlite/fifo-dialect.ts); on PostgreSQL a cursor (pg-cursor) fetches `size` rows per round trip.
 */
import type { Compilable, Kysely } from 'kysely';
import type { Database } from './schema.js';

export async function* rowChunks<O>(db: Kysely<Database>, query: Compilable<O>, size = 1000): AsyncGenerator<O[]> {
  for await (const result of db.getExecutor().stream(query.compile(), size)) yield result.rows as O[];
}
