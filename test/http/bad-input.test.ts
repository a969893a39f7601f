/**
 * Bad input is the client's error, never a 5xx, and always problem+json: empty and broken GeoJSON areas,
 * broken multipart uploads (which also leave no temporary files behind), and what the HTTP framework
 * itself refuses (a long id, bad %-encoding, bad JSON, a body over the limit, headers over the limit).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { buildApp } from '../../src/app.js';
import { createContext } from '../../src/context.js';
import { describeEachDatabase, testConfig } from '../app.js';
import { buildTenant } from '../factories.js';

/** Writes `request` to the server over a raw socket (then ends its side, or leaves it open) and reads all it answers until it closes. */
function exchange(address: string, request: string, end: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(address).port), '127.0.0.1', () =>
      end ? socket.end(request) : socket.write(request),
    );
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

// This file's uploads go to a temporary directory of its own (os.tmpdir() reads TMPDIR on every call; each
// test file runs in its own process): other files' imports keep their files in the shared one while they run.
const sharedTmp = tmpdir();
const ownTmp = mkdtempSync(`${sharedTmp}/aviso-bad-input-`);
process.env.TMPDIR = ownTmp;
afterAll(() => {
  process.env.TMPDIR = sharedTmp;
  rmSync(ownTmp, { recursive: true, force: true });
});

const uploadDirs = () =>
  readdirSync(ownTmp)
    .filter((name) => name.startsWith('aviso-register-'))
    .sort();
/** Upload folders there now that were not there `before`. */
const leftSince = (before: string[]) => uploadDirs().filter((name) => !before.includes(name));

