/** PostgreSQL's spelling of the expressions that differ: IN lists, JSON arrays of rows, case-insensitive LIKE. */
import { sql, type RawBuilder } from 'kysely';
import { jsonArrayFrom as postgresJsonArrayFrom } from 'kysely/helpers/postgres';
import type { JsonArrayFrom } from '../../json.js';

/**
 * `column = any($1)`: one array parameter, so that the statement's text is the same for any number of
 * values and is prepared once.
 */
export const inList = (column: string, values: readonly string[] | readonly number[]): RawBuilder<boolean> =>
  typeof values[0] === 'number'
    ? sql<boolean>`${sql.ref(column)} = any(${values}::int[])`
    : sql<boolean>`${sql.ref(column)} = any(${values}::text[])`;

/** json_agg of the subquery's rows (arrives parsed). */
export const jsonArrayFrom: JsonArrayFrom = postgresJsonArrayFrom;

export const ilike = 'ilike' as const;
