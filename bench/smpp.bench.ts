/**
 * SMS through SMPP to `aviso smsc` on loopback (window 10, no throttle): how fast the dispatcher submits
 * a send of N recipients, and how fast their receipts are written, against a bare loop of submit_sm
 * calls with the same library (smpp@0.5, the same window) in the same run. The SMSC runs in a child
 * process; the dispatcher (workers, database, provider) in this one, as `aviso worker` would.
 *
 * Each run is a pair in a fresh SMSC, warmed up first by an unmeasured loop (a new SMSC's first thousands
 * of messages run slower while its code is compiled, which made the first bare loop of a pair the slower
 * one), and the dispatcher by an unmeasured send before the first pair of each database: the bare loop
 * before and after the dispatcher, its mean the pair's baseline; the checks take the
 * median of the pairs' figures, as a shared machine's pace moves between runs by more than the difference.
 *
 *   npm run bench -- smpp [--databases sqlite,postgres] [--messages 20000] [--workers 2] [--runs 5]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import smpp, { type PDU, type Session } from 'smpp';
import { changeLogRepository } from '../src/modules/register/change-log.repository.js';
import { loadConfig } from '../src/config.js';
import { createContext, type Context } from '../src/context.js';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { newId } from '../src/lib/ids.js';
import { importAddresses } from '../src/modules/addresses/address.import.js';
import type { Tenant } from '../src/modules/tenants/tenant.types.js';
import { ask, startChild, stopChild, nextMessage } from './lib/child.js';
import { measureCpu, type CpuSplit } from './lib/cpu.js';
import { freshBenchDatabase, parseDatabases, type BenchDatabaseKind } from './lib/databases.js';
import { formatNumber, type BenchResult, type Cell, type Check } from './lib/report.js';
import type { SmscCount, SmscProgress, SmscReady } from './smpp/smsc.child.js';

export const description =
  'dispatch through SMPP to aviso smsc (window 10, no throttle) against a bare submit_sm loop of the same library';

const TARGETS = { submitsPerSecond: 5000, ratio: 0.8 };
const WINDOW = 10;
/** Messages of the unmeasured loop that warms a new SMSC up before each pair. */
const WARM_UP = 5000;
const TEXT = 'Vesikatko Koulukatu 5: vesi on poikki huomenna 9.00-12.00. Mantan Vesi';

function parseOptions(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      databases: { type: 'string', default: 'sqlite,postgres' },
      messages: { type: 'string', default: '20000' },
      workers: { type: 'string', default: '2' },
      runs: { type: 'string', default: '5' },
    },
  });
  return {
    databases: parseDatabases(values.databases),
    messages: Number(values.messages),
    workers: Number(values.workers),
    runs: Number(values.runs),
  };
}

/** Submits `count` messages over one bound session, `WINDOW` outstanding at a time; messages per second. */
async function bareLoop(port: number, count: number): Promise<number> {
  const session: Session = smpp.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    session.on('error', reject);
    session.on('connect', () => session.bind_transceiver({ system_id: 'bench', password: 'bench' }, () => resolve()));
  });
  session.on('deliver_sm', (pdu: PDU) => session.send(pdu.response()));
  const started = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    let done = 0;
    const submit = () => {
      const i = next++;
      if (i >= count) return;
      session.submit_sm(
        {
          source_addr_ton: 5,
          source_addr: 'MantanVesi',
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          destination_addr: `35840${String(i).padStart(6, '0')}1`,
          registered_delivery: 1,
          data_coding: 0,
          short_message: TEXT,
        },
        () => {
          if (++done === count) resolve();
          else submit();
        },
      );
    };
    for (let w = 0; w < WINDOW; w++) submit();
  });
  const rate = count / ((performance.now() - started) / 1000);
  await new Promise<void>((resolve) => session.unbind({}, () => (session.close(), resolve())));
  return rate;
}

