/**
 * Operator maps' address layer at 1,000,000 addresses of one tenant: the server-side time of the address
 * tiles (`GET /api/t/{tenant}/map/addresses/{z}/{x}/{y}`, Fastify's reply.elapsedTime, through the real
 * app with an API token) at random places of the town and zooms 10–18 — bins below 16, points from 16 —
 * without and with an incident whose addresses are marked inside (a circle of ~100,000 addresses plus a
 * street). The first tile of each case builds what the rest read (the tile index, the inside marks):
 * reported apart.
 *
 *   npm run bench -- maps [--databases sqlite,postgres] [--addresses 1000000] [--requests 3000]
 */
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import circle from '@turf/circle';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createContext } from '../src/context.js';
import { buildApp } from '../src/app.js';
import { generateTown, toAvisoCsv, townServiceArea } from '../src/demo/town.js';
import { importAddresses } from '../src/modules/addresses/address.import.js';
import { tileX, tileY } from '../src/modules/maps/address-tiles.js';
import { seededRandom } from '../src/demo/random.js';
import { benchConfig } from './lib/config.js';
import { freshBenchDatabase, parseDatabases, type BenchDatabaseKind } from './lib/databases.js';
import { formatNumber, type BenchResult, type Cell, type Check } from './lib/report.js';
import { percentiles, type Percentiles } from './lib/stats.js';

export const description =
  'address tiles of operator maps (bins and labelled points, an incident marked inside) at 1,000,000 addresses (SQLite and PostgreSQL)';

const TARGET_P95_MS = 50;
const CENTRE = [24.94, 60.17] as const;
const RADIUS_METRES = 14_000;
const ZOOMS = [10, 11, 12, 13, 14, 15, 16, 17, 18] as const;

interface Options {
  databases: BenchDatabaseKind[];
  addresses: number;
  requests: number;
}

interface CaseFigures {
  kind: BenchDatabaseKind;
  importSeconds: number;
  indexSeconds: number;
  firstTileMs: number;
  plain: Percentiles;
  firstMarkedMs: number;
  marked: Percentiles;
  meanFeatures: number;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      databases: { type: 'string', default: 'sqlite,postgres' },
      addresses: { type: 'string', default: '1000000' },
      requests: { type: 'string', default: '3000' },
    },
  });
  return {
    databases: parseDatabases(values.databases),
    addresses: Number(values.addresses),
    requests: Number(values.requests),
  };
}

