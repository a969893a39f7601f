/**
 * What differs between the two engines, as capability flags in one place, so that services and
 * repositories never ask "is this PostgreSQL?".
 */
import { sql, type RawBuilder } from 'kysely';
import { postgresUpsert, sqliteUpsert, type UpsertCompiler } from './bulk-upsert.js';
import { postgresJsonArrayFrom, sqliteJsonArrayFrom, type JsonArrayFrom } from './json.js';

export type DialectName = 'sqlite' | 'postgres';

export interface DialectInfo {
  readonly name: DialectName;
  /** Most bind parameters one statement may carry. */
  readonly maxParameters: number;
  /** Rows per multi-row INSERT that keeps the statement under maxParameters for a given column count. */
  rowsPerInsert(columns: number): number;
  /** Whether several connections can write at once (PostgreSQL) or writes serialise (SQLite). */
  readonly concurrentWriters: boolean;
  /** Case-insensitive LIKE operator. */
  readonly ilike: 'like' | 'ilike';
  /** Statements for a bulk upsert (imports): multi-row VALUES on SQLite, one JSON array on PostgreSQL. */
  readonly compileUpsert: UpsertCompiler;
  /**
   * Whether INSERT/UPDATE/DELETE … RETURNING may stand in a WITH clause, so that several dependent writes
   * are one statement (PostgreSQL); SQLite runs them one by one (in-process, a statement costs no round trip).
   */
  readonly writableCtes: boolean;
  /**
   * Persons per write batch of a register import. PostgreSQL: every COPY waits on a round trip that the
   * importing loop answers only between its chunks of rows, so fewer, larger batches (measured: 2,000 →
   * 10,000 took a first import of a million rows from 61 to 53 s); SQLite: no round trips to save.
   */
  readonly importBatchRows: number;
  /** A subquery's rows as one JSON array column (json_agg / json_group_array); read it with `jsonRows`. */
  readonly jsonArrayFrom: JsonArrayFrom;
  /**
   * `column IN (values)`: on PostgreSQL one array parameter (`= any($1)`), so that the statement's text is
   * the same for any number of values and is prepared once; on SQLite a list of parameters.
   */
  inList(column: string, values: readonly string[] | readonly number[]): RawBuilder<boolean>;
}

const inArray = (column: string, values: readonly string[] | readonly number[]): RawBuilder<boolean> =>
  typeof values[0] === 'number' ? sql<boolean>`${sql.ref(column)} = any(${values}::int[])` : sql<boolean>`${sql.ref(column)} = any(${values}::text[])`;
const inParameters = (column: string, values: readonly string[] | readonly number[]): RawBuilder<boolean> =>
  sql<boolean>`${sql.ref(column)} in (${sql.join(values as unknown[])})`;

function info(name: DialectName, maxParameters: number, concurrentWriters: boolean, compileUpsert: UpsertCompiler): DialectInfo {
  return {
    name,
    compileUpsert,
    maxParameters,
    concurrentWriters,
    writableCtes: name === 'postgres',
    importBatchRows: name === 'postgres' ? 10_000 : 2000,
    jsonArrayFrom: name === 'postgres' ? postgresJsonArrayFrom : sqliteJsonArrayFrom,
    ilike: name === 'postgres' ? 'ilike' : 'like',
    inList: name === 'postgres' ? inArray : inParameters,
    rowsPerInsert: (columns) => Math.max(1, Math.min(1000, Math.floor(maxParameters / columns))),
  };
}

export const sqliteDialect = info('sqlite', 32766, false, sqliteUpsert);
export const postgresDialect = info('postgres', 65535, true, postgresUpsert);