/** A tenant with `count` people with a mobile each (`+35840…1`) on one address, written in bulk. */
export async function seed(context: Context, count: number): Promise<Tenant> {
  const db = context.db.kysely;
  const now = context.clock.now();
  const area = {
    type: 'Polygon' as const,
    coordinates: [
      [
        [24.5, 62.0],
        [24.7, 62.0],
        [24.7, 62.1],
        [24.5, 62.1],
        [24.5, 62.0],
      ],
    ],
  };
  const tenant = await context.tenants.createTenant({
    slug: `bench${Date.now()}`,
    name: 'Mäntän Vesi',
    serviceArea: area,
    languages: ['fi'],
    smsSender: 'MantanVesi',
  });
  const csv =
    'id,street,street_sv,number,postal_code,postal_town,municipality,property_id,building_id,lat,lon\na1,Koulukatu,,5,35800,Mänttä,,,,62.05,24.6\n';
  await importAddresses(context.db, tenant, Readable.from([csv]), { format: 'aviso', now });
  const { id: addressId } = await db
    .selectFrom('addresses')
    .select('id')
    .where('tenant_id', '=', tenant.id)
    .executeTakeFirstOrThrow();
  const perStatement = 500;
  for (let i = 0; i < count; i += perStatement) {
    const ids = Array.from({ length: Math.min(perStatement, count - i) }, () => newId());
    await db
      .insertInto('contacts')
      .values(
        ids.map((id) => ({
          id,
          tenant_id: tenant.id,
          kind: 'person' as const,
          source: 'self' as const,
          language: 'fi',
          name_hidden: 0 as const,
          priority: 0 as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    await db
      .insertInto('contact_endpoints')
      .values(
        ids.map((id, j) => ({
          id: newId(),
          tenant_id: tenant.id,
          contact_id: id,
          type: 'mobile' as const,
          value: `+35840${String(i + j).padStart(6, '0')}1`,
          source: 'self' as const,
          verified: 1 as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    await db
      .insertInto('contact_addresses')
      .values(
        ids.map((id) => ({
          id: newId(),
          tenant_id: tenant.id,
          contact_id: id,
          address_id: addressId,
          role: 'main' as const,
          source: 'self' as const,
          active: 1 as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
  await changeLogRepository(db).record(tenant.id, null, now);
  return tenant;
}

/** Polls every `ms`: often enough for the figures, rarely enough not to compete with the dispatcher. */
async function waitFor(probe: () => Promise<boolean>, ms: number): Promise<void> {
  while (!(await probe())) await new Promise((resolve) => setTimeout(resolve, ms));
}

/** The dispatcher end to end: seconds until every recipient was submitted, and until every receipt was written. */
async function dispatchRun(
  kind: BenchDatabaseKind,
  smsc: { port: number; taken: () => Promise<number> },
  count: number,
  workers: number,
  processes: Record<string, number>,
) {
  const { port } = smsc;
  const database = await freshBenchDatabase(kind, 'smpp');
  const url = database.schema ? `${database.url}?schema=${database.schema}` : database.url;
  const config = loadConfig(
    {
      AVISO_DATABASE_URL: url,
      AVISO_SECRET: 'bench-secret-bench-secret-bench-secret-01',
      AVISO_LOG_LEVEL: 'silent',
      AVISO_SMS: `smpp://bench:bench@127.0.0.1:${port}?tps=0&window=${WINDOW}&binds=1`,
    },
    '/nonexistent',
  );
  const db = openDatabase(config.databaseUrl);
  await migrateToLatest(db);
  const context = createContext(config, db);
  try {
    const tenant = await seed(context, count);
    const incident = await context.dispatch.incidents.createIncident(
      tenant,
      { service: 'water', kind: 'sudden', title: 'Putkirikko', area: tenant.serviceArea },
      { type: 'token', id: 'bench' },
    );
    const message = await context.dispatch.messages.createMessage(
      tenant,
      incident.id,
      { texts: { fi: TEXT } },
      { type: 'token', id: 'bench' },
    );
    if (message.total !== count) throw new Error(`expected ${count} recipients, froze ${message.total}`);
    const counts = () => context.dispatch.messages.getMessage(tenant, message.id);
    const alreadyTaken = await smsc.taken();
    const inStatus = async (status: 'delivered') =>
      Number(
        (
          await db.kysely
            .selectFrom('deliveries')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('message_id', '=', message.id)
            .where('status', '=', status)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const started = performance.now();
    // How late this thread's loop turns: an SMSC's answer waits in the socket that long before the
    // window is refilled, against a round trip of well under a millisecond on loopback.
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const cpuMeter = measureCpu(processes);
    await context.dispatch.runtime.startWorkers({ concurrency: workers });
    // Submitted when the SMSC has taken every message (asked of it, not of the database under test).
    await waitFor(async () => (await smsc.taken()) - alreadyTaken >= count, 20);
    const submitted = (performance.now() - started) / 1000;
    loopDelay.disable();
    // The histogram holds the timer's whole interval: its 1 ms resolution is taken off.
    const late = (p: number) => Math.max(0, loopDelay.percentile(p) / 1e6 - 1);
    const delay = { p50: late(50), p90: late(90), p99: late(99) };
    await waitFor(async () => (await inStatus('delivered')) === count, 50);
    const delivered = (performance.now() - started) / 1000;
    const cpu = cpuMeter.end(count);
    return { submitted, delivered, cpu, delay, final: await counts() };
  } finally {
    await context.dispatch.runtime.stop();
    await db.close();
    await database.drop();
  }
}

/** CPU milliseconds per 1,000 messages of this process, the SMSC's, and the whole machine's (the database's too). */
const cpuCell = (split: CpuSplit): string =>
  [split.perThousand.aviso, split.perThousand.smsc, split.perThousand.machine]
    .map((v) => (v === undefined ? '–' : Math.round(v * 1000)))
    .join(', ');

/**
 * One pair in a fresh SMSC: the bare loop, the dispatcher, the bare loop again, each over `messages`.
 * `warmDispatcher` (the first pair of a database) first sends `WARM_UP` messages through the dispatcher
 * unmeasured, as the bare loop's own client is warmed up by the SMSC's warm-up: otherwise the first pair
 * would compare a compiled bare loop with a dispatcher whose code has not been compiled yet.
 */
async function measurePair(kind: BenchDatabaseKind, options: ReturnType<typeof parseOptions>, warmDispatcher: boolean) {
  const child = startChild(new URL('./smpp/smsc.child.ts', import.meta.url), { receiptDelayMs: 5 });
  try {
    const { port } = await nextMessage<SmscReady>(child, 'ready');
    const processes = { aviso: process.pid, smsc: child.pid! };
    // A fresh SMSC's code is not compiled yet: the first messages it takes run several times slower.
    await bareLoop(port, WARM_UP);
    const taken = async () => (await ask<SmscProgress>(child, { type: 'progress' }, 'progress')).messages;
    if (warmDispatcher) await dispatchRun(kind, { port, taken }, WARM_UP, options.workers, processes);
    const bareCpuMeter = measureCpu(processes);
    const bare = await bareLoop(port, options.messages);
    const bareCpu = bareCpuMeter.end(options.messages);
    const before = (await ask<SmscCount>(child, { type: 'count' }, 'count')).messages;
    const dispatched = await dispatchRun(kind, { port, taken }, options.messages, options.workers, processes);
    const took = (await ask<SmscCount>(child, { type: 'count' }, 'count')).messages - before;
    // The bare loop again after: the baseline of the pair brackets the dispatcher's run.
    const bareAfter = await bareLoop(port, options.messages);
    return { bare: (bare + bareAfter) / 2, bareBefore: bare, bareAfter, bareCpu, ...dispatched, taken: took };
  } finally {
    await stopChild(child);
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export async function run(args: string[]): Promise<BenchResult> {
  const options = parseOptions(args);
  const rows: Array<Record<string, Cell>> = [];
  const checks: Check[] = [];
  const details: Record<string, unknown> = {};
  for (const kind of options.databases) {
    const pairs = [];
    for (let n = 1; n <= options.runs; n++) {
      const pair = await measurePair(kind, options, n === 1);
      pairs.push(pair);
      const submitRate = options.messages / pair.submitted;
      rows.push({
        database: kind,
        run: n,
        messages: options.messages,
        'bare submit_sm/s (before, after)': `${Math.round(pair.bare)} (${Math.round(pair.bareBefore)}, ${Math.round(pair.bareAfter)})`,
        'dispatch submits/s': Math.round(submitRate),
        ratio: Number((submitRate / pair.bare).toFixed(2)),
        'all submitted s': Number(pair.submitted.toFixed(2)),
        'all delivered s': Number(pair.delivered.toFixed(2)),
        'receipts/s': Math.round(options.messages / pair.delivered),
        'CPU ms/1k bare: aviso, smsc, all': cpuCell(pair.bareCpu),
        'dispatch: aviso, smsc, all': cpuCell(pair.cpu),
        'cores busy bare/dispatch': `${pair.bareCpu.machineCores?.toFixed(2) ?? '–'} / ${pair.cpu.machineCores?.toFixed(2) ?? '–'}`,
        'dispatch: loop late ms p50/p90/p99': [pair.delay.p50, pair.delay.p90, pair.delay.p99]
          .map((v) => v.toFixed(1))
          .join(' / '),
      });
    }
    // Pairs, not runs of one kind, are compared: the machine's pace drifts between them.
    const submitRate = median(pairs.map((p) => options.messages / p.submitted));
    const ratio = median(pairs.map((p) => options.messages / p.submitted / p.bare));
    const lag = Math.max(...pairs.map((p) => p.delivered - p.submitted));
    const taken = pairs.map((p) => p.taken);
    details[kind] = pairs;
    const of = options.runs > 1 ? ` (median of ${options.runs} runs)` : '';
    checks.push(
      {
        name: `${kind}: dispatch submits/s${of}`,
        target: `≥ ${formatNumber(TARGETS.submitsPerSecond)}`,
        actual: Math.round(submitRate),
        ok: submitRate >= TARGETS.submitsPerSecond,
      },
      {
        name: `${kind}: dispatch / bare submit_sm loop${of}`,
        target: `≥ ${TARGETS.ratio}`,
        actual: Number(ratio.toFixed(2)),
        ok: ratio >= TARGETS.ratio,
      },
      // Receipts keep up when the last one is written no later than the last submit plus the SMSC's
      // own receipt delay and a write batch or two: they never pile up behind the submits.
      {
        name: `${kind}: receipts written as fast as submits (every run)`,
        target: 'last receipt ≤ last submit + 0.25 s',
        actual: `+${lag.toFixed(2)} s`,
        ok: lag <= 0.25,
      },
      {
        name: `${kind}: messages the SMSC took from the dispatcher (every run)`,
        target: `= ${formatNumber(options.messages)}`,
        actual: taken.join(', '),
        ok: taken.every((t) => t === options.messages),
      },
    );
  }
  return { rows, checks, details };
}
