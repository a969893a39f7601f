/**
 * Hostile incident areas: the size is refused before any geometry work, buffered lines are bounded, and
 * heavy geometry runs on a worker thread within a time budget, so the server keeps answering.
 */
import { describe, expect, it } from 'vitest';
import { parseAffectedArea } from '../../src/modules/incidents/area.js';
import { AREA_WORKERS, areaParser } from '../../src/modules/incidents/area.off-thread.js';
import { describeEachDatabase } from '../app.js';
import { buildTown, CENTER, tokenHeaders } from '../dispatch/fixtures.js';
import { square } from '../factories.js';

const limits = { maxVertices: 10_000, serviceArea: square(24.62, 62.03, 0.1) };

/** A line zig-zagging across itself: under a wide buffer every segment's buffer overlaps the others'. */
const zigzag = (positions: number) => ({
  type: 'Feature',
  geometry: {
    type: 'LineString',
    coordinates: Array.from({ length: positions }, (_, i) => [CENTER.lon + i * 0.0001, CENTER.lat + (i % 2) * 0.01]),
  },
  properties: { buffer: 5_000 },
});

/** A closed ring of `n` vertices round the town centre. */
const bigPolygon = (n: number) => {
  const round = (x: number) => Math.round(x * 1e5) / 1e5;
  const ring = Array.from({ length: n }, (_, i) => [
    round(CENTER.lon + 0.5 * Math.cos((2 * Math.PI * i) / n)),
    round(CENTER.lat + 0.5 * Math.sin((2 * Math.PI * i) / n)),
  ]);
  return { type: 'Polygon', coordinates: [[...ring, ring[0]!]] };
};

/** Which settles first: `work`, or a turn of the event loop started with it. */
async function firstToSettle(work: Promise<unknown>): Promise<'work' | 'event loop'> {
  const loop = new Promise<'event loop'>((resolve) => setImmediate(() => resolve('event loop')));
  return Promise.race([
    work.then(
      () => 'work' as const,
      () => 'work' as const,
    ),
    loop,
  ]);
}

describe('hostile areas', () => {
  it('refuses too many vertices before any geometry work, however deep the nesting', () => {
    expect(() => parseAffectedArea({ area: bigPolygon(200_000) }, limits)).toThrow(/more than 10000 vertices/);
    const deep = { type: 'MultiPolygon', coordinates: Array.from({ length: 3 }, () => bigPolygon(5_000).coordinates) };
    expect(() => parseAffectedArea({ area: deep }, limits)).toThrow(/more than 10000 vertices/);
    expect(() => parseAffectedArea({ area: { ...zigzag(20_000), properties: { buffer: 5_000 } } }, limits)).toThrow(
      /more than 10000 vertices/,
    );
  });

  it('bounds buffered lines and their distance', () => {
    expect(() => parseAffectedArea({ area: zigzag(5_000) }, limits)).toThrow(
      /buffered lines may have at most 1000 positions/,
    );
    expect(() => parseAffectedArea({ area: { ...zigzag(10), properties: { buffer: 50_000 } } }, limits)).toThrow(
      /buffer must be a number of metres between 1 and 5000/,
    );
  });

  it('works out a heavy area on a worker thread, and stops it at the time budget', async () => {
    const parser = areaParser({ ...AREA_WORKERS, taskLimits: { budgetMs: 300, maxMemoryMb: 256 } });
    const heavy = parser.parse({ area: zigzag(300) }, limits);
    expect(await firstToSettle(heavy)).toBe('event loop');
    await expect(heavy).rejects.toMatchObject({
      code: 'area-too-complex',
      status: 400,
      fields: [{ field: 'area', message: expect.stringMatching(/too complex/) }],
    });
  });

  it("hands back a worker's refusal as the same error", async () => {
    const parser = areaParser();
    await expect(
      parser.parse(
        {
          area: {
            ...zigzag(20),
            properties: { buffer: 10 },
            geometry: {
              type: 'LineString',
              coordinates: [
                [200, 0],
                [201, 0],
              ],
            },
          },
        },
        limits,
      ),
    ).rejects.toMatchObject({
      code: 'validation',
      fields: [{ field: 'area', message: expect.stringMatching(/outside WGS84/) }],
    });
    const line = await parser.parse({ area: { ...zigzag(600), properties: { buffer: 5 } } }, limits);
    expect(line.polygons).toHaveLength(1);
  });
});

