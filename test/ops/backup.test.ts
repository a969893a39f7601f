/**
 * `aviso backup` of a database a server is writing to — a send started, its queue drained meanwhile —
 * then `aviso restore` into a new database: every contact, address, endpoint and delivery is there, and
 * the restored database migrates as current. On both databases (PostgreSQL: pg_dump / pg_restore).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/connection.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { createTestApp, type TestApp } from '../app.js';
import { childDatabaseUrl, childProcessesTimeout, runCli, runCliAsync } from '../cli.js';
import { POSTGRES_URL, TEST_DATABASES } from '../databases.js';
import { addPerson, buildTown, CENTER, square, tokenHeaders } from '../dispatch/fixtures.js';

const TABLES = [
  'contacts',
  'contact_endpoints',
  'contact_addresses',
  'addresses',
  'deliveries',
  'incident_recipients',
  'messages',
] as const;

async function counts(db: Db): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES)
    result[table] = Number(
      (
        await db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return result;
}

for (const kind of TEST_DATABASES) {
  describe(`aviso backup and restore [${kind}]`, () => {
    let source: TestApp;
    let tenant: Tenant;
    let restoredUrl: string;
    let restoredDatabase: string | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'aviso-backup-'));
    const file = join(dir, `aviso-${kind}.backup`);

    beforeAll(async () => {
      source = await createTestApp(kind);
      tenant = await buildTown(source.context);
      for (let n = 1; n <= 12; n++) {
        await addPerson(source.context, tenant, {
          endpoints: [
            { type: 'mobile', value: `+3584010000${String(n).padStart(2, '0')}` },
            { type: 'email', value: `p${n}@example.fi` },
          ],
          addresses: [`kk-${n}`],
        });
      }
      if (kind === 'sqlite') {
        restoredUrl = `sqlite:${join(dir, 'restored.db')}`;
      } else {
        restoredDatabase = `aviso_restore_${randomBytes(4).toString('hex')}`;
        const admin = new pg.Client({ connectionString: POSTGRES_URL });
        await admin.connect();
        await admin.query(`create database ${restoredDatabase}`);
        await admin.end();
        const url = new URL(POSTGRES_URL);
        url.pathname = `/${restoredDatabase}`;
        url.searchParams.set('schema', source.database.schema!);
        restoredUrl = url.toString();
      }
    });

    afterAll(async () => {
      await source.app.close();
      await source.database.drop();
      if (restoredDatabase) {
        const admin = new pg.Client({ connectionString: POSTGRES_URL });
        await admin.connect();
        await admin.query(`drop database if exists ${restoredDatabase} with (force)`);
        await admin.end();
      }
    });

    it(
      'backs up while a send is under way and restores every contact, address and delivery',
      childProcessesTimeout(3),
      async () => {
        const auth = await tokenHeaders(source.context, tenant);
        const post = (url: string, payload: object) =>
          source.app.inject({ method: 'POST', url: `/api/t/${tenant.slug}${url}`, headers: auth, payload });
        const incident = await post('/incidents', {
          service: 'water',
          kind: 'sudden',
          title: 'Putkirikko',
          area: square(CENTER.lon - 0.002, CENTER.lat + 0.0013, 0.0012),
        });
        const message = await post(`/incidents/${incident.json().id}/messages`, {
          texts: { fi: 'Vesikatko {address}' },
        });
        expect(message.statusCode, message.body).toBe(201);
        const env = { AVISO_DATABASE_URL: childDatabaseUrl(source.database) };
        // The queue is drained by this process while the child backs up.
        const [backup] = await Promise.all([
          runCliAsync(['backup', file], env),
          source.context.dispatch.runtime.drain(),
        ]);
        expect(backup.stderr).toBe('');
        expect(backup.stdout.trim()).toBe(`backup written to ${file}`);
        const expected = await counts(source.database.db);
        expect(expected.deliveries).toBe(24);

        const restore = runCli(['restore', file], { AVISO_DATABASE_URL: restoredUrl });
        expect(restore.stderr).toBe('');
        expect(restore.status).toBe(0);
        expect(runCli(['migrate'], { AVISO_DATABASE_URL: restoredUrl }).stdout.trim()).toBe('database is up to date');

        const restored = openDatabase(restoredUrl);
        try {
          expect(await counts(restored)).toEqual(expected);
          const statuses = await restored.kysely
            .selectFrom('deliveries')
            .select('status')
            .where('message_id', '=', message.json().id)
            .execute();
          expect(statuses.every((s) => ['queued', 'sent', 'delivered'].includes(s.status))).toBe(true);
          const emails = await restored.kysely
            .selectFrom('contact_endpoints')
            .select('value')
            .where('type', '=', 'email')
            .orderBy('value')
            .execute();
          expect(emails.map((e) => e.value)).toContain('p12@example.fi');
        } finally {
          await restored.close();
        }
      },
    );

    it('refuses to restore over a database that holds Aviso already, in one line', () => {
      const again = runCli(['restore', file], { AVISO_DATABASE_URL: restoredUrl });
      expect(again.status).toBe(1);
      expect(again.stderr.trim()).toMatch(
        kind === 'sqlite'
          ? /^aviso: .*restored\.db exists: restore into a new path, or pass --force/
          : /^aviso: schema test_\w+ already holds Aviso's tables/,
      );
    });
  });
}
