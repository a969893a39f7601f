/**
 * Large imports write through here: "insert these rows; where the key exists, update the row only if a
 * value changed; tell me which rows were written". Kysely's builder would compile a fresh 20,000-value
 * statement for every batch, which costs more than the database work, so the engine builds the statement
 * text once per shape and only the values change (`Engine.compileUpsert`: engines/<engine>/upsert.ts).
 */
import type { CompiledQuery, Kysely } from 'kysely';

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

/** Compiles the statements that upsert `rows`; the engine's (see engines/engine.ts). */
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

/** `on conflict … do update … where changed returning …`: the end of both engines' statements. */
export function conflictClause(shape: UpsertShape): string {
  const set = [...shape.compared, ...shape.touched].map((c) => `${c} = excluded.${c}`).join(', ');
  const changed = shape.compared.map((c) => `${shape.table}.${c} is distinct from excluded.${c}`).join(' or ');
  return `on conflict (${shape.conflict.join(', ')}) do update set ${set} where ${changed} returning ${shape.returning}`;
}

/** Memoises statement text per shape and row count: the same few texts are reused for a whole import. */
export function textCache(build: (shape: UpsertShape, rowCount: number) => string) {
  const cache = new WeakMap<UpsertShape, Map<number, string>>();
  return (shape: UpsertShape, rowCount: number): string => {
    let byCount = cache.get(shape);
    if (!byCount) cache.set(shape, (byCount = new Map()));
    let text = byCount.get(rowCount);
    if (text === undefined) byCount.set(rowCount, (text = build(shape, rowCount)));
    return text;
  };
}
