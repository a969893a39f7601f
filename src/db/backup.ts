/**
 * Consistent backups while Aviso serves, and their restore into a new, empty database.
 * SQLite: the online backup API (better-sqlite3's `backup`), which copies a consistent snapshot while
 * other connections keep writing. PostgreSQL: `pg_dump --format=custom` of Aviso's schema and pg-boss's
 * (one snapshot: pg_dump reads in a single repeatable-read transaction), restored with `pg_restore
 * --single-transaction --exit-on-error`, so a restore either completes or leaves nothing.
 */
import { execFile } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { childEnvironment } from '../config.js';
import { pgBossSchemaFor } from '../jobs/pg-boss.queue.js';

export class BackupError extends Error {
  override name = 'BackupError';
}

const sqlitePathOf = (url: string): string | undefined => (url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : undefined);

/** The pieces pg_dump and pg_restore need: the URL without our `schema` parameter or the password (that goes in PGPASSWORD, not on a command line others can read). */
function postgresTarget(url: string): { uri: string; schema: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? 'public';
  parsed.searchParams.delete('schema');
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { uri: parsed.toString(), schema, env: childEnvironment(password ? { PGPASSWORD: password } : {}) };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      reject(new BackupError(missing ? `${command} not found: install the PostgreSQL client (postgresql-client) matching the server's version` : `${command}: ${stderr.trim().split('\n').slice(-3).join(' ') || error.message}`));
    }),
  );
}

async function schemaExists(uri: string, schema: string, env: NodeJS.ProcessEnv): Promise<{ schema: boolean; tables: boolean }> {
  const client = new pg.Client({ connectionString: uri, password: env.PGPASSWORD });
  await client.connect();
  try {
    const { rows } = await client.query<{ schema: boolean; tables: boolean }>(
      `select exists (select 1 from pg_namespace where nspname = $1) as schema,
              exists (select 1 from pg_tables where schemaname = $1 and tablename = 'tenants') as tables`,
      [schema],
    );
    return rows[0]!;
  } finally {
    await client.end();
  }
}

/** Writes a backup of the database at `url` to `file` (replaced only once the backup is complete). */
export async function backupDatabase(url: string, file: string): Promise<void> {
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const path = sqlitePathOf(url);
  if (path) {
    if (!existsSync(path)) throw new BackupError(`no database at ${path}`);
    const source = new SqliteDatabase(path, { readonly: true, fileMustExist: true });
    try {
      await source.backup(partial);
    } finally {
      source.close();
    }
  } else {
    const target = postgresTarget(url);
    const schemas = [target.schema];
    const boss = pgBossSchemaFor(target.schema);
    if ((await schemaExists(target.uri, boss, target.env)).schema) schemas.push(boss);
    await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', ...schemas.flatMap((s) => ['--schema', s]), '--file', partial, '--dbname', target.uri], target.env);
  }
  renameSync(partial, file);
}

function isSqliteFile(file: string): boolean {
  const header = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  return header.toString('latin1') === 'SQLite format 3\0';
}

/**
 * Restores `file` into the database at `url`, which must be new or empty (`force`: a SQLite file is
 * replaced). Aviso must not be running on it. Migrations are not run: `aviso migrate` (or serve) does that.
 */
export async function restoreDatabase(url: string, file: string, options: { force?: boolean } = {}): Promise<void> {
  if (!existsSync(file)) throw new BackupError(`no backup at ${file}`);
  const path = sqlitePathOf(url);
  if (path) {
    if (!isSqliteFile(file)) throw new BackupError(`${file} is not a SQLite backup (a PostgreSQL one restores into PostgreSQL)`);
    const check = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    try {
      const result = check.pragma('integrity_check', { simple: true });
      if (result !== 'ok') throw new BackupError(`${file} is damaged: ${String(result)}`);
    } finally {
      check.close();
    }
    if (existsSync(path) && !options.force) throw new BackupError(`${path} exists: restore into a new path, or pass --force to replace it (stop Aviso first)`);
    copyFileSync(file, `${path}.restoring`);
    for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    renameSync(`${path}.restoring`, path);
    return;
  }
  if (isSqliteFile(file)) throw new BackupError(`${file} is a SQLite backup: restore it into a sqlite: database`);
  const target = postgresTarget(url);
  if ((await schemaExists(target.uri, target.schema, target.env)).tables) {
    throw new BackupError(`schema ${target.schema} already holds Aviso's tables: restore into a new database (createdb) or an empty schema`);
  }
  // Every database has a `public` schema already: its creation (and comment) in a dump of it is left out.
  const contents = (await run('pg_restore', ['--list', file], target.env)).split('\n').filter((line) => !/ (SCHEMA - public|COMMENT - SCHEMA public) /.test(line));
  const list = `${file}.${process.pid}.list`;
  writeFileSync(list, contents.join('\n'));
  try {
    await run('pg_restore', ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', '--use-list', list, '--dbname', target.uri, file], target.env);
  } finally {
    rmSync(list, { force: true });
  }
}
