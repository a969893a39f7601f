/**
 * Figures of resident logins — PIN request (CAPTCHA verified) + login + GET /me — by 100
 * concurrent clients against the real server, on each database (inbox channels).
 *
 *   npm run bench -- login [--databases sqlite,postgres] [--duration 10] [--warmup 3] [--connections 100]
 *                          [--known 20000] [--rate 500] [--processes N] [--one-ip] [--client-nice 10]
 *
 * Two runs per database, both with 100 concurrent clients: as fast as they can go (→ logins/s), then
 * paced together to `--rate` logins/s, the target (→ server-side latency at that load). In the first the
 * clients always wait on the server, so its latency there is mostly queueing behind the other 99. Each
 * client connects from a loopback address of its own, as residents do from their own networks;
 * `--one-ip` puts them all behind 127.0.0.1 (login/client.ts).
 *
 * The clients run at a lower CPU priority than the server and PostgreSQL (`--client-nice`, default 10;
 * 0 = the same): on a 2-core machine the load generator would otherwise take its turns on the cores the
 * requests it times are waiting for — residents' browsers are not on the server. It still uses the CPU
 * the server leaves, and its CPU is reported.
 *
 * The server runs in a child process (bench/login/server.child.ts) and times every request itself;
 * the clients run here. It runs as `aviso serve --processes N` would: N processes sharing the port
 * (node:cluster). By default one per core on PostgreSQL, and one on SQLite, where processes would
 * take turns at the file's single write lock and SQLite's busy handler makes the loser sleep (blocking
 * its event loop) — measured slower than one process. The PIN comes back to the client in a header of
 * the PIN request's answer (the bench server's side channel), so no extra request is counted as the
 * server's work. PostgreSQL's CPU is that of the server's own backends (by application_name), so that
 * other work on the same PostgreSQL does not count. CAPTCHA is on: each PIN request carries its own solution, which the server
 * verifies (one SHA-256 and one HMAC) and records as used. The solutions are made here before the timed
 * part — with the server's HMAC key and a chosen number, which gives exactly what a browser sends after
 * its proof-of-work search — because searching ~75,000 hashes per login would only measure this
 * process's CPU, not the server.
 */
import { randomInt } from 'node:crypto';
import { availableParallelism, setPriority } from 'node:os';
import { parseArgs } from 'node:util';
import { createChallenge } from 'altcha-lib';
import { CAPTCHA_MAX_NUMBER, CAPTCHA_TTL_MS, captchaHmacKey } from '../src/modules/auth/captcha.service.js';
import { generateBenchData } from './generate.js';
import { runClients, type ClientFigures } from './login/client.js';
import { LOGIN_SERVER_APPLICATION, postgresBackends, startCpuWindow, type CpuWindow } from './login/cpu.js';
import type { LoginServerInput, LoginServerReady, LoginServerTimes } from './login/server.child.js';
import { ask, nextMessage, startChild, stopChild } from './lib/child.js';
import { benchConfig } from './lib/config.js';
import { freshBenchDatabase, parseDatabases, POSTGRES_URL, type BenchDatabaseKind } from './lib/databases.js';
import { formatNumber, type BenchResult, type Cell, type Check } from './lib/report.js';
import { percentiles } from './lib/stats.js';

export const description =
  'resident logins (PIN request with CAPTCHA + login + GET /me) by 100 concurrent clients (SQLite and PostgreSQL)';

const TARGETS = { loginsPerSecond: 500, serverP99Ms: 25 };
/** Server processes unless `--processes` says: one per core where writers run concurrently (PostgreSQL), else one. */
const defaultProcesses = (kind: BenchDatabaseKind) => (kind === 'postgres' ? availableParallelism() : 1);
const KNOWN_BASE = 1_000_000;
/** PostgreSQL connections per server process: the pool was never the queue (mostly idle during a run). */
const POOL_SIZE = 10;
const UNKNOWN_BASE = 5_000_000;

