/** SQLite's spelling of the expressions that differ: IN lists, JSON arrays of rows, case-insensitive LIKE. */
import { sql, type RawBuilder } from 'kysely';
import { jsonArrayFrom as sqliteJsonArrayFrom } from 'kysely/helpers/sqlite';
import type { JsonArrayFrom } from '../../json.js';

/**
 * `column in (…)` with the values as one JSON array: one statement text whatever their number (a list
 * of parameters made a new statement to prepare for every length), searched on the column's index all
 * the same.
 */
export const inList = (column: string, values: readonly string[] | readonly number[]): RawBuilder<boolean> =>
  sql<boolean>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(values)}))`;

/** json_group_array of the subquery's rows (arrives as text: read it with `jsonRows`). */
export const jsonArrayFrom: JsonArrayFrom = sqliteJsonArrayFrom;

export const ilike = 'like' as const;
