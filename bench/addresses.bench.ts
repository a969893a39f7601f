/**
 * Figures of the address import: import 1,000,000 generated addresses (20 tenants × 50,000) through the real
 * import code path, then search them through the real HTTP server under load, on each database.
 *
 *   npm run bench -- addresses [--databases sqlite,postgres] [--duration 10] [--connections 10]
 *                              [--towns 20] [--per-town 50000]
 *
 * The import and the server each run in a child process of their own: the import's peak RSS is then
 * the import's alone, and the server does not share an event loop with autocannon, which runs here.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon, { type Result as LoadResult } from 'autocannon';
import { generateBenchData, type BenchTown } from './generate.js';
import type { ImportInput, ImportResult } from './addresses/import.child.js';
import type { ServerInput, ServerReady, ServerTimes } from './addresses/server.child.js';
import { searchPaths } from './addresses/queries.js';
import { ask, nextMessage, startChild, stopChild } from './lib/child.js';
import { freshBenchDatabase, parseDatabases, type BenchDatabase, type BenchDatabaseKind } from './lib/databases.js';
import { formatNumber, type BenchResult, type Cell, type Check } from './lib/report.js';

export const description = 'import 1,000,000 addresses, then search them over HTTP under load (SQLite and PostgreSQL)';

const TARGETS = {
  sqliteImportRowsPerSecond: 50_000,
  /** "The same order" as SQLite's target, read as within a factor of two. */
  postgresImportRowsPerSecond: 25_000,
  peakRssMb: 500,
  serverP99Ms: 10,
  searchesPerSecond: 2_000,
};

interface Options {
  databases: BenchDatabaseKind[];
  duration: number;
  warmup: number;
  connections: number;
  towns: number;
  perTown: number;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      databases: { type: 'string', default: 'sqlite,postgres' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
      towns: { type: 'string', default: '20' },
      'per-town': { type: 'string', default: '50000' },
    },
  });
  const databases = parseDatabases(values.databases);
  return {
    databases,
    duration: Number(values.duration),
    warmup: Number(values.warmup),
    connections: Number(values.connections),
    towns: Number(values.towns),
    perTown: Number(values['per-town']),
  };
}

interface SearchFigures {
  /** Share of the distinct queries that found at least one address. */
  queriesWithHits: number;
  /** The machine's 1-minute load average when the load started: other work on the same two cores. */
  loadAverage: number;
  load: LoadResult;
  server: ServerTimes;
}

interface CaseFigures {
  kind: BenchDatabaseKind;
  imported: ImportResult;
  searched: SearchFigures;
}

async function runImport(database: BenchDatabase, towns: BenchTown[]): Promise<ImportResult> {
  const input: ImportInput = { databaseUrl: database.url, schema: database.schema, towns };
  return nextMessage<ImportResult>(
    startChild(new URL('./addresses/import.child.ts', import.meta.url), input),
    'imported',
  );
}

/** Each distinct query once, before the load: all must answer 200, and most should find something. */
async function checkQueries(base: string, paths: string[]): Promise<number> {
  let withHits = 0;
  for (const path of new Set(paths)) {
    const response = await fetch(base + path);
    if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { items: unknown[] };
    if (body.items.length > 0) withHits++;
  }
  return withHits / new Set(paths).size;
}

/** autocannon with every connection taking the next path of one shared rotation. */
function load(base: string, paths: string[], options: Options, duration: number): Promise<LoadResult> {
  let next = 0;
  return autocannon({
    url: base,
    connections: options.connections,
    duration,
    requests: [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }],
  });
}

async function runSearch(database: BenchDatabase, towns: BenchTown[], options: Options): Promise<SearchFigures> {
  const input: ServerInput = { databaseUrl: database.url, schema: database.schema, poolSize: options.connections };
  const server = startChild(new URL('./addresses/server.child.ts', import.meta.url), input);
  try {
    const { port } = await nextMessage<ServerReady>(server, 'listening');
    const base = `http://127.0.0.1:${port}`;
    const paths = searchPaths(towns);
    const queriesWithHits = await checkQueries(base, paths);
    await load(base, paths, options, options.warmup);
    await ask(server, { type: 'reset' }, 'reset-done');
    const loadAverage = loadavg()[0]!;
    const result = await load(base, paths, options, options.duration);
    const times = await ask<ServerTimes>(server, { type: 'times' }, 'times');
    if (result.errors > 0 || result.non2xx > 0)
      throw new Error(`load: ${result.errors} errors, ${result.non2xx} non-2xx responses`);
    return { queriesWithHits, loadAverage, load: result, server: times };
  } finally {
    await stopChild(server);
  }
}

