/**
 * PostgreSQL's bulk upsert: one `INSERT … SELECT … FROM json_array_elements($1)` per batch: the whole
 * batch is one JSON parameter, which JSON.stringify writes four times as fast as node-postgres writes the
 * same values as one array literal per column (`unnest($1::text[], …)`, tried first).
 */
import { CompiledQuery } from 'kysely';
import { conflictClause, textCache, type UpsertCompiler } from '../../bulk-upsert.js';

const text = textCache((shape) => {
  const names = shape.columns.map(([name]) => name).join(', ');
  const values = shape.columns.map(([, type], i) => `(r ->> ${i})::${type}`).join(', ');
  return `insert into ${shape.table} (${names}) select ${values} from json_array_elements($1::json) as r ${conflictClause(shape)}`;
});

export const compileUpsert: UpsertCompiler = (shape, rows) =>
  rows.length === 0 ? [] : [CompiledQuery.raw(text(shape, 0), [JSON.stringify(rows)])];
