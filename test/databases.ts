/**
 * Every database test runs on both engines. `AVISO_TEST_DATABASES` picks them (default: both);
 * PostgreSQL must be reachable at AVISO_TEST_POSTGRES_URL — an unreachable server fails the suite
 * rather than skipping it, so a green run always means both were tested.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Db } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';

export type TestDatabase = 'sqlite' | 'postgres';

export const POSTGRES_URL = process.env.AVISO_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const TEST_DATABASES: TestDatabase[] = (process.env.AVISO_TEST_DATABASES ?? 'sqlite,postgres')
  .split(',')
  .map((d) => d.trim())
  .filter((d): d is TestDatabase => d === 'sqlite' || d === 'postgres');

export interface FreshDatabase {
  db: Db;
  /** The URL a child process (CLI, worker) uses to reach the same database. */
  url: string;
  /** For PostgreSQL, the schema to put on the search_path; undefined for SQLite. */
  schema: string | undefined;
  drop(): Promise<void>;
}

/** A new, migrated, empty database: a temp SQLite file, or a fresh PostgreSQL schema. */
export async function freshDatabase(kind: TestDatabase): Promise<FreshDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'aviso-test-'));
    const url = `sqlite:${join(dir, 'aviso.db')}`;
    const db = openDatabase(url);
    await migrateToLatest(db);
    return {
      db,
      url,
      schema: undefined,
      drop: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = openDatabase(POSTGRES_URL, { schema, poolSize: 5 });
  await migrateToLatest(db);
  return {
    db,
    url: POSTGRES_URL,
    schema,
    drop: async () => {
      await db.close();
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema ${schema} cascade`);
      // pg-boss (the dispatch queue) keeps its tables in a schema of its own next to the test's.
      await client.query(`drop schema if exists ${schema}_pgboss cascade`);
      await client.end();
    },
  };
}
