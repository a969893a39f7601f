/** SQLite's spelling of the expressions that differ: IN lists, JSON arrays of rows, case-insensitive LIKE. */
import { sql, type RawBuilder } from 'kysely';
import { jsonArrayFrom as sqliteJsonArrayFrom } from 'kysely/helpers/sqlite';
import type { JsonArrayFrom } from '../../json.js';

/** `column in (?, ?, …)`: one parameter per value. */
export const inList = (column: string, values: readonly string[] | readonly number[]): RawBuilder<boolean> =>
  sql<boolean>`${sql.ref(column)} in (${sql.join(values as unknown[])})`;

/** json_group_array of the subquery's rows (arrives as text: read it with `jsonRows`). */
export const jsonArrayFrom: JsonArrayFrom = sqliteJsonArrayFrom;

export const ilike = 'like' as const;
