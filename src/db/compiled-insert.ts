/**
 * A bulk insert in two steps, compiled now and run later, for an import that writes batch after batch
 * through one connection: it compiles the next batch while the database still works on the previous one.
 * Rows known to be new (no conflict clause, no RETURNING), as bulk-insert.ts writes them:
 *  - SQLite: multi-row VALUES of a fixed row count (prepared once by the connection's statement cache);
 *  - PostgreSQL: one `INSERT … SELECT FROM unnest(…)` per chunk, its arrays written out as text here
 *    (node-postgres would write them only once the connection is free, with the server waiting), and the
 *    values every row shares (the tenant, a timestamp) as plain parameters rather than arrays of copies.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import { unnestText, valuesStatements, type SharedInsertShape } from './bulk-insert.js';
import type { DialectInfo } from './dialect.js';

const POSTGRES_ROWS = 20_000;

/** One array parameter as PostgreSQL's array literal, escaped as node-postgres escapes it. */
function arrayLiteral(values: readonly unknown[]): string {
  const elements = values.map((value) => {
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'number') return String(value);
    return `"${String(value).replace(/[\\"]/g, '\\$&')}"`;
  });
  return `{${elements.join(',')}}`;
}

function compilePostgres(shape: SharedInsertShape, shared: readonly unknown[], rows: ReadonlyArray<readonly unknown[]>): CompiledQuery[] {
  const text = unnestText(shape);
  const queries: CompiledQuery[] = [];
  for (let i = 0; i < rows.length; i += POSTGRES_ROWS) {
    const chunk = rows.slice(i, i + POSTGRES_ROWS);
    const parameters: unknown[] = shape.columns.map((_, c) => arrayLiteral(chunk.map((row) => row[c])));
    queries.push(CompiledQuery.raw(text, [...parameters, ...shared]));
  }
  return queries;
}

/** Compiles the insert of `rows` (each with `shape.columns`' values) and `shared` (`shape.shared`'s); run it with the result. */
export function compileInsert<DB>(
  dialect: DialectInfo,
  shape: SharedInsertShape,
  shared: readonly unknown[],
  rows: ReadonlyArray<readonly unknown[]>,
): (db: Kysely<DB>) => Promise<void> {
  const queries = dialect.name === 'postgres' ? compilePostgres(shape, shared, rows) : [...valuesStatements(shape, shared, rows)];
  return async (db) => {
    for (const query of queries) await db.executeQuery(query);
  };
}
