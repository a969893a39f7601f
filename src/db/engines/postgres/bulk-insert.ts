/**
 * PostgreSQL's bulk insert of rows known to be new: one COPY … FROM STDIN (copy.ts), the values every
 * row shares (the tenant, a timestamp) written once as a suffix of every line.
 */
import { CompiledQuery } from 'kysely';
import { insertColumns, textFor, type InsertShape, type SharedInsertShape } from '../../bulk-insert.js';
import { CopyRows, copyRows, copyStatement } from './copy.js';

/** The `copy … from stdin` statement of `shape` (its CopyRows lines: each row's values, then `shared`). */
const copyText = (shape: InsertShape | SharedInsertShape): string =>
  textFor(shape, 'copy', () =>
    copyStatement(
      shape.table,
      insertColumns(shape).map(([name]) => name),
    ),
  );

/** One COPY whose lines are written chunk by chunk while it is sent. */
export function insertStatements(
  shape: InsertShape | SharedInsertShape,
  shared: readonly unknown[],
  rows: ReadonlyArray<readonly unknown[]>,
): CompiledQuery[] {
  return rows.length === 0 ? [] : [CompiledQuery.raw(copyText(shape), [copyRows(rows, shared)])];
}

/**
 * One COPY whose lines are all written now: an import compiles its next batch while the database still
 * works on the previous one, rather than once the connection is free, with the server waiting.
 */
export function compileInsert(
  shape: SharedInsertShape,
  shared: readonly unknown[],
  rows: ReadonlyArray<readonly unknown[]>,
): CompiledQuery[] {
  return rows.length === 0
    ? []
    : [CompiledQuery.raw(copyText(shape), [new CopyRows([...copyRows(rows, shared).chunks])])];
}