describeEachDatabase('bad input', (t) => {
  let tenant: Tenant;
  let auth: { authorization: string };

  beforeAll(async () => {
    tenant = await buildTenant(t().context);
    auth = {
      authorization: `Bearer ${(await t().context.operators.createToken(tenant, { name: 'fuzz', role: 'admin' }, null)).token}`,
    };
  });

  const expectProblem = (
    response: { statusCode: number; headers: Record<string, unknown>; body: string },
    status: number,
  ) => {
    expect(response.statusCode, response.body).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    return JSON.parse(response.body) as { status: number; code: string; errors?: Array<{ field: string }> };
  };

  it('an empty or ring-less polygon in POST and PATCH /incidents is a 400 naming the area', async () => {
    const url = `/api/t/${tenant.slug}/incidents`;
    const incident = { service: 'water', kind: 'planned', title: 'Pipe work' };
    for (const area of [
      { type: 'Polygon', coordinates: [] },
      { type: 'Polygon', coordinates: [[]] },
      { type: 'MultiPolygon', coordinates: [] },
      { type: 'MultiPolygon', coordinates: [[]] },
      {
        type: 'FeatureCollection',
        features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [] }, properties: {} }],
      },
    ]) {
      const problem = expectProblem(
        await t().app.inject({ method: 'POST', url, headers: auth, payload: { ...incident, area } }),
        400,
      );
      expect(problem.errors?.[0]?.field).toMatch(/^area/);
    }
    const created = await t().app.inject({
      method: 'POST',
      url,
      headers: auth,
      payload: { ...incident, postalCodes: ['35800'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const patch = await t().app.inject({
      method: 'PATCH',
      url: `${url}/${created.json().id}`,
      headers: auth,
      payload: { area: { type: 'Polygon', coordinates: [] } },
    });
    expect(expectProblem(patch, 400).errors?.[0]?.field).toBe('area');
  });

  it('a NUL character anywhere in the input is a 400 naming the field (PostgreSQL refuses it in text)', async () => {
    const title = await t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/incidents`,
      headers: auth,
      payload: { service: 'water', kind: 'planned', title: 'a\u0000b', postalCodes: ['35800'] },
    });
    expect(expectProblem(title, 400).errors?.[0]?.field).toBe('title');
    expect(
      expectProblem(await t().app.inject({ url: `/api/t/${tenant.slug}/incidents/%00`, headers: auth }), 400)
        .errors?.[0]?.field,
    ).toBe('id');
  });

  it('an area of more positions than the tenant allows is refused before its geometry is checked (that takes quadratic time)', async () => {
    const n = 100_000;
    const ring = Array.from({ length: n }, (_, i) => [
      24.62 + 0.01 * Math.cos((2 * Math.PI * i) / n),
      62.03 + 0.01 * Math.sin((2 * Math.PI * i) / n),
    ]);
    const started = performance.now();
    const answer = await t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/incidents`,
      headers: auth,
      payload: {
        service: 'water',
        kind: 'planned',
        title: 'Big',
        area: { type: 'Polygon', coordinates: [[...ring, ring[0]]] },
      },
    });
    expect(expectProblem(answer, 400).errors?.[0]?.field).toBe('area');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('a multipart upload without a boundary, or cut before its end, is a 4xx and leaves no temporary folder', async () => {
    const before = uploadDirs();
    const url = `/api/t/${tenant.slug}/register/imports`;
    const noBoundary = await t().app.inject({
      method: 'POST',
      url,
      headers: { ...auth, 'content-type': 'multipart/form-data' },
      payload: 'whatever',
    });
    expect(noBoundary.statusCode).toBeGreaterThanOrEqual(400);
    expect(noBoundary.statusCode).toBeLessThan(500);
    expect(noBoundary.headers['content-type']).toContain('application/problem+json');
    const boundary = 'cut-here';
    const unterminated = await t().app.inject({
      method: 'POST',
      url,
      headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\nContent-Type: text/csv\r\n\r\nperson_id,first_name\r\n1,Matti`,
    });
    expectProblem(unterminated, 400);
    expect(leftSince(before)).toEqual([]);
  });

  it('an upload that stops arriving, the connection left open: a 408 problem+json, the connection closed, no temporary folder left', async () => {
    const before = uploadDirs();
    const context = createContext(testConfig({ databaseUrl: t().database.url }), t().database.db);
    const app = await buildApp(context, { logger: false, uploadIdleMs: 300 });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const boundary = 'stalled';
      const start = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\nContent-Type: text/csv\r\n\r\nperson_id,first_name\r\n`;
      const answer = await exchange(
        address,
        `POST /api/t/${tenant.slug}/register/imports HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth.authorization}\r\n` +
          `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 100000\r\n\r\n${start}`,
        false,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(answer.toLowerCase()).toContain('content-type: application/problem+json');
      expect(answer).toContain('"code":"upload-stalled"');
      expect(leftSince(before)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('what the framework refuses is problem+json too: a long id, bad %-encoding, bad JSON, a body over the limit', async () => {
    const long = await t().app.inject({ url: `/api/t/${tenant.slug}/incidents/${'x'.repeat(150)}`, headers: auth });
    expect(long.statusCode).toBeGreaterThanOrEqual(400);
    expect(long.statusCode).toBeLessThan(500);
    expect(long.headers['content-type']).toContain('application/problem+json');
    expectProblem(await t().app.inject({ url: `/api/t/%E0%A4%A/addresses` }), 400);
    const json = { ...auth, 'content-type': 'application/json' };
    expectProblem(
      await t().app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/incidents`,
        headers: json,
        payload: '{"title":',
      }),
      400,
    );
    expectProblem(
      await t().app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/incidents`,
        headers: json,
        payload: `{"title":"${'x'.repeat(6 * 1024 * 1024)}"}`,
      }),
      413,
    );
    expectProblem(
      await t().app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/incidents`,
        headers: { ...auth, 'content-type': 'text/xml' },
        payload: '<a/>',
      }),
      415,
    );
  });

  it('over the socket: headers over the limit (431) and a malformed request (400) are problem+json', async () => {
    const { app } = t();
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = new URL(address);
      const big = await new Promise<{ status: number; type: string }>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, path: '/healthz', headers: { 'x-big': 'y'.repeat(20_000) } },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']) });
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(big).toEqual({ status: 431, type: expect.stringContaining('application/problem+json') });
      const raw = await exchange(address, 'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n', true);
      expect(raw).toMatch(/^HTTP\/1\.1 400/);
      expect(raw.toLowerCase()).toContain('content-type: application/problem+json');
    } finally {
      app.server.close();
    }
  });
});
