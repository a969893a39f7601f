/**
 * Plain multi-row inserts of rows known to be new (a frozen recipient set, a register import's new
 * persons), with statement texts built once per shape by the engine (`Engine.insertStatements`): on
 * SQLite a fixed-size multi-row VALUES (prepared once by the connection's statement cache); on
 * PostgreSQL one COPY … FROM STDIN. The
 * insert-only sibling of bulk-upsert.ts: without the conflict clause and RETURNING, measured on SQLite, a
 * third less time per row. `bulkInsertShared` takes the values every row shares once.
 */
import type { Kysely } from 'kysely';
import type { ColumnType } from './bulk-upsert.js';
import type { Engine } from './engines/engine.js';

export interface InsertShape {
  table: string;
  columns: ReadonlyArray<readonly [name: string, type: ColumnType]>;
}

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

/** The statement text of `shape` for `key` (a row count, an engine's…), built once. */
export function textFor(shape: object, key: string, build: () => string): string {
  let byKey = texts.get(shape);
  if (!byKey) texts.set(shape, (byKey = new Map()));
  let text = byKey.get(key);
  if (text === undefined) byKey.set(key, (text = build()));
  return text;
}

/** Every column a row of `shape` is inserted with: its own values, then the shared ones. */
export const insertColumns = (shape: InsertShape | SharedInsertShape) => [
  ...shape.columns,
  ...('shared' in shape ? shape.shared : []),
];

async function insertRows<DB>(
  db: Kysely<DB>,
  engine: Engine,
  shape: InsertShape | SharedInsertShape,
  shared: readonly unknown[],
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  if (rows.length === 0) return;
  for (const statement of engine.insertStatements(shape, shared, rows)) await db.executeQuery(statement);
}

/** Inserts rows whose `shared` values (in the order of `shape.shared`) are the same for every row. */
export async function bulkInsertShared<DB>(
  db: Kysely<DB>,
  engine: Engine,
  shape: SharedInsertShape,
  shared: readonly unknown[],
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  await insertRows(db, engine, shape, shared, rows);
}

/** One table's rows of bulkInsertTogether. */
export interface InsertPart {
  shape: SharedInsertShape;
  shared: readonly unknown[];
  rows: ReadonlyArray<readonly unknown[]>;
}

/** Inserts into several tables, parents first (contacts, then their endpoints and links). */
export async function bulkInsertTogether<DB>(
  db: Kysely<DB>,
  engine: Engine,
  parts: readonly InsertPart[],
): Promise<void> {
  for (const { shape, shared, rows } of parts) await bulkInsertShared(db, engine, shape, shared, rows);
}

export async function bulkInsert<DB>(
  db: Kysely<DB>,
  engine: Engine,
  shape: InsertShape,
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  await insertRows(db, engine, shape, [], rows);
}
