/**
 * kill -9 mid-send, again and again, of each part in turn: `aviso worker`, `aviso serve` (its in-process
 * workers) and the SMSC. Each round freezes a send of N SMS through SMPP to `aviso smsc`'s simulator (in
 * a child process that writes every number it takes to a file as it takes it, so its count outlives a
 * kill), SIGKILLs the target once a part has gone out, and starts it again: a worker or server with the
 * killed one's id takes its batches back at start; a restarted SMSC on the same port is bound again by
 * the worker that kept running. Counted: numbers that got two messages (doubled); deliveries in doubt
 * (handed over by a killed sender without a recorded answer: failed, not sent again); deliveries that
 * reached no SMSC without being in doubt (lost). Recovery: from the kill until the send is finished.
 *
 *   npm run bench -- kill [--databases sqlite,postgres] [--targets worker,serve,smsc] [--kills 10] [--messages 2000] [--tps 2000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { IN_DOUBT_ERROR } from '../src/modules/dispatch/retry-policy.js';
import { nextMessage, startChild, stopChild } from './lib/child.js';
import { nodeEntry } from './lib/compiled.js';
import { freshBenchDatabase, parseDatabases, type BenchDatabaseKind } from './lib/databases.js';
import type { BenchResult, Cell, Check } from './lib/report.js';
import { seed } from './smpp.bench.js';
import type { SmscReady } from './smpp/smsc.child.js';

export const description =
  'kill -9 of aviso worker, aviso serve and the SMSC mid-send through SMPP, N times each: numbers sent twice, deliveries in doubt, lost, time to recover';

/** The default lease: the restarted worker has the killed one's id and takes its batches back without waiting for it. */
const LEASE_SECONDS = 60;

const TARGETS = ['worker', 'serve', 'smsc'] as const;
type Target = (typeof TARGETS)[number];

function parseOptions(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      databases: { type: 'string', default: 'sqlite,postgres' },
      targets: { type: 'string', default: TARGETS.join(',') },
      kills: { type: 'string', default: '10' },
      messages: { type: 'string', default: '2000' },
      tps: { type: 'string', default: '2000' },
    },
  });
  const targets = values.targets.split(',').map((t) => {
    if (!(TARGETS as readonly string[]).includes(t))
      throw new Error(`--targets: ${t} is none of ${TARGETS.join(', ')}`);
    return t as Target;
  });
  return {
    databases: parseDatabases(values.databases),
    targets,
    kills: Number(values.kills),
    messages: Number(values.messages),
    tps: Number(values.tps),
  };
}

/** What the SMSCs of a round took: every number once per message, from their log file. */
function taken(logFile: string): { messages: number; doubled: number; numbers: Set<string> } {
  const lines = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : [];
  const seen = new Map<string, number>();
  for (const to of lines) seen.set(to, (seen.get(to) ?? 0) + 1);
  return {
    messages: lines.length,
    doubled: [...seen.values()].filter((n) => n > 1).length,
    numbers: new Set([...seen.keys()].map((to) => (to.startsWith('+') ? to : `+${to}`))),
  };
}

async function startSmscChild(logFile: string, port?: number): Promise<{ child: ChildProcess; port: number }> {
  const child = startChild(new URL('./smpp/smsc.child.ts', import.meta.url), {
    receiptDelayMs: 5,
    logFile,
    ...(port ? { port } : {}),
  });
  return { child, port: (await nextMessage<SmscReady>(child, 'ready')).port };
}

