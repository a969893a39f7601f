/**
 * kill -9 of `aviso worker` mid-send, again and again: each round freezes a send of N SMS, starts a
 * worker sending through SMPP to `aviso smsc` (in a child process), SIGKILLs it once a part has gone
 * out, and starts another that finishes the send. The SMSC counts the numbers it got more than one
 * message for (doubled); the database says which deliveries are in doubt (handed over by the killed
 * worker without a recorded answer: failed, not sent again) and which never reached the SMSC at all
 * without being in doubt (lost). Recovery: from the kill until the send is finished, by a new worker with
 * the killed one's id (`--id`), which takes its batches back at start.
 *
 *   npm run bench -- kill [--databases sqlite,postgres] [--kills 10] [--messages 2000] [--tps 2000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { IN_DOUBT_ERROR } from '../src/modules/dispatch/retry-policy.js';
import { ask, nextMessage, startChild, stopChild } from './lib/child.js';
import { freshBenchDatabase, parseDatabases, type BenchDatabaseKind } from './lib/databases.js';
import type { BenchResult, Cell, Check } from './lib/report.js';
import { seed } from './smpp.bench.js';
import type { SmscCount, SmscReady } from './smpp/smsc.child.js';

export const description = 'kill -9 of aviso worker mid-send through SMPP, N times: numbers sent twice, deliveries in doubt, lost, time to recover';

/** The default lease: the restarted worker has the killed one's id and takes its batches back without waiting for it. */
const LEASE_SECONDS = 60;

function parseOptions(args: string[]) {
  const { values } = parseArgs({ args, options: { databases: { type: 'string', default: 'sqlite,postgres' }, kills: { type: 'string', default: '10' }, messages: { type: 'string', default: '2000' }, tps: { type: 'string', default: '2000' } } });
  return { databases: parseDatabases(values.databases), kills: Number(values.kills), messages: Number(values.messages), tps: Number(values.tps) };
}

async function until(probe: () => Promise<boolean>, limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('the send did not get there within two minutes');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function startWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker', '--concurrency', '2', '--lease-seconds', String(LEASE_SECONDS), '--id', 'bench-worker'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function round(kind: BenchDatabaseKind, smsc: ChildProcess, port: number, messages: number, tps: number, n: number) {
  const database = await freshBenchDatabase(kind, `kill${n}`);
  const url = database.schema ? `${database.url}?schema=${database.schema}` : database.url;
  const env = { AVISO_DATABASE_URL: url, AVISO_SECRET: 'bench-secret-bench-secret-bench-secret-01', AVISO_LOG_LEVEL: 'silent', AVISO_SMS: `smpp://bench:bench@127.0.0.1:${port}?tps=${tps}&binds=1` };
  const db = openDatabase(url);
  await migrateToLatest(db);
  const context = createContext(loadConfig(env, '/nonexistent'), db);
  const workers: ChildProcess[] = [];
  try {
    const tenant = await seed(context, messages);
    const incident = await context.dispatch.incidents.createIncident(tenant, { service: 'water', kind: 'sudden', title: 'Putkirikko', area: tenant.serviceArea }, { type: 'token', id: 'bench' });
    const message = await context.dispatch.messages.createMessage(tenant, incident.id, { texts: { fi: 'Vesikatko' } }, { type: 'token', id: 'bench' });
    const count = () => ask<SmscCount>(smsc, { type: 'count' }, 'count');
    const before = (await count()).messages;
    workers.push(startWorker(env));
    // Killed somewhere between a quarter and three quarters of the send.
    const killAt = before + Math.round(messages * (0.25 + Math.random() * 0.5));
    await until(async () => (await count()).messages >= killAt);
    const exited = new Promise((resolve) => workers[0]!.once('exit', resolve));
    workers[0]!.kill('SIGKILL');
    await exited;
    const killed = performance.now();
    workers.push(startWorker(env));
    await until(async () => {
      const m = await context.dispatch.messages.getMessage(tenant, message.id);
      return m.status === 'sent' && m.queued === 0;
    });
    const recovery = (performance.now() - killed) / 1000;
    const taken = await count();
    const rows = await db.kysely.selectFrom('deliveries as d').innerJoin('incident_recipients as r', (j) => j.on('r.incident_id', '=', incident.id).onRef('r.seq', '=', 'd.seq')).select(['r.endpoint', 'd.error']).where('d.message_id', '=', message.id).execute();
    const reached = new Set(taken.numbers.map((to) => (to.startsWith('+') ? to : `+${to}`)));
    const inDoubt = rows.filter((r) => r.error === IN_DOUBT_ERROR);
    const lost = rows.filter((r) => r.error !== IN_DOUBT_ERROR && !reached.has(r.endpoint)).length;
    return { doubled: taken.doubled, inDoubt: inDoubt.length, inDoubtReached: inDoubt.filter((r) => reached.has(r.endpoint)).length, lost, recovery };
  } finally {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
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
  for (const kind of options.databases) {
    // Every round its own SMSC, so that its counts are the round's.
    const results: Array<Awaited<ReturnType<typeof round>>> = [];
    for (let n = 1; n <= options.kills; n++) {
      const smsc = startChild(new URL('./smpp/smsc.child.ts', import.meta.url), { receiptDelayMs: 5 });
      try {
        const { port } = await nextMessage<SmscReady>(smsc, 'ready');
        results.push(await round(kind, smsc, port, options.messages, options.tps, n));
      } finally {
        await stopChild(smsc);
      }
    }
    const sum = (pick: (r: (typeof results)[number]) => number) => results.reduce((total, r) => total + pick(r), 0);
    const recoveries = results.map((r) => r.recovery).sort((a, b) => a - b);
    rows.push({
      database: kind, kills: results.length, messages: options.messages, 'numbers doubled': sum((r) => r.doubled), lost: sum((r) => r.lost),
      'in doubt (max per kill)': Math.max(...results.map((r) => r.inDoubt)), 'in doubt that had reached the SMSC': `${sum((r) => r.inDoubtReached)} of ${sum((r) => r.inDoubt)}`,
      'recovery s (median)': Number(recoveries[Math.floor(recoveries.length / 2)]!.toFixed(1)), 'recovery s (max)': Number(recoveries.at(-1)!.toFixed(1)),
    });
    details[kind] = results;
    checks.push(
      { name: `${kind}: numbers sent twice over ${results.length} kills`, target: '0', actual: sum((r) => r.doubled), ok: sum((r) => r.doubled) === 0 },
      { name: `${kind}: deliveries lost (neither sent nor in doubt)`, target: '0', actual: sum((r) => r.lost), ok: sum((r) => r.lost) === 0 },
      { name: `${kind}: recovery after a kill (max)`, target: `< 10 s (not waiting for the ${LEASE_SECONDS} s lease)`, actual: `${recoveries.at(-1)!.toFixed(1)} s`, ok: recoveries.at(-1)! < 10 },
    );
  }
  return { rows, checks, details };
}
