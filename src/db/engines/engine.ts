/**
 * What differs between the two engines, in one interface: capability flags and the operations each
 * engine writes its own way. One folder per engine (sqlite/, postgres/) implements it with the same file
 * set; the engine is picked by URL in index.ts, and everything outside src/db/engines/ uses `Db.engine`
 * without asking which one it is.
 */
import type { CompiledQuery, Kysely, RawBuilder } from 'kysely';
import type { InsertShape, SharedInsertShape } from '../bulk-insert.js';
import type { UpsertCompiler } from '../bulk-upsert.js';
import type { Db, OpenOptions } from '../connection.js';
import type { Faults } from '../faults.js';
import type { JsonArrayFrom } from '../json.js';
import type { Database } from '../schema.js';
import type { DeliveryResult, HeldBatch, IssueOutcome, PinIssue, SessionFromPin } from './writes.js';

/** For logs, health answers and migrations' DDL; code outside src/db/engines/ never compares it (eslint). */
export type EngineName = 'sqlite' | 'postgres';

export interface DeferrableIndex {
  table: 'contacts' | 'contact_endpoints' | 'contact_addresses';
  index: string;
}

/** Index builds put off to the end of a large write (see sqlite/deferred-indexes.ts). */
export interface IndexDeferral {
  /**
   * Drops the indexes when the engine allows it and their tables hold at most `maxRows` rows each (the
   * rebuild reads every row, other tenants' too); once. Returns whether they are deferred now.
   */
  deferIfSmall(maxRows: number): Promise<boolean>;
  /** Builds the dropped indexes again; nothing when none were dropped. Call before the commit. */
  rebuild(): Promise<void>;
}

export interface Engine {
  /** Which engine this is: for logs and health answers. */
  readonly name: EngineName;

  // Capability flags.

  /** Most bind parameters one statement may carry. */
  readonly maxParameters: number;
  /** Rows per multi-row INSERT that keeps the statement under maxParameters for a given column count. */
  rowsPerInsert(columns: number): number;
  /** Whether several connections can write at once (PostgreSQL) or writes serialise (SQLite). */
  readonly concurrentWriters: boolean;
  /** Case-insensitive LIKE operator. */
  readonly ilike: 'like' | 'ilike';
  /**
   * Persons per write batch of a register import. PostgreSQL: every COPY waits on a round trip that the
   * importing loop answers only between its chunks of rows, so fewer, larger batches (measured: 2,000 →
   * 10,000 took a first import of a million rows from 61 to 53 s); SQLite: no round trips to save.
   */
  readonly importBatchRows: number;

  // Expressions.

  /** A subquery's rows as one JSON array column (json_agg / json_group_array); read it with `jsonRows`. */
  readonly jsonArrayFrom: JsonArrayFrom;
  /**
   * `column IN (values)`: on PostgreSQL one array parameter (`= any($1)`), so that the statement's text is
   * the same for any number of values and is prepared once; on SQLite a list of parameters.
   */
  inList(column: string, values: readonly string[] | readonly number[]): RawBuilder<boolean>;

  // Bulk and large writes.

  /** Statements for a bulk upsert (imports): multi-row VALUES on SQLite, one JSON array on PostgreSQL. */
  readonly compileUpsert: UpsertCompiler;
  /**
   * The statements that insert `rows` known to be new (each row's values, then `shared`): fixed-size
   * multi-row VALUES on SQLite, one COPY on PostgreSQL whose lines are written as it is sent.
   */
  insertStatements(
    shape: InsertShape | SharedInsertShape,
    shared: readonly unknown[],
    rows: ReadonlyArray<readonly unknown[]>,
  ): Iterable<CompiledQuery>;
  /** As `insertStatements`, every statement written out now (run later, while the next batch is compiled). */
  compileInsert(
    shape: SharedInsertShape,
    shared: readonly unknown[],
    rows: ReadonlyArray<readonly unknown[]>,
  ): CompiledQuery[];
  /** Runs a large write (inside its transaction) with the session settings it needs (SQLite: a larger page cache). */
  withLargeWriteCache<T>(db: Kysely<Database>, work: () => Promise<T>): Promise<T>;
  /** Indexes a large write may drop and build again at its end (SQLite only; PostgreSQL never defers). */
  indexDeferral(db: Kysely<Database>, indexes: readonly DeferrableIndex[]): IndexDeferral;
  /** Fresh planner statistics of `table` after a large write; PostgreSQL for `columns` only. */
  analyzeColumns(db: Kysely<Database>, table: string, columns: readonly string[]): Promise<void>;

  // Writes each engine words its own way.

  /**
   * Records the providers' answers of one chunk (at most 500) of a claimed batch's deliveries, only rows
   * still queued, if the batch is still the claim's (its lease extended to `leaseUntil`); false, with
   * nothing written, when another worker has taken it. One statement on PostgreSQL (a round trip per
   * write is what a send waits on), the claim and the rows in one transaction on SQLite.
   */
  writeClaimedResults(
    db: Kysely<Database>,
    batch: HeldBatch,
    results: readonly DeliveryResult[],
    now: number,
    leaseUntil: number,
  ): Promise<boolean>;
  /**
   * The PIN issue on `db`, its statements compiled once: the cooldown and locks read, the counters
   * counted, the PIN stored, all or nothing — one statement on PostgreSQL, steps in one transaction on SQLite.
   */
  pinIssuer(db: Kysely<Database>): (issue: PinIssue) => Promise<IssueOutcome>;
  /**
   * The login's last write on `db`, its statements compiled once: the PIN consumed, the session (and an
   * audit entry) inserted, all or nothing — one statement on PostgreSQL, one transaction on SQLite.
   */
  sessionFromPin(db: Kysely<Database>): SessionFromPin;

  // The database itself.

  /** Opens the database `url` names (its scheme chose this engine). */
  open(url: string, options: OpenOptions, faults: Faults): Db;
  /** Why the database `url` names cannot be opened as it is (a SQLite file not created yet); undefined when it may be. */
  missingDatabase(url: string): string | undefined;
  /** The database server's clock (epoch ms), to compare with this machine's; undefined when the database runs in this process. */
  serverClock(db: Kysely<Database>): Promise<number | undefined>;
  /** Writes a consistent backup of the database at `url` to `file`, while Aviso serves. */
  backup(url: string, file: string): Promise<void>;
  /** Restores the backup `file` into the new or empty database at `url` (`force`: a SQLite file is replaced). */
  restore(url: string, file: string, options: { force?: boolean }): Promise<void>;
}

/** `rowsPerInsert` of an engine with this parameter limit. */
export const rowsPerInsertUnder =
  (maxParameters: number) =>
  (columns: number): number =>
    Math.max(1, Math.min(1000, Math.floor(maxParameters / columns)));