async function measure(kind: BenchDatabaseKind, towns: BenchTown[], options: Options): Promise<CaseFigures> {
  const database = await freshBenchDatabase(kind, 'addresses');
  try {
    console.log(`${kind}: importing ${formatNumber(towns.length * options.perTown)} addresses…`);
    const imported = await runImport(database, towns);
    console.log(`${kind}: ${formatNumber(imported.rowsPerSecond)} rows/s; searching for ${options.duration} s…`);
    const searched = await runSearch(database, towns, options);
    return { kind, imported, searched };
  } finally {
    await database.drop();
  }
}

/** One figure per line, one database per column. */
function table(cases: CaseFigures[]): Array<Record<string, Cell>> {
  const perCase = cases.map(figures);
  return Object.keys(perCase[0] ?? {}).map((figure) => ({
    figure,
    ...Object.fromEntries(cases.map(({ kind }, i) => [kind, perCase[i]![figure]!])),
  }));
}

function figures({ imported, searched }: CaseFigures): Record<string, Cell> {
  return {
    'import rows': imported.rows,
    'import s': Number(imported.seconds.toFixed(1)),
    'import rows/s': Math.round(imported.rowsPerSecond),
    'import CPU µs/row': Number(imported.cpuMicrosPerRow.toFixed(1)),
    're-import rows/s': Math.round(imported.reimport.report.rows / imported.reimport.seconds),
    'peak RSS MB': Math.round(imported.peakRssMb),
    'searches/s': Math.round(searched.load.requests.average),
    'p50 ms': searched.load.latency.p50,
    'p99 ms': searched.load.latency.p99,
    'server p50 ms': Number(searched.server.latency.p50.toFixed(2)),
    'server p99 ms': Number(searched.server.latency.p99.toFixed(2)),
    'server CPU ms/search': Number(searched.server.cpuMsPerRequest.toFixed(3)),
    'load avg': Number(searched.loadAverage.toFixed(1)),
    'queries with hits': `${Math.round(searched.queriesWithHits * 100)} %`,
  };
}

function checks({ kind, imported, searched }: CaseFigures): Check[] {
  const importTarget = kind === 'sqlite' ? TARGETS.sqliteImportRowsPerSecond : TARGETS.postgresImportRowsPerSecond;
  const reimport = imported.reimport.report;
  return [
    {
      name: `${kind}: import rows/s`,
      target: `≥ ${formatNumber(importTarget)}`,
      actual: Math.round(imported.rowsPerSecond),
      ok: imported.rowsPerSecond >= importTarget,
    },
    {
      name: `${kind}: import peak RSS MB`,
      target: `< ${TARGETS.peakRssMb}`,
      actual: Math.round(imported.peakRssMb),
      ok: imported.peakRssMb < TARGETS.peakRssMb,
    },
    {
      name: `${kind}: re-import of an unchanged file`,
      target: '0 added, 0 updated',
      actual: `${reimport.added} added, ${reimport.updated} updated`,
      ok: reimport.added === 0 && reimport.updated === 0,
    },
    {
      name: `${kind}: searches/s`,
      target: `≥ ${formatNumber(TARGETS.searchesPerSecond)}`,
      actual: Math.round(searched.load.requests.average),
      ok: searched.load.requests.average >= TARGETS.searchesPerSecond,
    },
    {
      name: `${kind}: server-side p99 ms`,
      target: `≤ ${TARGETS.serverP99Ms}`,
      actual: Number(searched.server.latency.p99.toFixed(2)),
      ok: searched.server.latency.p99 <= TARGETS.serverP99Ms,
    },
  ];
}

export async function run(args: string[]): Promise<BenchResult> {
  const options = parseOptions(args);
  const towns = await generateBenchData({ towns: options.towns, addressesPerTown: options.perTown });
  const cases: CaseFigures[] = [];
  for (const kind of options.databases) cases.push(await measure(kind, towns, options));
  return {
    rows: table(cases),
    checks: cases.flatMap(checks),
    details: {
      options,
      cases: cases.map(({ kind, imported, searched }) => ({
        kind,
        imported,
        searched: {
          queriesWithHits: searched.queriesWithHits,
          loadAverage: searched.loadAverage,
          server: searched.server,
          load: summariseLoad(searched.load),
        },
      })),
    },
  };
}

/** autocannon's result without its per-status and per-second noise. */
function summariseLoad(result: LoadResult) {
  const { requests, latency, duration, errors, timeouts, non2xx, connections } = result;
  return { requests, latency, duration, errors, timeouts, non2xx, connections };
}