interface Options {
  databases: BenchDatabaseKind[];
  duration: number;
  warmup: number;
  connections: number;
  known: number;
  rate: number;
  /** undefined = defaultProcesses(database). */
  processes: number | undefined;
  /** All clients from 127.0.0.1 (see login/client.ts). */
  oneIp: boolean;
  /** Niceness of this (load-generating) process while it runs the clients. */
  clientNice: number;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      databases: { type: 'string', default: 'sqlite,postgres' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '100' },
      known: { type: 'string', default: '20000' },
      rate: { type: 'string', default: String(TARGETS.loginsPerSecond) },
      processes: { type: 'string' },
      'one-ip': { type: 'boolean', default: false },
      'client-nice': { type: 'string', default: '10' },
    },
  });
  const databases = parseDatabases(values.databases);
  return {
    databases,
    duration: Number(values.duration),
    warmup: Number(values.warmup),
    connections: Number(values.connections),
    known: Number(values.known),
    rate: Number(values.rate),
    processes: values.processes === undefined ? undefined : Number(values.processes),
    oneIp: values['one-ip'],
    clientNice: checkedNice(values['client-nice']),
  };
}

function checkedNice(value: string): number {
  const nice = Number(value);
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) throw new Error(`--client-nice: an integer 0–19, not ${value}`);
  return nice;
}

/**
 * `count` CAPTCHA payloads as the widget sends them, each for its own challenge, issued as the server
 * issues them: for this tenant, at the base cost (the bench lifts the PIN budgets, so the cost stays there).
 */
async function captchaSolutions(count: number, tenantId: string): Promise<() => string> {
  const hmacKey = captchaHmacKey(benchConfig('sqlite::memory:').secret);
  const expires = new Date(Date.now() + CAPTCHA_TTL_MS);
  const payloads: string[] = [];
  for (let i = 0; i < count; i++) {
    const number = randomInt(CAPTCHA_MAX_NUMBER);
    const challenge = await createChallenge({
      hmacKey,
      maxNumber: CAPTCHA_MAX_NUMBER,
      number,
      expires,
      params: { tenant: tenantId, cost: '1' },
    });
    const { algorithm, salt, signature } = challenge;
    payloads.push(
      Buffer.from(
        JSON.stringify({ algorithm, challenge: challenge.challenge, number, salt, signature, took: 900 }),
      ).toString('base64'),
    );
  }
  let next = 0;
  return () => {
    const payload = payloads[next++];
    if (!payload) throw new Error('ran out of CAPTCHA solutions');
    return payload;
  };
}

interface RunFigures {
  client: ClientFigures;
  server: LoginServerTimes;
  cpu: CpuWindow;
}

interface CaseFigures {
  kind: BenchDatabaseKind;
  /** As fast as the clients can go. */
  max: RunFigures;
  /** Paced to the target rate. */
  paced: RunFigures;
}

async function measure(kind: BenchDatabaseKind, options: Options): Promise<CaseFigures> {
  const [town] = await generateBenchData({ towns: 1, addressesPerTown: 5000 });
  const database = await freshBenchDatabase(kind, 'login');
  const processes = options.processes ?? defaultProcesses(kind);
  const input: LoginServerInput = {
    databaseUrl: database.url,
    schema: database.schema,
    poolSize: POOL_SIZE,
    processes,
    town: town!,
    knownContacts: options.known,
    knownBase: KNOWN_BASE,
  };
  const server = startChild(new URL('./login/server.child.ts', import.meta.url), input);
  try {
    const { port, slug, tenantId } = await nextMessage<LoginServerReady>(server, 'listening');
    // The server (started above) keeps the normal priority; only this process steps back.
    setPriority(options.clientNice);
    const captchas = await captchaSolutions((2 * options.warmup + 2 * options.duration) * 2500, tenantId);
    let nextLogin = 0;
    const clients = async (durationSeconds: number, rate?: number): Promise<ClientFigures> => {
      const figures = await runClients({
        base: `http://127.0.0.1:${port}`,
        slug,
        connections: options.connections,
        captchas,
        knownNumber: (i: number) => `+35840${KNOWN_BASE + (i % options.known)}`,
        unknownNumber: (i: number) => `+35840${UNKNOWN_BASE + i}`,
        firstLogin: nextLogin,
        durationSeconds,
        rate,
        oneAddress: options.oneIp,
      });
      // Numbers are never reused within a run (a known one comes round again only after `known` logins).
      nextLogin += 2 * (figures.logins + figures.failures + options.connections);
      if (figures.failures > 0)
        throw new Error(`${kind}: ${figures.failures} failed logins, first: ${figures.firstFailure}`);
      return figures;
    };
    const timed = async (rate?: number): Promise<RunFigures> => {
      await clients(options.warmup, rate);
      await ask(server, { type: 'reset' }, 'reset-done');
      const cpuWindow = await startCpuWindow(
        kind === 'postgres' ? () => postgresBackends(POSTGRES_URL, LOGIN_SERVER_APPLICATION) : undefined,
      );
      const client = await clients(options.duration, rate);
      const cpu = await cpuWindow();
      return { client, server: await ask<LoginServerTimes>(server, { type: 'times' }, 'times'), cpu };
    };
    console.log(
      `${kind}, ${processes} server process${processes === 1 ? '' : 'es'}: ${options.connections} clients (nice ${options.clientNice}) as fast as they go, then paced to ${options.rate} logins/s (${options.warmup} s warm-up + ${options.duration} s each)…`,
    );
    const max = await timed();
    const paced = await timed(options.rate);
    return { kind, max, paced };
  } finally {
    // Back to normal before the next database's server is started from this process (only root may).
    try {
      setPriority(0);
    } catch {
      console.warn(
        `could not return to niceness 0: a next server would run at ${options.clientNice} too (run as root, or --client-nice 0)`,
      );
    }
    await stopChild(server);
    await database.drop();
  }
}

