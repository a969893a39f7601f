/**
 * PostgreSQL's backups: `pg_dump --format=custom` of Aviso's schema and pg-boss's (one snapshot: pg_dump
 * reads in a single repeatable-read transaction), restored with `pg_restore --single-transaction
 * --exit-on-error`, so a restore either completes or leaves nothing.
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { childEnvironment } from '../../../config.js';
import { pgBossSchemaFor } from '../../../jobs/pg-boss.queue.js';
import { BackupError, isSqliteFile } from '../backup-file.js';

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
      reject(
        new BackupError(
          missing
            ? `${command} not found: install the PostgreSQL client (postgresql-client) matching the server's version`
            : `${command}: ${stderr.trim().split('\n').slice(-3).join(' ') || error.message}`,
        ),
      );
    }),
  );
}

async function schemaExists(
  uri: string,
  schema: string,
  env: NodeJS.ProcessEnv,
): Promise<{ schema: boolean; tables: boolean }> {
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

export async function backup(url: string, file: string): Promise<void> {
  const target = postgresTarget(url);
  const schemas = [target.schema];
  const boss = pgBossSchemaFor(target.schema);
  if ((await schemaExists(target.uri, boss, target.env)).schema) schemas.push(boss);
  await run(
    'pg_dump',
    [
      '--format=custom',
      '--no-owner',
      '--no-privileges',
      ...schemas.flatMap((s) => ['--schema', s]),
      '--file',
      file,
      '--dbname',
      target.uri,
    ],
    target.env,
  );
}

export async function restore(url: string, file: string, _options: { force?: boolean }): Promise<void> {
  if (isSqliteFile(file)) throw new BackupError(`${file} is a SQLite backup: restore it into a sqlite: database`);
  const target = postgresTarget(url);
  if ((await schemaExists(target.uri, target.schema, target.env)).tables) {
    throw new BackupError(
      `schema ${target.schema} already holds Aviso's tables: restore into a new database (createdb) or an empty schema`,
    );
  }
  // Every database has a `public` schema already: its creation (and comment) in a dump of it is left out.
  const contents = (await run('pg_restore', ['--list', file], target.env))
    .split('\n')
    .filter((line) => !/ (SCHEMA - public|COMMENT - SCHEMA public) /.test(line));
  const list = `${file}.${process.pid}.list`;
  writeFileSync(list, contents.join('\n'));
  try {
    await run(
      'pg_restore',
      [
        '--no-owner',
        '--no-privileges',
        '--single-transaction',
        '--exit-on-error',
        '--use-list',
        list,
        '--dbname',
        target.uri,
        file,
      ],
      target.env,
    );
  } finally {
    rmSync(list, { force: true });
  }
}