async function measure(kind: BenchDatabaseKind, options: Options): Promise<CaseFigures> {
  const database = await freshBenchDatabase(kind, 'maps');
  const db = openDatabase(database.url, database.schema ? { schema: database.schema, poolSize: 4 } : {});
  try {
    await migrateToLatest(db);
    const context = createContext(benchConfig(database.url), db);
    const tenant = await context.tenants.createTenant({
      slug: 'metro',
      name: 'Metro (bench)',
      languages: ['fi', 'sv'],
      serviceArea: townServiceArea(CENTRE, RADIUS_METRES * 1.3),
    });
    const town = () =>
      generateTown({
        seed: 4242,
        centre: CENTRE,
        radiusMetres: RADIUS_METRES,
        streets: Math.ceil(options.addresses / 40),
        addresses: options.addresses,
        postalCodes: [
          ['00100', 'Helsinki'],
          ['00200', 'Helsinki'],
          ['00500', 'Helsinki'],
          ['00700', 'Helsinki'],
        ],
        municipality: 'Helsinki',
        idPrefix: 'm-',
        swedish: true,
      });
    console.log(`${kind}: importing ${formatNumber(options.addresses)} addresses…`);
    let started = performance.now();
    const report = await importAddresses(db, tenant, Readable.from(toAvisoCsv(town())), {
      format: 'aviso',
      now: Date.now(),
    });
    if (report.added !== options.addresses)
      throw new Error(`imported ${report.added} of ${options.addresses} addresses`);
    const importSeconds = (performance.now() - started) / 1000;
    // The positions requests are made at: addresses of the generated town, so that tiles hold points.
    const records = [...town()];
    const places = records.filter((_, i) => i % 97 === 0).map((a) => [a.lon, a.lat] as const);
    const street = records[0]!.street;
    records.length = 0;

    const app = await buildApp(context, { logger: false });
    const times: number[] = [];
    let features = 0;
    app.addHook('onResponse', async (request, reply) => {
      if (request.routeOptions.url === '/api/t/:tenant/map/addresses/:z/:x/:y') times.push(reply.elapsedTime);
    });
    const { token } = await context.operators.createToken(tenant, { name: 'bench', role: 'operator' }, null);
    const headers = { authorization: `Bearer ${token}` };
    started = performance.now();
    await context.dispatch.warmRegisters();
    const indexSeconds = (performance.now() - started) / 1000;
    console.log(`${kind}: register index built in ${indexSeconds.toFixed(1)} s`);

    const random = seededRandom(7);
    const request = async (z: number, lon: number, lat: number, incident?: string) => {
      const url = `/api/t/metro/map/addresses/${z}/${tileX(lon, 2 ** z)}/${tileY(lat, 2 ** z)}${incident ? `?incident=${incident}` : ''}`;
      const response = await app.inject({ url, headers });
      if (response.statusCode !== 200) throw new Error(`${url}: HTTP ${response.statusCode} ${response.body}`);
      const body = response.json() as { bins?: unknown[]; points?: unknown[] };
      features += (body.bins ?? body.points ?? []).length;
    };
    const run = async (incident?: string): Promise<{ first: number; rest: Percentiles }> => {
      times.length = 0;
      features = 0;
      await request(12, CENTRE[0], CENTRE[1], incident);
      const first = times[0]!;
      times.length = 0;
      for (let i = 0; i < options.requests; i++) {
        const [lon, lat] = places[Math.floor(random() * places.length)]!;
        await request(ZOOMS[Math.floor(random() * ZOOMS.length)]!, lon, lat, incident);
      }
      return { first, rest: percentiles(times) };
    };

    const plain = await run();
    const meanFeatures = features / (options.requests + 1);
    const area = circle([...CENTRE], 4000, { units: 'meters', steps: 64 }).geometry;
    const incident = await context.dispatch.incidents.createIncident(
      tenant,
      { service: 'water', kind: 'sudden', title: 'Bench', area, streets: [{ street }], status: 'draft' },
      { type: 'token', id: 'bench' },
    );
    const marked = await run(incident.id);
    await app.close();
    return {
      kind,
      importSeconds,
      indexSeconds,
      firstTileMs: plain.first,
      plain: plain.rest,
      firstMarkedMs: marked.first,
      marked: marked.rest,
      meanFeatures,
    };
  } finally {
    await db.close();
    await database.drop();
  }
}

export async function run(args: string[]): Promise<BenchResult> {
  const options = parseOptions(args);
  const cases: CaseFigures[] = [];
  for (const kind of options.databases) cases.push(await measure(kind, options));
  const ms = (v: number) => formatNumber(v, v < 10 ? 2 : 1);
  const rows: Array<Record<string, Cell>> = cases.map((c) => ({
    database: c.kind,
    'register index, s': c.indexSeconds.toFixed(1),
    'first tile (builds the tile index), ms': ms(c.firstTileMs),
    'tile p50 / p95 / p99, ms': `${ms(c.plain.p50)} / ${ms(c.plain.p95)} / ${ms(c.plain.p99)}`,
    'first tile with an incident (marks), ms': ms(c.firstMarkedMs),
    'with an incident p50 / p95 / p99, ms': `${ms(c.marked.p50)} / ${ms(c.marked.p95)} / ${ms(c.marked.p99)}`,
    'features per tile': formatNumber(c.meanFeatures, 1),
  }));
  const checks: Check[] = cases.flatMap((c) => [
    {
      name: `${c.kind}: tile p95, server-side`,
      target: `≤ ${TARGET_P95_MS} ms`,
      actual: `${ms(c.plain.p95)} ms`,
      ok: c.plain.p95 <= TARGET_P95_MS,
    },
    {
      name: `${c.kind}: tile with an incident p95, server-side`,
      target: `≤ ${TARGET_P95_MS} ms`,
      actual: `${ms(c.marked.p95)} ms`,
      ok: c.marked.p95 <= TARGET_P95_MS,
    },
  ]);
  return { rows, checks, details: { options, cases } };
}
