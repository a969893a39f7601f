/**
 * Opens the database named by AVISO_DATABASE_URL: a SQLite file (embedded default) or PostgreSQL.
 * Everything above this file sees one `Db`: a Kysely instance plus its engine (engines/engine.ts), whose
 * flags and operations stand for whatever differs between the two.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from './schema.js';
import type { Engine } from './engines/engine.js';
import { engineFor } from './engines/index.js';
import { faultReporter, type Faults } from './faults.js';

export interface Db {
  readonly kysely: Kysely<Database>;
  /**
   * For short-lived security state only — sessions, PINs, rate counters, CAPTCHA solutions — whose
   * last fraction of a second of writes may be lost if the database server crashes (never corrupted):
   * on PostgreSQL a pool whose commits do not wait for the disk (synchronous_commit = off), since a
   * login commits several such writes and the disk flushes were most of its time under load; on SQLite
   * the same instance as `kysely`. Deliveries, the register and audit always go through `kysely`.
   */
  readonly ephemeral: Kysely<Database>;
  /** What differs between the engines: capability flags and the operations each words its own way. */
  readonly engine: Engine;
  /** PostgreSQL schema the tables live in (search_path); undefined on SQLite. */
  readonly schema: string | undefined;
  /** Connection pools and their use now (metrics); none on SQLite, whose one connection is always open. */
  pools(): PoolUse[];
  /** Lost connections and queue errors of this database, logged and counted (connection.ts, the job queue). */
  readonly faults: Faults;
  close(): Promise<void>;
}

export interface PoolUse {
  name: 'main' | 'ephemeral';
  max: number;
  open: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
}

export interface OpenOptions {
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** PostgreSQL schema (search_path); tests use one schema per test file. */
  schema?: string;
  /** Where lost connections and queue errors are logged (the CLI's logger); without one they are only counted. */
  logger?: Pick<Logger, 'warn'>;
}

export function openDatabase(url: string, options: OpenOptions = {}): Db {
  return engineFor(url).open(url, options, faultReporter(options.logger));
}
