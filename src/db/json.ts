/**
 * A subquery's rows as one JSON array column (`Engine.jsonArrayFrom`), so that a row and its children come
 * back in one statement (one round trip on PostgreSQL, where a login's statements are most of its cost).
 * PostgreSQL's json_agg arrives parsed (node-postgres parses json); SQLite's json_group_array arrives as
 * text: `jsonRows` reads either. The subquery must name every column it selects (SQLite's json_object
 * takes names and values). Both render numbers exactly (SQLite 3.43+ with 17 significant digits), so
 * coordinates survive the trip.
 */
import type { jsonArrayFrom } from 'kysely/helpers/sqlite';

/** Kysely's `jsonArrayFrom` of one engine: `(subquery) → RawBuilder<Row[]>`. */
export type JsonArrayFrom = typeof jsonArrayFrom;

/** The rows of a `jsonArrayFrom` column, whichever engine produced it. */
export function jsonRows<T>(value: readonly T[] | string): T[] {
  return typeof value === 'string' ? (JSON.parse(value) as T[]) : [...value];
}
