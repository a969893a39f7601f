/**
 * Pipe networks at utility scale: a generated water grid (188 × 188 junctions 100 m apart, each line
 * between two laid as 3 pipes, 5 % of the lines left out) of ~200,000 pipe segments and ~60,000 valves
 * (one at the middle of 90 % of the lines) with 15 addresses along each line, ~1,000,000. Measures the import with topology and connections (time,
 * peak RSS of the importing process, a child like the CLI), then server-side (Fastify's reply.elapsedTime, the real app
 * with an API token): the isolation trace from random breaks, the re-trace with the first valve to close
 * marked failed, and the preview of an incident whose area is such a trace (trace + recipients).
 *
 *   npm run bench -- network [--databases sqlite,postgres] [--side 188] [--per-pipe 15] [--requests 300]
 */
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.js';
import { createContext } from '../src/context.js';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { generatePipeGrid, gridHouses, type PipeGridOptions } from '../src/demo/pipe-grid.js';
import { seededRandom } from '../src/demo/random.js';
import { townServiceArea } from '../src/demo/town.js';
import { toAvisoCsv } from '../src/demo/town.js';
import { importAddresses } from '../src/modules/addresses/address.import.js';
import { benchConfig } from './lib/config.js';
import { freshBenchDatabase, parseDatabases, type BenchDatabaseKind } from './lib/databases.js';
import { formatNumber, type BenchResult, type Cell, type Check } from './lib/report.js';
import { nextMessage, startChild } from './lib/child.js';
import type { NetworkImported, NetworkImportInput } from './network/import.child.js';
import { percentiles, type Percentiles } from './lib/stats.js';

export const description =
  'pipe network import (topology, connections) and isolation trace at 200,000 pipes, 60,000 valves, 1,000,000 addresses (SQLite and PostgreSQL)';

const TARGET_IMPORT_SECONDS = 30;
const TARGET_IMPORT_MB = 1024;
const TARGET_P95_MS = 200;
const CENTRE = [24.94, 60.3] as const;

interface Options {
  databases: BenchDatabaseKind[];
  side: number;
  perPipe: number;
  requests: number;
}

interface CaseFigures {
  kind: BenchDatabaseKind;
  pipes: number;
  valves: number;
  addresses: number;
  connected: number;
  importSeconds: number;
  importPeakMb: number;
  trace: Percentiles;
  retrace: Percentiles;
  preview: Percentiles;
  meanAddresses: number;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      databases: { type: 'string', default: 'sqlite,postgres' },
      side: { type: 'string', default: '188' },
      'per-pipe': { type: 'string', default: '15' },
      requests: { type: 'string', default: '300' },
    },
  });
  return {
    databases: parseDatabases(values.databases),
    side: Number(values.side),
    perPipe: Number(values['per-pipe']),
    requests: Number(values.requests),
  };
}

function gridOptions(side: number): PipeGridOptions {
  return {
    seed: 2323,
    centre: CENTRE,
    nodesPerSide: side,
    spacingMetres: 100,
    piecesPerBlock: 3,
    dropShare: 0.05,
    valveShare: 0.9,
    closedShare: 0.02,
    inoperableShare: 0.05,
    sources: 8,
  };
}

/** The network as a GeoJSON file (the import streams it from disk, as the CLI does). */
async function writeNetworkFile(path: string, options: PipeGridOptions): Promise<{ pipes: number; valves: number }> {
  const out = createWriteStream(path);
  let [pipes, valves, first] = [0, 0, true];
  out.write('{"type":"FeatureCollection","features":[\n');
  for (const feature of generatePipeGrid(options)) {
    const type = (feature as { geometry: { type: string } }).geometry.type;
    if (type === 'LineString') pipes++;
    else if ((feature as { properties: { kind?: string } }).properties.kind !== 'source') valves++;
    if (!out.write((first ? '' : ',\n') + JSON.stringify(feature))) await once(out, 'drain');
    first = false;
  }
  out.end(']}\n');
  await once(out, 'finish');
  return { pipes, valves };
}

