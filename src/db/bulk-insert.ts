/**
 * Plain multi-row inserts of rows known to be new (a frozen recipient set, a register import's new
 * persons), with statement texts built once per shape: on SQLite a fixed-size multi-row VALUES (prepared
 * once by the connection's statement cache); on PostgreSQL one COPY … FROM STDIN (pg-copy.ts). The
 * insert-only sibling of bulk-upsert.ts: without the conflict clause and RETURNING, measured on SQLite, a
 * third less time per row. `bulkInsertShared` takes the values every row shares once.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { ColumnType } from './bulk-upsert.js';
import type { DialectInfo } from './dialect.js';
import { copyRows, copyStatement } from './pg-copy.js';

export interface InsertShape {
  table: string;
  columns: ReadonlyArray<readonly [name: string, type: ColumnType]>;
}

const SQLITE_ROWS = 200;

/**
 * A shape whose rows share some values (the tenant, a source, a timestamp): the caller passes them once;
 * they are appended to every row's values (on PostgreSQL as one pre-escaped suffix of every COPY line).
 */
export interface SharedInsertShape {
  table: string;
  /** Columns with a value per row, in the order of each row's values. */
  columns: ReadonlyArray<readonly [name: string, type: ColumnType]>;
  /** Columns with one value for every row, in the order of the `shared` values. */
  shared: ReadonlyArray<readonly [name: string, type: ColumnType]>;
}

const texts = new WeakMap<object, Map<string, string>>();

/** The statement text of `shape` for `key` (a row count, a dialect…), built once. */
export function textFor(shape: object, key: string, build: () => string): string {
  let byKey = texts.get(shape);
  if (!byKey) texts.set(shape, (byKey = new Map()));
  let text = byKey.get(key);
  if (text === undefined) byKey.set(key, (text = build()));
  return text;
}

/** `shared` of a shape that may have none. */
const sharedOf = (shape: InsertShape | SharedInsertShape) => ('shared' in shape ? shape.shared : []);

/** SQLite: the fixed-size multi-row VALUES statements of `rows`, each row's values followed by `shared`. */
export function* valuesStatements(shape: InsertShape | SharedInsertShape, shared: readonly unknown[], rows: ReadonlyArray<readonly unknown[]>): Generator<CompiledQuery> {
  const columns = [...shape.columns, ...sharedOf(shape)];
  const names = columns.map(([name]) => name).join(', ');
  const row = `(${columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += SQLITE_ROWS) {
    const end = Math.min(rows.length, i + SQLITE_ROWS);
    const text = textFor(shape, String(end - i), () => `insert into ${shape.table} (${names}) values ${Array(end - i).fill(row).join(', ')}`);
    // A plain loop: Array.prototype.flat took a sixth of a register import's JavaScript time.
    const parameters: unknown[] = [];
    for (let r = i; r < end; r++) {
      for (const value of rows[r]!) parameters.push(value);
      for (const value of shared) parameters.push(value);
    }
    yield CompiledQuery.raw(text, parameters);
  }
}

/** PostgreSQL: the `copy … from stdin` statement of `shape` (its CopyRows lines: each row's values, then `shared`). */
export function copyText(shape: InsertShape | SharedInsertShape): string {
  return textFor(shape, 'copy', () => copyStatement(shape.table, [...shape.columns, ...sharedOf(shape)].map(([name]) => name)));
}

async function insertRows<DB>(db: Kysely<DB>, dialect: DialectInfo, shape: InsertShape | SharedInsertShape, shared: readonly unknown[], rows: ReadonlyArray<readonly unknown[]>): Promise<void> {
  if (rows.length === 0) return;
  if (dialect.name === 'postgres') {
    await db.executeQuery(CompiledQuery.raw(copyText(shape), [copyRows(rows, shared)]));
    return;
  }
  for (const statement of valuesStatements(shape, shared, rows)) await db.executeQuery(statement);
}

/** Inserts rows whose `shared` values (in the order of `shape.shared`) are the same for every row. */
export async function bulkInsertShared<DB>(
  db: Kysely<DB>,
  dialect: DialectInfo,
  shape: SharedInsertShape,
  shared: readonly unknown[],
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  await insertRows(db, dialect, shape, shared, rows);
}

/** One table's rows of bulkInsertTogether. */
export interface InsertPart {
  shape: SharedInsertShape;
  shared: readonly unknown[];
  rows: ReadonlyArray<readonly unknown[]>;
}

/** Inserts into several tables, parents first (contacts, then their endpoints and links). */
export async function bulkInsertTogether<DB>(db: Kysely<DB>, dialect: DialectInfo, parts: readonly InsertPart[]): Promise<void> {
  for (const { shape, shared, rows } of parts) await bulkInsertShared(db, dialect, shape, shared, rows);
}

export async function bulkInsert<DB>(db: Kysely<DB>, dialect: DialectInfo, shape: InsertShape, rows: ReadonlyArray<readonly unknown[]>): Promise<void> {
  await insertRows(db, dialect, shape, [], rows);
}
