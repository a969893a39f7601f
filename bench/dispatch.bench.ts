/**
 * Figures of preview and dispatch: on 1,000,000 generated addresses and 600,000 generated residents (with duplicates,
 * minors, deactivated addresses), the preview of an area holding 200,000 addresses, and a send to it —
 * recipients resolved and persisted, then delivered to the dev inbox end to end — with the server's
 * peak memory, on each database. The server (with its dispatch workers, the embedded default) runs in
 * a child process of its own; this process only talks HTTP to it.
 *
 *   npm run bench -- dispatch [--databases sqlite,postgres] [--addresses 1000000] [--contacts 600000]
 *                             [--area 200000] [--workers 4] [--previews 5] [--keep]
 *
 * `--keep` leaves the seeded database in place and reuses it on the next run (seeding takes minutes).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ask, nextMessage, startChild, stopChild } from './lib/child.js';
import { parseDatabases, POSTGRES_URL, type BenchDatabaseKind } from './lib/databases.js';
import { formatNumber, type BenchResult, type Cell, type Check } from './lib/report.js';
import { percentiles } from './lib/stats.js';
import type { Seeded, SeedInput } from './dispatch/seed.child.js';
import type { ServerInput, ServerMemory, ServerReady } from './dispatch/server.child.js';

export const description =
  'preview and send to an area of 200,000 addresses among 1,000,000 (600,000 residents), to the dev inbox (SQLite and PostgreSQL)';

const TARGETS = { previewSeconds: 1, persistSeconds: 3, messagesPerSecond: 10_000, serverRssMb: 1024 };

interface Options {
  databases: BenchDatabaseKind[];
  addresses: number;
  contacts: number;
  area: number;
  workers: number;
  previews: number;
  keep: boolean;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      databases: { type: 'string', default: 'sqlite,postgres' },
      addresses: { type: 'string', default: '1000000' },
      contacts: { type: 'string', default: '600000' },
      area: { type: 'string', default: '200000' },
      workers: { type: 'string', default: '4' },
      previews: { type: 'string', default: '5' },
      keep: { type: 'boolean', default: false },
    },
  });
  const databases = parseDatabases(values.databases);
  return {
    databases,
    addresses: Number(values.addresses),
    contacts: Number(values.contacts),
    area: Number(values.area),
    workers: Number(values.workers),
    previews: Number(values.previews),
    keep: values.keep,
  };
}

interface Database {
  url: string;
  schema: string | undefined;
  drop(): Promise<void>;
}

async function postgresAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(statement).finally(() => client.end());
}

/** The benchmark's database, named after its size so that `--keep` reuses only a matching one. */
async function database(kind: BenchDatabaseKind, options: Options): Promise<Database> {
  const name = `dispatch_${options.addresses}_${options.contacts}`;
  if (kind === 'sqlite') {
    const dir = join(tmpdir(), 'aviso-bench', 'db');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.db`);
    const drop = async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    };
    if (!options.keep) await drop();
    return { url: `sqlite:${file}`, schema: undefined, drop };
  }
  const schema = `bench_${name}`;
  const drop = async () => {
    await postgresAdmin(`drop schema if exists ${schema} cascade`);
    await postgresAdmin(`drop schema if exists ${schema}_pgboss cascade`);
  };
  if (!options.keep) await drop();
  await postgresAdmin(`create schema if not exists ${schema}`);
  return { url: POSTGRES_URL, schema, drop };
}

interface CaseFigures {
  kind: BenchDatabaseKind;
  seeded: Seeded;
  warmSeconds: number;
  previewMs: number[];
  preview: { addresses: number; contacts: number; endpoints: Record<string, number>; excluded: Record<string, number> };
  persistSeconds: number;
  sendSeconds: number;
  recipients: number;
  delivered: number;
  serverPeakRssMb: number;
}

async function call(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function measure(kind: BenchDatabaseKind, options: Options): Promise<CaseFigures> {
  const db = await database(kind, options);
  try {
    console.log(
      `${kind}: seeding ${formatNumber(options.addresses)} addresses and ${formatNumber(options.contacts)} residents (reused with --keep)…`,
    );
    const seedInput: SeedInput = {
      databaseUrl: db.url,
      schema: db.schema,
      addresses: options.addresses,
      contacts: options.contacts,
      areaAddresses: options.area,
    };
    const seeded = await nextMessage<Seeded>(
      startChild(new URL('./dispatch/seed.child.ts', import.meta.url), seedInput),
      'seeded',
    );
    console.log(
      `${kind}: ${seeded.reused ? 'reused' : 'seeded'} in ${seeded.seconds.toFixed(0)} s; area holds ${formatNumber(seeded.addressesInArea)} addresses`,
    );
    const serverInput: ServerInput = {
      databaseUrl: db.url,
      schema: db.schema,
      slug: seeded.slug,
      workers: options.workers,
    };
    const server = startChild(new URL('./dispatch/server.child.ts', import.meta.url), serverInput);
    try {
      const { port, token, warmMs } = await nextMessage<ServerReady>(server, 'listening');
      console.log(`${kind}: register index built in ${(warmMs / 1000).toFixed(1)} s`);
      const base = `http://127.0.0.1:${port}/api/t/${seeded.slug}`;
      const incident = await call(base, token, 'POST', '/incidents', {
        service: 'water',
        kind: 'sudden',
        title: 'Bench: main pipe burst',
        area: seeded.area,
      });
      const previewMs: number[] = [];
      let preview: CaseFigures['preview'] | undefined;
      for (let i = 0; i < options.previews; i++) {
        const started = performance.now();
        preview = (await call(
          base,
          token,
          'POST',
          `/incidents/${String(incident.id)}/preview`,
          {},
        )) as unknown as CaseFigures['preview'];
        previewMs.push(performance.now() - started);
      }
      console.log(`${kind}: preview ${previewMs.map((ms) => ms.toFixed(0)).join(', ')} ms; sending…`);
      const sendStarted = performance.now();
      const message = await call(base, token, 'POST', `/incidents/${String(incident.id)}/messages`, {
        texts: { fi: 'Vesikatko {address}. Korjaamme.', sv: 'Vattenavbrott {address}. Vi reparerar.' },
      });
      const persistSeconds = (performance.now() - sendStarted) / 1000;
      let status = message;
      while (status.status !== 'sent') {
        await new Promise((resolve) => setTimeout(resolve, 250));
        status = await call(base, token, 'GET', `/messages/${String(message.id)}`);
      }
      const sendSeconds = (performance.now() - sendStarted) / 1000;
      const memory = await ask<ServerMemory>(server, { type: 'memory' }, 'memory');
      return {
        kind,
        seeded,
        warmSeconds: warmMs / 1000,
        previewMs,
        preview: preview!,
        persistSeconds,
        sendSeconds,
        recipients: Number(status.total),
        delivered: Number(status.delivered),
        serverPeakRssMb: memory.peakRssMb,
      };
    } finally {
      await stopChild(server);
    }
  } finally {
    if (!options.keep) await db.drop();
  }
}

