/**
 * A bulk insert in two steps, compiled now and run later, for an import that writes batch after batch
 * through one connection: it compiles the next batch while the database still works on the previous one.
 * Rows known to be new (no conflict clause, no RETURNING), as bulk-insert.ts writes them; the engine
 * writes the statements (`Engine.compileInsert`: multi-row VALUES on SQLite, one COPY on PostgreSQL).
 */
import type { Kysely } from 'kysely';
import type { SharedInsertShape } from './bulk-insert.js';
import type { Engine } from './engines/engine.js';

/** Compiles the insert of `rows` (each with `shape.columns`' values) and `shared` (`shape.shared`'s); run it with the result. */
export function compileInsert<DB>(
  engine: Engine,
  shape: SharedInsertShape,
  shared: readonly unknown[],
  rows: ReadonlyArray<readonly unknown[]>,
): (db: Kysely<DB>) => Promise<void> {
  const queries = rows.length === 0 ? [] : engine.compileInsert(shape, shared, rows);
  return async (db) => {
    for (const query of queries) await db.executeQuery(query);
  };
}
