/**
 * Large imports write through here: "insert these rows; where the key exists, update the row only if a
 * value changed; tell me which rows were written". Kysely's builder would compile a fresh 20,000-value
 * statement for every batch, which costs more than the database work, so the statement text is built
 * once per shape and only the values change:
 *  - SQLite: a multi-row VALUES statement of a fixed row count, which the connection's statement cache
 *    then prepares once (see sqlite-statements.ts);
 *  - PostgreSQL: one `INSERT … SELECT … FROM json_array_elements($1)` per batch: the whole batch is one
 *    JSON parameter, which JSON.stringify writes four times as fast as node-postgres writes the same
 *    values as one array literal per column (`unnest($1::text[], …)`, tried first).
 */
import { CompiledQuery, type Kysely } from 'kysely';

export type ColumnType = 'text' | 'integer' | 'bigint' | 'double precision';

/** What to write where: identifiers come from code, never from input. */
export interface UpsertShape {
  table: string;
  /** Every column written, in the order of each row's values, with its type (PostgreSQL casts to it). */
  columns: ReadonlyArray<readonly [name: string, type: ColumnType]>;
  /** The unique key an existing row is found by. */
  conflict: readonly string[];
  /** Columns compared on conflict: the row is updated only when one of them differs. */
  compared: readonly string[];
  /** Columns also set on update but not compared (e.g. updated_at). */
  touched: readonly string[];
  /** The column returned for every inserted or updated row (an unchanged row returns nothing). */
  returning: string;
}

/** One row's values, in the order of `UpsertShape.columns`. */
export type UpsertRow = readonly unknown[];

/** Compiles the statements that upsert `rows`; the dialect's capability (see dialect.ts). */
export type UpsertCompiler = (shape: UpsertShape, rows: readonly UpsertRow[]) => CompiledQuery[];

/** Runs an upsert and returns the `returning` value of each written row. */
export async function bulkUpsert<DB>(
  db: Kysely<DB>,
  compile: UpsertCompiler,
  shape: UpsertShape,
  rows: readonly UpsertRow[],
): Promise<unknown[]> {
  const written: unknown[] = [];
  for (const query of compile(shape, rows)) {
    const result = await db.executeQuery<Record<string, unknown>>(query);
    for (const row of result.rows) written.push(row[shape.returning]);
  }
  return written;
}

function conflictClause(shape: UpsertShape): string {
  const set = [...shape.compared, ...shape.touched].map((c) => `${c} = excluded.${c}`).join(', ');
  const changed = shape.compared.map((c) => `${shape.table}.${c} is distinct from excluded.${c}`).join(' or ');
  return `on conflict (${shape.conflict.join(', ')}) do update set ${set} where ${changed} returning ${shape.returning}`;
}

/** Memoises statement text per shape and row count: the same few texts are reused for a whole import. */
function textCache(build: (shape: UpsertShape, rowCount: number) => string) {
  const cache = new WeakMap<UpsertShape, Map<number, string>>();
  return (shape: UpsertShape, rowCount: number): string => {
    let byCount = cache.get(shape);
    if (!byCount) cache.set(shape, (byCount = new Map()));
    let text = byCount.get(rowCount);
    if (text === undefined) byCount.set(rowCount, (text = build(shape, rowCount)));
    return text;
  };
}

// 100 rows × ~20 columns: far below SQLite's 32,766 parameters, and measured as fast as larger statements.
const SQLITE_ROWS_PER_STATEMENT = 100;

const sqliteText = textCache((shape, rowCount) => {
  const row = `(${shape.columns.map(() => '?').join(', ')})`;
  const names = shape.columns.map(([name]) => name).join(', ');
  return `insert into ${shape.table} (${names}) values ${Array(rowCount).fill(row).join(', ')} ${conflictClause(shape)}`;
});

export const sqliteUpsert: UpsertCompiler = (shape, rows) => {
  const queries: CompiledQuery[] = [];
  for (let i = 0; i < rows.length; i += SQLITE_ROWS_PER_STATEMENT) {
    const end = Math.min(rows.length, i + SQLITE_ROWS_PER_STATEMENT);
    const parameters: unknown[] = [];
    for (let r = i; r < end; r++) for (const value of rows[r]!) parameters.push(value);
    queries.push(CompiledQuery.raw(sqliteText(shape, end - i), parameters));
  }
  return queries;
};

const postgresText = textCache((shape) => {
  const names = shape.columns.map(([name]) => name).join(', ');
  const values = shape.columns.map(([, type], i) => `(r ->> ${i})::${type}`).join(', ');
  return `insert into ${shape.table} (${names}) select ${values} from json_array_elements($1::json) as r ${conflictClause(shape)}`;
});

export const postgresUpsert: UpsertCompiler = (shape, rows) =>
  rows.length === 0 ? [] : [CompiledQuery.raw(postgresText(shape, 0), [JSON.stringify(rows)])];
