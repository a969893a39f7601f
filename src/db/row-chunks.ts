/**
 * A large read in chunks of rows, so that a million of them never sit in memory as one array: on SQLite
 * the statement is iterated and handed over `size` rows at a time (sqlite-fifo.ts); on PostgreSQL, where
 * streaming needs a cursor package Aviso does not carry, the result comes as one chunk.
 */
import type { Compilable, Kysely } from 'kysely';
import type { DialectInfo } from './dialect.js';
import type { Database } from './schema.js';

export async function* rowChunks<O>(db: Kysely<Database>, dialect: DialectInfo, query: Compilable<O>, size = 1000): AsyncGenerator<O[]> {
  const compiled = query.compile();
  if (dialect.name !== 'sqlite') {
    yield (await db.executeQuery(compiled)).rows;
    return;
  }
  for await (const result of db.getExecutor().stream(compiled, size)) yield result.rows as O[];
}