const ms = (value: number | undefined) => Number((value ?? Number.NaN).toFixed(2));

function tableRow(kind: BenchDatabaseKind, load: string, { client, server, cpu }: RunFigures): Record<string, Cell> {
  return {
    database: kind,
    load,
    processes: server.processes,
    logins: client.logins,
    'logins/s': Math.round(client.logins / client.seconds),
    'server p50 ms (login)': ms(server.perLogin.p50),
    'server p99 ms (login)': ms(server.perLogin.p99),
    'p99 ms login/pin': ms(server.routes['POST login/pin']?.p99),
    'p99 ms login': ms(server.routes['POST login']?.p99),
    'p99 ms me': ms(server.routes['GET me']?.p99),
    'client p99 ms (login)': ms(percentiles(client.loginMs).p99),
    'server CPU ms/login': ms(server.cpuMsPerLogin),
    'client CPU ms/login': ms(client.cpuMsPerLogin),
    'PostgreSQL CPU ms/login': kind === 'postgres' ? ms(cpu.postgresMs / Math.max(1, client.logins)) : '–',
    'server busy': `${Math.round(server.eventLoopUtilization * 100)} %`,
    'machine busy': `${Math.round(cpu.machineBusy * 100)} %`,
  };
}

function checks({ kind, max, paced }: CaseFigures, options: Options): Check[] {
  const rate = max.client.logins / max.client.seconds;
  const pacedRate = paced.client.logins / paced.client.seconds;
  const worstRoute = Math.max(...Object.values(paced.server.routes).map((r) => r.p99));
  const at = `at ${formatNumber(options.rate)} logins/s, ${options.connections} clients`;
  return [
    {
      name: `${kind}: logins/s, ${options.connections} clients as fast as they go`,
      target: `≥ ${TARGETS.loginsPerSecond}`,
      actual: Math.round(rate),
      ok: rate >= TARGETS.loginsPerSecond,
    },
    {
      name: `${kind}: paced run kept the rate`,
      target: `≥ ${formatNumber(options.rate * 0.97)}`,
      actual: Math.round(pacedRate),
      ok: pacedRate >= options.rate * 0.97,
    },
    {
      name: `${kind}: server-side p99 ms per request (worst of the three) ${at}`,
      target: `≤ ${TARGETS.serverP99Ms}`,
      actual: ms(worstRoute),
      ok: worstRoute <= TARGETS.serverP99Ms,
    },
    {
      name: `${kind}: server-side p99 ms per login (three requests summed) ${at}`,
      target: `≤ ${TARGETS.serverP99Ms}`,
      actual: ms(paced.server.perLogin.p99),
      ok: paced.server.perLogin.p99 <= TARGETS.serverP99Ms,
    },
  ];
}

const runDetails = ({ client, server, cpu }: RunFigures) => ({
  cpu,
  server,
  client: {
    ...client,
    loginMs: percentiles(client.loginMs),
    stepMs: Object.fromEntries(Object.entries(client.stepMs).map(([k, v]) => [k, percentiles(v)])),
  },
});

export async function run(args: string[]): Promise<BenchResult> {
  const options = parseOptions(args);
  const cases: CaseFigures[] = [];
  for (const kind of options.databases) cases.push(await measure(kind, options));
  return {
    rows: cases.flatMap((c) => [tableRow(c.kind, 'max', c.max), tableRow(c.kind, `${options.rate}/s`, c.paced)]),
    checks: cases.flatMap((c) => checks(c, options)),
    details: {
      options,
      cases: cases.map((c) => ({ kind: c.kind, max: runDetails(c.max), paced: runDetails(c.paced) })),
    },
  };
}