function tableRow(c: CaseFigures): Record<string, Cell> {
  const p = percentiles(c.previewMs);
  return {
    database: c.kind,
    'addresses in area': c.preview.addresses,
    contacts: c.preview.contacts,
    recipients: c.recipients,
    'index build s': Number(c.warmSeconds.toFixed(1)),
    'preview first ms': Math.round(c.previewMs[0]!),
    'preview p50 ms': Math.round(p.p50),
    'resolve+persist s': Number(c.persistSeconds.toFixed(2)),
    'send s': Number(c.sendSeconds.toFixed(2)),
    'messages/s': Math.round(c.delivered / c.sendSeconds),
    'server peak RSS MB': Math.round(c.serverPeakRssMb),
  };
}

function checks(c: CaseFigures): Check[] {
  const worstPreview = Math.max(...c.previewMs) / 1000;
  const rate = c.delivered / c.sendSeconds;
  return [
    {
      name: `${c.kind}: addresses in the area`,
      target: `≈ ${formatNumber(c.seeded.addressesInArea)}`,
      actual: c.preview.addresses,
      ok: c.preview.addresses === c.seeded.addressesInArea,
    },
    {
      name: `${c.kind}: slowest preview s`,
      target: `≤ ${TARGETS.previewSeconds}`,
      actual: Number(worstPreview.toFixed(2)),
      ok: worstPreview <= TARGETS.previewSeconds,
    },
    {
      name: `${c.kind}: recipients resolved and persisted s`,
      target: `≤ ${TARGETS.persistSeconds}`,
      actual: Number(c.persistSeconds.toFixed(2)),
      ok: c.persistSeconds <= TARGETS.persistSeconds,
    },
    {
      name: `${c.kind}: delivered end to end, messages/s`,
      target: `≥ ${formatNumber(TARGETS.messagesPerSecond)}`,
      actual: Math.round(rate),
      ok: rate >= TARGETS.messagesPerSecond && c.delivered === c.recipients,
    },
    {
      name: `${c.kind}: server peak RSS MB`,
      target: `≤ ${TARGETS.serverRssMb}`,
      actual: Math.round(c.serverPeakRssMb),
      ok: c.serverPeakRssMb <= TARGETS.serverRssMb,
    },
  ];
}

export async function run(args: string[]): Promise<BenchResult> {
  const options = parseOptions(args);
  const cases: CaseFigures[] = [];
  for (const kind of options.databases) cases.push(await measure(kind, options));
  return {
    rows: cases.map(tableRow),
    checks: cases.flatMap(checks),
    details: {
      options,
      cases: cases.map(({ seeded, ...rest }) => ({ ...rest, seeded: { ...seeded, area: undefined } })),
    },
  };
}
