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
import type { ColumnType } from './bulk-upsert.js';
import type { DialectInfo } from './dialect.js';
import { textFor } from './bulk-insert.js';

export interface CompiledInsertShape {
  table: string;
  /** Columns with a value per row, in the order of each row's values. */
  columns: ReadonlyArray<readonly [name: string, type: ColumnType]>;
  /** Columns with one value for every row, in the order of the `shared` values. */
  shared: ReadonlyArray<readonly [name: string, type: ColumnType]>;
}

const SQLITE_ROWS = 200;
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

function compilePostgres(shape: CompiledInsertShape, shared: readonly unknown[], rows: ReadonlyArray<readonly unknown[]>): CompiledQuery[] {
  const text = textFor(shape, 'pg', () => {
    const names = [...shape.columns, ...shape.shared].map(([name]) => name).join(', ');
    const arrays = shape.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
    const constants = shape.shared.map(([, type], i) => `, $${shape.columns.length + i + 1}::${type}`).join('');
    return `insert into ${shape.table} (${names}) select u.*${constants} from unnest(${arrays}) as u`;
  });
  const queries: CompiledQuery[] = [];
  for (let i = 0; i < rows.length; i += POSTGRES_ROWS) {
    const chunk = rows.slice(i, i + POSTGRES_ROWS);
    const parameters: unknown[] = shape.columns.map((_, c) => arrayLiteral(chunk.map((row) => row[c])));
    queries.push(CompiledQuery.raw(text, [...parameters, ...shared]));
  }
  return queries;
}

function compileSqlite(shape: CompiledInsertShape, shared: readonly unknown[], rows: ReadonlyArray<readonly unknown[]>): CompiledQuery[] {
  const names = [...shape.columns, ...shape.shared].map(([name]) => name).join(', ');
  const row = `(${[...shape.columns, ...shape.shared].map(() => '?').join(', ')})`;
  const queries: CompiledQuery[] = [];
  for (let i = 0; i < rows.length; i += SQLITE_ROWS) {
    const end = Math.min(rows.length, i + SQLITE_ROWS);
    const text = textFor(shape, String(end - i), () => `insert into ${shape.table} (${names}) values ${Array(end - i).fill(row).join(', ')}`);
    // A plain loop: Array.prototype.flat took a sixth of a register import's JavaScript time.
    const parameters: unknown[] = [];
    for (let r = i; r < end; r++) {
      for (const value of rows[r]!) parameters.push(value);
      for (const value of shared) parameters.push(value);
    }
    queries.push(CompiledQuery.raw(text, parameters));
  }
  return queries;
}

/** Compiles the insert of `rows` (each with `shape.columns`' values) and `shared` (`shape.shared`'s); run it with the result. */
export function compileInsert<DB>(
  dialect: DialectInfo,
  shape: CompiledInsertShape,
  shared: readonly unknown[],
  rows: ReadonlyArray<readonly unknown[]>,
): (db: Kysely<DB>) => Promise<void> {
  const queries = dialect.name === 'postgres' ? compilePostgres(shape, shared, rows) : compileSqlite(shape, shared, rows);
  return async (db) => {
    for (const query of queries) await db.executeQuery(query);
  };
}