async function measure(kind: BenchDatabaseKind, options: Options): Promise<CaseFigures> {
  const grid = gridOptions(options.side);
  const database = await freshBenchDatabase(kind, 'network');
  const db = openDatabase(database.url, database.schema ? { schema: database.schema, poolSize: 4 } : {});
  const dir = join(tmpdir(), 'aviso-bench', 'network');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'network.geojson');
  try {
    await migrateToLatest(db);
    const context = createContext(benchConfig(database.url), db);
    const radius = (options.side * grid.spacingMetres) / 2;
    const tenant = await context.tenants.createTenant({
      slug: 'grid',
      name: 'Grid (bench)',
      languages: ['fi'],
      serviceArea: townServiceArea(CENTRE, radius * 1.6),
    });
    console.log(`${kind}: importing the addresses…`);
    const report = await importAddresses(db, tenant, Readable.from(toAvisoCsv(gridHouses(grid, options.perPipe))), {
      format: 'aviso',
      now: Date.now(),
    });
    const { pipes, valves } = await writeNetworkFile(file, grid);
    console.log(
      `${kind}: ${formatNumber(report.added)} addresses; importing ${formatNumber(pipes)} pipes and ${formatNumber(valves)} valves…`,
    );
    const imported = await nextMessage<NetworkImported>(
      startChild(new URL('./network/import.child.ts', import.meta.url), {
        databaseUrl: database.url,
        schema: database.schema,
        slug: tenant.slug,
        file,
      } satisfies NetworkImportInput),
      'imported',
    );
    const { seconds: importSeconds, peakRssMb: peakMb, summary } = imported;
    console.log(
      `${kind}: imported in ${importSeconds.toFixed(1)} s, peak RSS ${peakMb.toFixed(0)} MB (${imported.startRssMb.toFixed(0)} MB before); ${summary.topology.components} connected piece(s)`,
    );

    const app = await buildApp(context, { logger: false });
    const times = new Map<string, number[]>();
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? '';
      if (!times.has(route)) times.set(route, []);
      times.get(route)!.push(reply.elapsedTime);
    });
    const { token } = await context.operators.createToken(tenant, { name: 'bench', role: 'operator' }, null);
    const headers = { authorization: `Bearer ${token}` };
    await context.dispatch.warmRegisters();
    const post = async (url: string, payload: object) => {
      const response = await app.inject({ method: 'POST', url, headers, payload });
      if (response.statusCode >= 300) throw new Error(`${url}: HTTP ${response.statusCode} ${response.body}`);
      return response.json();
    };
    const random = seededRandom(11);
    const houses = [...gridHouses(grid, 1)].map((h) => [h.lon, h.lat] as [number, number]);
    // The first trace loads the network into memory: not counted.
    await post('/api/t/grid/network/water/trace', { at: houses[0] });
    times.clear();
    let addressTotal = 0;
    const retraceTimes: number[] = [];
    const previewTimes: number[] = [];
    for (let i = 0; i < options.requests; i++) {
      const at = houses[Math.floor(random() * houses.length)]!;
      const traced = (await post('/api/t/grid/network/water/trace', { at })) as {
        valvesToClose: Array<{ id: string }>;
        addresses: { count: number };
      };
      addressTotal += traced.addresses.count;
      const failed = traced.valvesToClose[0]?.id;
      const before = times.get('/api/t/:tenant/network/:service/trace')!.length;
      await post('/api/t/grid/network/water/trace', { at, failedValves: failed ? [failed] : [] });
      retraceTimes.push(times.get('/api/t/:tenant/network/:service/trace')!.splice(before, 1)[0]!);
      if (i % 3 === 0) {
        const incident = (await post('/api/t/grid/incidents', {
          service: 'water',
          kind: 'sudden',
          title: 'Bench',
          status: 'draft',
          network: { service: 'water', at, failedValves: [] },
        })) as { id: string };
        await post(`/api/t/grid/incidents/${incident.id}/preview`, {});
        previewTimes.push(times.get('/api/t/:tenant/incidents/:id/preview')!.pop()!);
      }
    }
    await app.close();
    const connected = summary.connections.explicit + summary.connections.inferred;
    return {
      kind,
      pipes,
      valves,
      addresses: report.added,
      connected,
      importSeconds,
      importPeakMb: peakMb,
      trace: percentiles(times.get('/api/t/:tenant/network/:service/trace')!),
      retrace: percentiles(retraceTimes),
      preview: percentiles(previewTimes),
      meanAddresses: addressTotal / options.requests,
    };
  } finally {
    rmSync(file, { force: true });
    await db.close();
    await database.drop();
  }
}

export async function run(args: string[]): Promise<BenchResult> {
  const options = parseOptions(args);
  const cases: CaseFigures[] = [];
  for (const kind of options.databases) cases.push(await measure(kind, options));
  const ms = (v: number) => formatNumber(v, v < 10 ? 2 : 1);
  const p = (v: Percentiles) => `${ms(v.p50)} / ${ms(v.p95)} / ${ms(v.p99)}`;
  const rows: Array<Record<string, Cell>> = cases.map((c) => ({
    database: c.kind,
    'pipes / valves / addresses (connected)': `${formatNumber(c.pipes)} / ${formatNumber(c.valves)} / ${formatNumber(c.addresses)} (${formatNumber(c.connected)})`,
    'import, s': c.importSeconds.toFixed(1),
    'import peak RSS, MB': formatNumber(c.importPeakMb),
    'trace p50 / p95 / p99, ms': p(c.trace),
    're-trace (failed valve), ms': p(c.retrace),
    'incident preview, ms': p(c.preview),
    'addresses per trace': formatNumber(c.meanAddresses, 1),
  }));
  const checks: Check[] = cases.flatMap((c) => [
    {
      name: `${c.kind}: import with topology`,
      target: `≤ ${TARGET_IMPORT_SECONDS} s`,
      actual: `${c.importSeconds.toFixed(1)} s`,
      ok: c.importSeconds <= TARGET_IMPORT_SECONDS,
    },
    {
      name: `${c.kind}: import peak RSS (its own process)`,
      target: `< ${TARGET_IMPORT_MB} MB`,
      actual: `${formatNumber(c.importPeakMb)} MB`,
      ok: c.importPeakMb < TARGET_IMPORT_MB,
    },
    {
      name: `${c.kind}: trace p95, server-side`,
      target: `≤ ${TARGET_P95_MS} ms`,
      actual: `${ms(c.trace.p95)} ms`,
      ok: c.trace.p95 <= TARGET_P95_MS,
    },
    {
      name: `${c.kind}: re-trace after a failed valve p95`,
      target: `≤ ${TARGET_P95_MS} ms`,
      actual: `${ms(c.retrace.p95)} ms`,
      ok: c.retrace.p95 <= TARGET_P95_MS,
    },
    {
      name: `${c.kind}: incident preview (trace + recipients) p95`,
      target: `≤ ${TARGET_P95_MS} ms`,
      actual: `${ms(c.preview.p95)} ms`,
      ok: c.preview.p95 <= TARGET_P95_MS,
    },
  ]);
  return { rows, checks, details: { options, cases } };
}