async function killNow(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function until(probe: () => Promise<boolean>, limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('the send did not get there within two minutes');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Aviso's CLI: dist/src/main.js when the benchmarks run compiled, else src/main.ts under tsx. */
const AVISO_MAIN = nodeEntry(new URL('../src/main.ts', import.meta.url));

/** A process that sends: `aviso worker` with an id, or `aviso serve` (any free port) whose workers have one. */
function startSender(kind: 'worker' | 'serve', env: Record<string, string>): ChildProcess {
  const args =
    kind === 'worker'
      ? ['worker', '--concurrency', '2', '--lease-seconds', String(LEASE_SECONDS), '--id', 'bench-worker']
      : ['serve'];
  const extra = kind === 'serve' ? { AVISO_PORT: '0', AVISO_WORKERS: '2', AVISO_WORKER_ID: 'bench-serve' } : {};
  return spawn(process.execPath, [...AVISO_MAIN.execArgv, AVISO_MAIN.entry, ...args], {
    env: { ...process.env, ...env, ...extra },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function round(kind: BenchDatabaseKind, target: Target, messages: number, tps: number, n: number) {
  const database = await freshBenchDatabase(kind, `kill${n}`);
  const url = database.schema ? `${database.url}?schema=${database.schema}` : database.url;
  const logFile = join(tmpdir(), `aviso-kill-${process.pid}-${kind}-${target}-${n}.log`);
  rmSync(logFile, { force: true });
  const smscs = [await startSmscChild(logFile)];
  const port = smscs[0]!.port;
  const env = {
    AVISO_DATABASE_URL: url,
    AVISO_SECRET: 'bench-secret-bench-secret-bench-secret-01',
    AVISO_LOG_LEVEL: 'silent',
    AVISO_SMS: `smpp://bench:bench@127.0.0.1:${port}?tps=${tps}&binds=1`,
  };
  const db = openDatabase(url);
  await migrateToLatest(db);
  const context = createContext(loadConfig(env, '/nonexistent'), db);
  const senders: ChildProcess[] = [];
  try {
    const tenant = await seed(context, messages);
    const incident = await context.dispatch.incidents.createIncident(
      tenant,
      { service: 'water', kind: 'sudden', title: 'Putkirikko', area: tenant.serviceArea },
      { type: 'token', id: 'bench' },
    );
    const message = await context.dispatch.messages.createMessage(
      tenant,
      incident.id,
      { texts: { fi: 'Vesikatko' } },
      { type: 'token', id: 'bench' },
    );
    const senderKind = target === 'serve' ? 'serve' : 'worker';
    senders.push(startSender(senderKind, env));
    // Killed somewhere between a quarter and three quarters of the send.
    const killAt = Math.round(messages * (0.25 + Math.random() * 0.5));
    await until(async () => taken(logFile).messages >= killAt);
    if (target === 'smsc') {
      await killNow(smscs[0]!.child);
    } else {
      await killNow(senders[0]!);
    }
    const killed = performance.now();
    if (target === 'smsc') smscs.push(await startSmscChild(logFile, port));
    else senders.push(startSender(senderKind, env));
    await until(async () => {
      const m = await context.dispatch.messages.getMessage(tenant, message.id);
      return m.status === 'sent' && m.queued === 0;
    });
    const recovery = (performance.now() - killed) / 1000;
    const got = taken(logFile);
    const rows = await db.kysely
      .selectFrom('deliveries as d')
      .innerJoin('incident_recipients as r', (j) =>
        j.on('r.incident_id', '=', incident.id).onRef('r.seq', '=', 'd.seq'),
      )
      .select(['r.endpoint', 'd.error'])
      .where('d.message_id', '=', message.id)
      .execute();
    const inDoubt = rows.filter((r) => r.error === IN_DOUBT_ERROR);
    const lost = rows.filter((r) => r.error !== IN_DOUBT_ERROR && !got.numbers.has(r.endpoint)).length;
    return {
      doubled: got.doubled,
      inDoubt: inDoubt.length,
      inDoubtReached: inDoubt.filter((r) => got.numbers.has(r.endpoint)).length,
      lost,
      recovery,
    };
  } finally {
    for (const w of senders) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    for (const smsc of smscs) await stopChild(smsc.child);
    rmSync(logFile, { force: true });
    await context.dispatch.runtime.stop();
    await db.close();
    await database.drop();
  }
}

export async function run(args: string[]): Promise<BenchResult> {
  const options = parseOptions(args);
  const rows: Array<Record<string, Cell>> = [];
  const checks: Check[] = [];
  const details: Record<string, unknown> = {};
  for (const kind of options.databases)
    for (const target of options.targets) {
      // Every round its own SMSC and log, so that its counts are the round's.
      const results: Array<Awaited<ReturnType<typeof round>>> = [];
      for (let n = 1; n <= options.kills; n++)
        results.push(await round(kind, target, options.messages, options.tps, n));
      const sum = (pick: (r: (typeof results)[number]) => number) => results.reduce((total, r) => total + pick(r), 0);
      const recoveries = results.map((r) => r.recovery).sort((a, b) => a - b);
      rows.push({
        database: kind,
        killed: target,
        kills: results.length,
        messages: options.messages,
        'numbers doubled': sum((r) => r.doubled),
        lost: sum((r) => r.lost),
        'in doubt (max per kill)': Math.max(...results.map((r) => r.inDoubt)),
        'in doubt that had reached the SMSC': `${sum((r) => r.inDoubtReached)} of ${sum((r) => r.inDoubt)}`,
        'recovery s (median)': Number(recoveries[Math.floor(recoveries.length / 2)]!.toFixed(1)),
        'recovery s (max)': Number(recoveries.at(-1)!.toFixed(1)),
      });
      details[`${kind} ${target}`] = results;
      checks.push(
        {
          name: `${kind}, ${target} killed: numbers sent twice over ${results.length} kills`,
          target: '0',
          actual: sum((r) => r.doubled),
          ok: sum((r) => r.doubled) === 0,
        },
        {
          name: `${kind}, ${target} killed: deliveries lost (neither sent nor in doubt)`,
          target: '0',
          actual: sum((r) => r.lost),
          ok: sum((r) => r.lost) === 0,
        },
        {
          name: `${kind}, ${target} killed: recovery after a kill (max)`,
          target: `< 10 s (not waiting for the ${LEASE_SECONDS} s lease)`,
          actual: `${recoveries.at(-1)!.toFixed(1)} s`,
          ok: recoveries.at(-1)! < 10,
        },
      );
    }
  return { rows, checks, details };
}