describe('area worker threads', () => {
  it('runs at most 2 at once: more heavy areas wait their turn, and past the queue are refused as busy', async () => {
    const parser = areaParser({ maxWorkers: 2, maxWaiting: 3, taskLimits: { budgetMs: 20_000, maxMemoryMb: 256 } });
    const area = { area: { ...zigzag(200), properties: { buffer: 5 } } };
    let peakSeen = 0;
    const watch = setInterval(() => (peakSeen = Math.max(peakSeen, parser.stats().running)), 1);
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => parser.parse(area, limits)));
    clearInterval(watch);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused.map((o) => [o.reason.code, o.reason.status, o.reason.extra.retryAfter])).toEqual(
      Array(3).fill(['area-busy', 503, 5]),
    );
    expect(parser.stats()).toEqual({ running: 0, waiting: 0, peak: 2 });
    expect(peakSeen).toBeLessThanOrEqual(2);
  });

  it('counts the positions before a thread starts or a turn is waited for', async () => {
    const parser = areaParser({ maxWorkers: 1, maxWaiting: 0, taskLimits: AREA_WORKERS.taskLimits });
    await expect(parser.parse({ area: zigzag(5_000) }, limits)).rejects.toMatchObject({ code: 'validation' });
    expect(parser.stats().peak).toBe(0);
  });
});

describeEachDatabase('hostile areas over HTTP', (t) => {
  it('answers 400 at once for a 100,000-vertex polygon and a 20,000-position line', async () => {
    const { app, context } = t();
    const tenant = await buildTown(context);
    const headers = await tokenHeaders(context, tenant, 'operator');
    // (200,000 vertices are more than the 5 MB a request body may have.)
    for (const area of [bigPolygon(100_000), zigzag(20_000)]) {
      const answer = await app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/incidents`,
        headers,
        payload: { service: 'water', kind: 'sudden', title: 'x', area },
      });
      expect(answer.statusCode, answer.body).toBe(400);
      expect(answer.json().errors[0]).toMatchObject({
        field: 'area',
        message: expect.stringMatching(/more than 10000 vertices/),
      });
    }
  });

  it('refuses a polygon with a hole outside its shell, creating nothing', async () => {
    const { app, context } = t();
    const tenant = await buildTown(context);
    const headers = await tokenHeaders(context, tenant, 'operator');
    const ring = (lon: number, lat: number, d: number) => [
      [lon - d, lat - d],
      [lon + d, lat - d],
      [lon + d, lat + d],
      [lon - d, lat + d],
      [lon - d, lat - d],
    ];
    const area = {
      type: 'Polygon',
      coordinates: [ring(CENTER.lon, CENTER.lat, 0.002), ring(CENTER.lon + 0.01, CENTER.lat, 0.001)],
    };
    const url = `/api/t/${tenant.slug}/incidents`;
    const answer = await app.inject({
      method: 'POST',
      url,
      headers,
      payload: { service: 'water', kind: 'sudden', title: 'Reikä', area },
    });
    expect(answer.statusCode, answer.body).toBe(400);
    expect(answer.json().errors[0]).toMatchObject({ field: 'area', code: 'hole-outside' });
    expect((await app.inject({ url, headers })).json().items).toEqual([]);
  });

  it('asks who is calling before it reads the body: 401, not the field rules', async () => {
    const { app, context } = t();
    const tenant = await buildTown(context);
    for (const url of [`/api/t/${tenant.slug}/incidents`, `/api/t/${tenant.slug}/me/endpoints`]) {
      const answer = await app.inject({ method: 'POST', url, payload: { title: 42, value: [] } });
      expect(answer.statusCode, url).toBe(401);
      expect(answer.json().errors ?? []).toEqual([]);
    }
  });
});
