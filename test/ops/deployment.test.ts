/**
 * The start-up sequence the image, compose.yaml and the systemd units run, as real processes: `aviso
 * migrate` on an empty database, then `aviso serve` — on SQLite with its own dispatch workers, on
 * PostgreSQL with AVISO_WORKERS=0 and two `aviso worker` processes — each with its metrics listener.
 * A message sent through the API is delivered; /readyz and the processes' metrics say so; SIGTERM stops
 * every process with exit code 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.js';
import { openDatabase } from '../../src/db/connection.js';
import { testConfig } from '../app.js';
import { runCli } from '../cli.js';
import { POSTGRES_URL, TEST_DATABASES } from '../databases.js';
import { addPerson, buildTown, CENTER, square, tokenHeaders } from '../dispatch/fixtures.js';
import { parsePrometheus, valueOf } from './prometheus-text.js';
import { freePort, until } from './wait.js';

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

for (const kind of TEST_DATABASES) {
  describe(`aviso migrate && aviso serve (+ workers) as processes [${kind}]`, () => {
    const processes: ChildProcess[] = [];
    let url: string;
    let schema: string | undefined;
    let env: Record<string, string>;
    const start = (args: string[], extra: Record<string, string> = {}) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
        env: { ...process.env, ...env, ...extra },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      processes.push(child);
      return child;
    };

    beforeAll(async () => {
      if (kind === 'sqlite') {
        url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'aviso-deploy-')), 'aviso.db')}`;
      } else {
        schema = `test_deploy_${process.pid}`;
        const admin = new pg.Client({ connectionString: POSTGRES_URL });
        await admin.connect();
        await admin.query(`drop schema if exists ${schema} cascade; create schema ${schema}`);
        await admin.end();
        url = `${POSTGRES_URL}?schema=${schema}`;
      }
      env = {
        AVISO_DATABASE_URL: url,
        AVISO_SECRET: 'test-secret-test-secret-test-secret-0123',
        AVISO_LOG_LEVEL: 'warn',
        AVISO_CAPTCHA: 'off',
      };
    });

    afterAll(async () => {
      for (const child of processes) if (child.exitCode === null) child.kill('SIGKILL');
      if (schema) {
        const admin = new pg.Client({ connectionString: POSTGRES_URL });
        await admin.connect();
        await admin.query(`drop schema if exists ${schema} cascade; drop schema if exists ${schema}_pgboss cascade`);
        await admin.end();
      }
    });

    it('migrates, serves, sends through the workers, reports it, and stops cleanly', async () => {
      const migrated = runCli(['migrate'], env);
      expect(migrated.stderr).toBe('');
      expect(migrated.stdout).toMatch(/^applied: 001-foundation, /);

      // The tenant and its residents, written as an import would.
      const db = openDatabase(url);
      const context = createContext(testConfig({ databaseUrl: url }), db);
      const tenant = await buildTown(context);
      for (let n = 1; n <= 8; n++)
        await addPerson(context, tenant, {
          endpoints: [{ type: 'mobile', value: `+35840100000${n}` }],
          addresses: [`kk-${n}`],
        });
      const auth = await tokenHeaders(context, tenant);
      await db.close();

      const port = await freePort();
      const metricsPorts = [await freePort(), await freePort(), await freePort()];
      const server = start(['serve'], {
        AVISO_PORT: String(port),
        AVISO_HOST: '127.0.0.1',
        AVISO_METRICS: `127.0.0.1:${metricsPorts[0]}`,
        AVISO_WORKERS: kind === 'sqlite' ? '1' : '0',
      });
      const workers =
        kind === 'sqlite' ? [] : [1, 2].map((i) => start(['worker', '--metrics', `127.0.0.1:${metricsPorts[i]}`]));
      const base = `http://127.0.0.1:${port}`;
      const readiness = await until('/readyz 200', async () => {
        const response = await fetch(`${base}/readyz`);
        return response.status === 200
          ? ((await response.json()) as { checks: Array<{ name: string; ok: boolean }> })
          : undefined;
      });
      expect(readiness.checks.every((c) => c.ok)).toBe(true);
      // Each worker is up once its metrics listener answers (it opens after the worker has started).
      for (const metricsPort of metricsPorts.slice(1, 1 + workers.length)) {
        await until(`worker metrics on ${metricsPort}`, async () =>
          (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).ok ? true : undefined,
        );
      }

      const post = async (path: string, body: object) =>
        fetch(`${base}/api/t/${tenant.slug}${path}`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const incident = (await (
        await post('/incidents', {
          service: 'water',
          kind: 'sudden',
          title: 'Putkirikko',
          area: square(CENTER.lon - 0.002, CENTER.lat + 0.0013, 0.0012),
        })
      ).json()) as { id: string };
      const message = (await (
        await post(`/incidents/${incident.id}/messages`, { texts: { fi: 'Vesikatko {address}' } })
      ).json()) as { id: string };
      const done = await until('every delivery delivered', async () => {
        const view = (await (
          await fetch(`${base}/api/t/${tenant.slug}/messages/${message.id}`, { headers: auth })
        ).json()) as { delivered: number; total: number };
        return view.total === 8 && view.delivered === 8 ? view : undefined;
      });
      expect(done.delivered).toBe(8);

      // What the processes that sent it counted.
      const senders = kind === 'sqlite' ? [metricsPorts[0]!] : metricsPorts.slice(1);
      let delivered = 0;
      for (const metricsPort of senders) {
        const samples = parsePrometheus(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
        delivered +=
          valueOf(samples, 'aviso_messages_total', { channel: 'sms', provider: 'inbox', outcome: 'delivered' }) ?? 0;
      }
      expect(delivered).toBe(8);

      for (const child of [server, ...workers]) child.kill('SIGTERM');
      expect(await Promise.all([server, ...workers].map(exited))).toEqual([server, ...workers].map(() => 0));
    }, 120_000);
  });
}
