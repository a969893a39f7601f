/**
 * A bulk insert in two steps, compiled now and run later, for an import that writes batch after batch
 * through one connection: it compiles the next batch while the database still works on the previous one.
 * Rows known to be new (no conflict clause, no RETURNING), as bulk-insert.ts writes them:
 *  - SQLite: multi-row VALUES of a fixed row count (prepared once by the connection's statement cache);
 *  - PostgreSQL: one COPY, its text lines written out here (rather than once the connection is free,
 *    with the server waiting), the values every row shares (the tenant, a timestamp) on every line.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import { copyText, valuesStatements, type SharedInsertShape } from './bulk-insert.js';
import type { DialectInfo } from './dialect.js';
import { CopyRows, copyRows } from './pg-copy.js';

/** One COPY whose lines are all written now. */
function compilePostgres(shape: SharedInsertShape, shared: readonly unknown[], rows: ReadonlyArray<readonly unknown[]>): CompiledQuery {
  return CompiledQuery.raw(copyText(shape), [new CopyRows([...copyRows(rows, shared).chunks])]);
}

/** Compiles the insert of `rows` (each with `shape.columns`' values) and `shared` (`shape.shared`'s); run it with the result. */
export function compileInsert<DB>(
  dialect: DialectInfo,
  shape: SharedInsertShape,
  shared: readonly unknown[],
  rows: ReadonlyArray<readonly unknown[]>,
): (db: Kysely<DB>) => Promise<void> {
  const queries = rows.length === 0 ? [] : dialect.name === 'postgres' ? [compilePostgres(shape, shared, rows)] : [...valuesStatements(shape, shared, rows)];
  return async (db) => {
    for (const query of queries) await db.executeQuery(query);
  };
}
