/**
 * SQLite's bulk upsert: a multi-row VALUES statement of a fixed row count, which the connection's
 * statement cache (statements.ts) then prepares once.
 */
import { CompiledQuery } from 'kysely';
import { conflictClause, textCache, type UpsertCompiler } from '../../bulk-upsert.js';

// 100 rows × ~20 columns: far below SQLite's 32,766 parameters, and measured as fast as larger statements.
const ROWS_PER_STATEMENT = 100;

const text = textCache((shape, rowCount) => {
  const row = `(${shape.columns.map(() => '?').join(', ')})`;
  const names = shape.columns.map(([name]) => name).join(', ');
  return `insert into ${shape.table} (${names}) values ${Array(rowCount).fill(row).join(', ')} ${conflictClause(shape)}`;
});

export const compileUpsert: UpsertCompiler = (shape, rows) => {
  const queries: CompiledQuery[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const end = Math.min(rows.length, i + ROWS_PER_STATEMENT);
    const parameters: unknown[] = [];
    for (let r = i; r < end; r++) for (const value of rows[r]!) parameters.push(value);
    queries.push(CompiledQuery.raw(text(shape, end - i), parameters));
  }
  return queries;
};
