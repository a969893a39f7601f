/**
 * Register uploads as durable jobs, for real: an upload's import is taken by an `aviso worker` child
 * process, which is SIGKILLed in the middle of the import. Nothing of it is applied; when its job comes back
 * the run is marked failed; a retry imports it whole, and its stored file is gone afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type Context } from '../../src/context.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { mutableClock, testConfig, type MutableClock } from '../app.js';
import { childDatabaseUrl } from '../cli.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';
import { TEST_SECRET } from '../serve.js';
import { waitFor as until } from '../wait.js';
import { buildRegisterTenant, registerCsv, row } from './register-helpers.js';

const PERSONS = 40_000;

for (const kind of TEST_DATABASES) {
  describe(`register imports as jobs [${kind}]`, () => {
    let database: FreshDatabase;
    let context: Context;
    let clock: MutableClock;
    let tenant: Tenant;
    let dir: string;
    let child: ChildProcess | undefined;

    beforeAll(async () => {
      database = await freshDatabase(kind);
      clock = mutableClock();
      // A short lease and pg-boss maintenance every second: the dead worker's job comes back in seconds.
      context = createContext(testConfig({ databaseUrl: database.url }), database.db, {
        clock,
        register: { leaseMs: 3000, maintenanceSeconds: 1 },
      });
      tenant = await buildRegisterTenant(context);
      dir = mkdtempSync(join(tmpdir(), 'aviso-register-jobs-'));
    });

    afterAll(async () => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await context?.register.stop();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    const contacts = async () =>
      (await context.db.kysely.selectFrom('contacts').select('id').where('tenant_id', '=', tenant.id).execute()).length;
    const storedChunks = async (id: string) =>
      (await context.db.kysely.selectFrom('register_import_files').select('seq').where('import_id', '=', id).execute())
        .length;

    /** Whether a write transaction is open on the SQLite file (the import's): a write with no wait is refused. */
    function sqliteWriteInProgress(): boolean {
      const probe = new SqliteDatabase(database.url.slice('sqlite:'.length));
      try {
        probe.pragma('busy_timeout = 0');
        probe.exec('begin immediate');
        probe.exec('rollback');
        return false;
      } catch (error) {
        if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return true;
        throw error;
      } finally {
        probe.close();
      }
    }

    it(
      'a worker killed mid-import: nothing applied, the run marked failed, a retry imports it all',
      { timeout: 240_000 },
      async () => {
        const path = join(dir, 'register.csv');
        const rows = Array.from({ length: PERSONS }, (_, i) =>
          row({ person_id: `p${i}`, mobile: `04${String(10_000_000 + i)}` }),
        );
        writeFileSync(path, registerCsv(rows));
        const { id } = await context.register.startUpload(tenant, path, {
          encoding: 'utf8',
          actor: { type: 'token', id: null },
          fileName: 'register.csv',
          fileBytes: statSync(path).size,
        });
        expect((await context.register.findRun(tenant, id)).status).toBe('queued');
        expect(await storedChunks(id)).toBeGreaterThan(0);

        child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], {
          env: {
            ...process.env,
            AVISO_DATABASE_URL: childDatabaseUrl(database),
            AVISO_SECRET: TEST_SECRET,
            AVISO_LOG_LEVEL: 'silent',
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        // Mid-import: PostgreSQL shows rows read on the run; on SQLite the import's transaction holds the write lock.
        await until('the import to be under way', async () => {
          const run = await context.register.findRun(tenant, id);
          if (run.status === 'done') throw new Error('the import finished before the worker could be killed');
          const underWay =
            kind === 'postgres' ? (run.progress?.rows ?? 0) > 0 : run.status === 'running' && sqliteWriteInProgress();
          return underWay || undefined;
        });
        child.kill('SIGKILL');
        await until(
          'the worker to end',
          async () => child!.exitCode !== null || child!.signalCode !== null || undefined,
        );

        expect(await contacts()).toBe(0);
        expect((await context.register.findRun(tenant, id)).status).toBe('running');

        // Its job comes back once the lease is over (SQLite: the queue's clock; pg-boss: its own expiry).
        clock.set(Date.now() + 2 * 3_600_000);
        const failed = await until('the run to be marked failed', async () => {
          await context.register.runQueued((error) => {
            throw error;
          });
          const run = await context.register.findRun(tenant, id);
          return run.status === 'failed' ? run : undefined;
        });
        expect(failed.error).toContain('nothing of it was applied');
        expect(await contacts()).toBe(0);

        await context.register.retry(tenant, id);
        await context.register.runQueued((error) => {
          throw error;
        });
        expect(await context.register.findRun(tenant, id)).toMatchObject({
          status: 'done',
          counts: { rows: PERSONS, added: PERSONS },
        });
        expect(await contacts()).toBe(PERSONS);
        expect(await storedChunks(id)).toBe(0);
        await expect(context.register.retry(tenant, id)).rejects.toThrow('only a failed upload import can be retried');
      },
    );
  });
}
