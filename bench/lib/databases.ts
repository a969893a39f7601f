/** A fresh, empty database of either kind for one benchmark, removed again by `drop()`. */
import { rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type BenchDatabaseKind = 'sqlite' | 'postgres';

/** The `--databases` option: a comma-separated list of `sqlite` and `postgres`. */
export function parseDatabases(value: string): BenchDatabaseKind[] {
  const databases = value.split(',').map((d) => d.trim());
  for (const d of databases)
    if (d !== 'sqlite' && d !== 'postgres') throw new Error(`--databases: unknown database ${d}`);
  return databases as BenchDatabaseKind[];
}

export const POSTGRES_URL = process.env.AVISO_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  kind: BenchDatabaseKind;
  url: string;
  /** PostgreSQL schema; undefined for SQLite. */
  schema: string | undefined;
  drop(): Promise<void>;
}

async function postgresAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** `name` picks the SQLite file (in the temp directory) or the PostgreSQL schema (`bench_NAME`). */
export async function freshBenchDatabase(kind: BenchDatabaseKind, name: string): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    const dir = join(tmpdir(), 'aviso-bench', 'db');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.db`);
    const remove = async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    };
    await remove();
    return { kind, url: `sqlite:${file}`, schema: undefined, drop: remove };
  }
  const schema = `bench_${name}`;
  await postgresAdmin(`drop schema if exists ${schema} cascade`);
  await postgresAdmin(`create schema ${schema}`);
  return { kind, url: POSTGRES_URL, schema, drop: () => postgresAdmin(`drop schema if exists ${schema} cascade`) };
}
