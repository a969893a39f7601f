/**
 * PostgreSQL connections cut by the server (`pg_terminate_backend`, as a restart or failover does) while
 * `aviso serve` is idle and while it answers requests: the process stays up, logs the lost connections,
 * opens new ones and keeps answering; reads caught mid-way are run again. The same for `aviso worker`: its
 * connections cut while it polls the queue, it goes on to take and finish the next job. SQLite has no
 * connection to cut.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childDatabaseUrl } from '../cli.js';
import { freshDatabase, POSTGRES_URL, TEST_DATABASES, type FreshDatabase } from '../databases.js';
import { createContext } from '../../src/context.js';
import { testConfig } from '../app.js';
import { buildRegisterTenant, registerCsv, row } from '../register/register-helpers.js';
import { alive, startServe, TEST_SECRET, type ServeProcess } from '../serve.js';
import { waitFor } from '../wait.js';

describe.runIf(TEST_DATABASES.includes('postgres'))('lost PostgreSQL connections [postgres]', () => {
  // Every connection of the child carries this name, so the test ends exactly those.
  const appName = `aviso-test-${randomBytes(4).toString('hex')}`;
  let database: FreshDatabase;
  let server: ServeProcess;
  let admin: pg.Client;

  let worker: ChildProcess | undefined;

  const backends = async (name = appName): Promise<number> =>
    Number(
      (
        await admin.query<{ n: string }>('select count(*) as n from pg_stat_activity where application_name = $1', [
          name,
        ])
      ).rows[0]!.n,
    );
  const terminate = async (name = appName): Promise<number> =>
    (await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [name]))
      .rowCount ?? 0;
  const health = async (): Promise<number> => (await fetch(`${server.url}/healthz`)).status;

  const until = (what: string, probe: () => Promise<boolean>) =>
    waitFor(what, async () => (await probe()) || undefined, 20_000);

  beforeAll(async () => {
    database = await freshDatabase('postgres');
    admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    server = await startServe({ AVISO_DATABASE_URL: childDatabaseUrl(database), PGAPPNAME: appName });
  });

  afterAll(async () => {
    if (worker && alive(worker)) worker.kill('SIGKILL');
    await server?.stop();
    await admin?.end();
    await database?.drop();
  });

  it('connections cut while idle: the process stays up and answers from new ones', async () => {
    expect(await health()).toBe(200);
    await until('the server to hold connections', async () => (await backends()) > 0);
    expect(await terminate()).toBeGreaterThan(0);
    // The log line crosses a pipe after the backends are gone: the count reaching 0 is not yet the log.
    await until('the lost connections to be logged', async () => server.output().includes('database connection lost'));
    expect(await health()).toBe(200);
    expect(alive(server.child)).toBe(true);
  });

  it('connections cut under load, three times: every request answered, reads retried on new connections', async () => {
    const statuses: number[] = [];
    let running = true;
    const load = Array.from({ length: 6 }, async () => {
      while (running) statuses.push(await health());
    });
    for (let round = 0; round < 3; round++) {
      const before = statuses.length;
      await until('requests on live connections', async () => statuses.length > before + 20 && (await backends()) > 0);
      await terminate();
    }
    const after = statuses.length;
    await until('requests after the last cut', async () => statuses.length > after + 20);
    running = false;
    await Promise.all(load);
    expect(alive(server.child)).toBe(true);
    expect(
      statuses.filter((s) => s !== 200),
      server.output(),
    ).toEqual([]);
  });

  it('aviso worker: its connections cut while it polls, it stays up and takes and finishes the next job', async () => {
    // The server would take the job as well: only the worker runs here.
    await server.stop();
    const workerName = `${appName}-w`;
    let output = '';
    worker = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], {
      env: {
        ...process.env,
        AVISO_DATABASE_URL: childDatabaseUrl(database),
        AVISO_SECRET: TEST_SECRET,
        AVISO_LOG_LEVEL: 'warn',
        PGAPPNAME: workerName,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let round = 0; round < 2; round++) {
      await until('the worker to hold connections', async () => (await backends(workerName)) > 0);
      await terminate(workerName);
    }
    await until('the worker to log the lost connections', async () => output.includes('database connection lost'));
    expect(alive(worker)).toBe(true);

    const context = createContext(testConfig({ databaseUrl: database.url }), database.db);
    const tenant = await buildRegisterTenant(context);
    const dir = mkdtempSync(join(tmpdir(), 'aviso-cut-'));
    try {
      const path = join(dir, 'register.csv');
      writeFileSync(path, registerCsv([row({ person_id: 'cut-1', mobile: '0401234001' })]));
      const { id } = await context.register.startUpload(tenant, path, {
        encoding: 'utf8',
        actor: { type: 'token', id: null },
        fileName: 'register.csv',
        fileBytes: statSync(path).size,
      });
      await waitFor(
        'the worker to import the upload',
        async () => ((await context.register.findRun(tenant, id)).status === 'done' ? true : undefined),
        60_000,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await context.register.stop();
    }
    expect(alive(worker)).toBe(true);
  });
});
