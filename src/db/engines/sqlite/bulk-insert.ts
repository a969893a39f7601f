/**
 * SQLite's bulk insert of rows known to be new: multi-row VALUES statements of a fixed row count, whose
 * texts the connection's statement cache (statements.ts) then prepares once.
 */
import { CompiledQuery } from 'kysely';
import { insertColumns, textFor, type InsertShape, type SharedInsertShape } from '../../bulk-insert.js';

const ROWS_PER_STATEMENT = 200;

/** The fixed-size multi-row VALUES statements of `rows`, each row's values followed by `shared`. */
export function* insertStatements(
  shape: InsertShape | SharedInsertShape,
  shared: readonly unknown[],
  rows: ReadonlyArray<readonly unknown[]>,
): Generator<CompiledQuery> {
  const columns = insertColumns(shape);
  const names = columns.map(([name]) => name).join(', ');
  const row = `(${columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const end = Math.min(rows.length, i + ROWS_PER_STATEMENT);
    const text = textFor(
      shape,
      String(end - i),
      () =>
        `insert into ${shape.table} (${names}) values ${Array(end - i)
          .fill(row)
          .join(', ')}`,
    );
    // A plain loop: Array.prototype.flat took a sixth of a register import's JavaScript time.
    const parameters: unknown[] = [];
    for (let r = i; r < end; r++) {
      for (const value of rows[r]!) parameters.push(value);
      for (const value of shared) parameters.push(value);
    }
    yield CompiledQuery.raw(text, parameters);
  }
}

/** Every statement of `insertStatements`, made now. */
export const compileInsert = (
  shape: SharedInsertShape,
  shared: readonly unknown[],
  rows: ReadonlyArray<readonly unknown[]>,
): CompiledQuery[] => [...insertStatements(shape, shared, rows)];
