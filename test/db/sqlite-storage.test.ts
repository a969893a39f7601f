/**
 * SQLite's file under stress: a full disk and a read-only file give a clear answer on the write (nothing
 * of it saved) and the server keeps running; two `aviso serve` processes on one file both serve and
 * write, and each sees the other's writes. (PostgreSQL's server owns its storage: nothing to test here.)
 */
import { execFileSync } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { createTestApp, testConfig, type TestApp } from '../app.js';
import { createContext } from '../../src/context.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';
import { buildTenant, square } from '../factories.js';
import { childProcessesTimeout } from '../cli.js';
import { alive, startServe, type ServeProcess } from '../serve.js';

const incident = (title: string) => ({
  service: 'water',
  kind: 'planned',
  title,
  description: 'x'.repeat(4000),
  area: square(24.62, 62.03, 0.01),
});

describe.runIf(TEST_DATABASES.includes('sqlite'))('SQLite storage faults [sqlite]', () => {
  let t: TestApp;
  let tenant: Tenant;
  let auth: { authorization: string };

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    tenant = await buildTenant(t.context);
    auth = {
      authorization: `Bearer ${(await t.context.operators.createToken(tenant, { name: 'disk', role: 'admin' }, null)).token}`,
    };
  });

  afterAll(async () => {
    await t?.app.close();
    await t?.database.drop();
  });

  it('a full disk: the write is a 507 problem+json saying nothing was saved, and writes work again once there is room', async () => {
    const db = t.database.db.kysely;
    const post = (title: string) =>
      t.app.inject({ method: 'POST', url: `/api/t/${tenant.slug}/incidents`, headers: auth, payload: incident(title) });
    const pages = Number((await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]!.page_count);
    // SQLite's own limit on the file's size: the same SQLITE_FULL a full disk gives.
    await sql.raw(`pragma max_page_count = ${pages}`).execute(db);
    let answer = await post('full-0');
    const saved: string[] = [];
    for (let i = 1; answer.statusCode === 201 && i < 500; i++) {
      saved.push(answer.json().title);
      answer = await post(`full-${i}`);
    }
    expect(answer.statusCode, answer.body).toBe(507);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.json()).toMatchObject({
      code: 'storage-full',
      detail: expect.stringContaining('nothing of this request was saved'),
    });
    const failedTitle = `full-${saved.length}`;
    expect(await db.selectFrom('incidents').select('id').where('title', '=', failedTitle).execute()).toEqual([]);
    await sql.raw('pragma max_page_count = 1073741823').execute(db);
    expect((await post('after')).statusCode).toBe(201);
    expect((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db)).rows[0]!.integrity_check).toBe(
      'ok',
    );
  });
});

/** Whether this process may make a file immutable (chattr +i: root, on a file system that has the flag). */
function canMakeImmutable(): boolean {
  try {
    return process.getuid?.() === 0 && execFileSync('which', ['chattr']).length > 0;
  } catch {
    return false;
  }
}

describe.runIf(TEST_DATABASES.includes('sqlite'))('aviso serve on a shared or read-only SQLite file [sqlite]', () => {
  let database: FreshDatabase;
  let tenant: Tenant;
  let auth: { authorization: string };
  const servers: ServeProcess[] = [];

  beforeAll(async () => {
    database = await freshDatabase('sqlite');
    const context = createContext(testConfig({ databaseUrl: database.url }), database.db);
    tenant = await buildTenant(context);
    auth = {
      authorization: `Bearer ${(await context.operators.createToken(tenant, { name: 'two', role: 'admin' }, null)).token}`,
    };
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
  });

  const call = (server: ServeProcess, method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  it(
    "two processes on one file: both serve, their writes interleave, each sees the other's",
    childProcessesTimeout(2),
    async () => {
      const env = { AVISO_DATABASE_URL: database.url };
      servers.push(await startServe(env), await startServe(env));
      const [a, b] = servers as [ServeProcess, ServeProcess];
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          call(i % 2 ? a : b, 'POST', `/api/t/${tenant.slug}/incidents`, incident(`shared-${i}`)),
        ),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(40).fill(201));
      for (const server of [a, b]) {
        const { items } = (await (await call(server, 'GET', `/api/t/${tenant.slug}/incidents?limit=500`)).json()) as {
          items: Array<{ title: string }>;
        };
        expect(items.filter((i) => i.title.startsWith('shared-')).length).toBe(40);
      }
      expect(alive(a.child) && alive(b.child)).toBe(true);
      await Promise.all(servers.splice(0).map((s) => s.stop()));
    },
  );

  it.runIf(canMakeImmutable())(
    'a read-only file: the server starts and reads, a write is a 503 problem+json, the process stays up',
    async () => {
      await database.db.close();
      const file = database.url.slice('sqlite:'.length);
      execFileSync('chattr', ['+i', file]);
      try {
        const server = await startServe({ AVISO_DATABASE_URL: database.url });
        servers.push(server);
        expect((await call(server, 'GET', `/api/t/${tenant.slug}/incidents`)).status).toBe(200);
        const write = await call(server, 'POST', `/api/t/${tenant.slug}/incidents`, incident('read-only'));
        expect(write.status).toBe(503);
        expect(write.headers.get('content-type')).toContain('application/problem+json');
        expect(await write.json()).toMatchObject({ code: 'storage-read-only' });
        expect((await call(server, 'GET', `/api/t/${tenant.slug}/incidents`)).status).toBe(200);
        expect(alive(server.child)).toBe(true);
        await server.stop();
      } finally {
        execFileSync('chattr', ['-i', file]);
      }
    },
  );
});
