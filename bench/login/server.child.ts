/**
 * The login benchmark's server: the real app (`buildApp`, CAPTCHA on, inbox channels) on a loopback
 * port, in its own process. Before listening it sets up one tenant with an address register and
 * `knownContacts` contacts from the public register (one number and one address each), and raises the
 * tenant's per-IP PIN limit and the PIN budgets, the tenant's and across tenants (each client asks for
 * hundreds of PINs within a minute) — the code's limits stay as they are.
 *
 * With `processes` > 1 this process is the cluster's primary (as in `aviso serve --processes N`): it
 * migrates and seeds, then forks the workers that serve, and merges their times and CPU when asked.
 *
 * Server-side times come from Fastify's reply.elapsedTime (request received → response sent), per
 * route and summed per login (the client tags each request of one login with `x-bench-login`).
 * The PINs reach the client in an `x-bench-pin` header on the PIN request's answer, fed by a wrapper
 * around the SMS provider (the dev inbox still stores every message): a side channel that costs the
 * server a header, not a request of its own whose CPU would be counted as the login's.
 */
import cluster, { type Worker } from 'node:cluster';
import { createReadStream } from 'node:fs';
import { sql } from 'kysely';
import type { ChannelProvider } from '../../src/channels/channel.js';
import { buildApp } from '../../src/app.js';
import { serverExecArgv } from '../../src/cli/server-flags.js';
import { createContext, type Context } from '../../src/context.js';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { newId } from '../../src/lib/ids.js';
import { importAddresses } from '../../src/modules/addresses/address.import.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import type { BenchTown } from '../generate.js';
import { benchConfig } from '../lib/config.js';
import { LOGIN_SERVER_APPLICATION } from './cpu.js';
import { childInput, sendToParent, type Message } from '../lib/child.js';
import { percentiles, type Percentiles } from '../lib/stats.js';

export interface LoginServerInput {
  databaseUrl: string;
  schema: string | undefined;
  /** PostgreSQL pool size of each process. */
  poolSize: number;
  /** Server processes sharing the port (node:cluster, as `aviso serve --processes N`); 1 = this process serves. */
  processes: number;
  town: BenchTown;
  knownContacts: number;
  /** First known number: +35840 followed by this 7-digit number (then +1 for each contact). */
  knownBase: number;
}

export interface LoginServerReady extends Message {
  type: 'listening';
  port: number;
  slug: string;
  /** The tenant's id: a CAPTCHA challenge is valid at the tenant it was issued for only. */
  tenantId: string;
}

export interface LoginServerTimes extends Message {
  type: 'times';
  routes: Record<string, Percentiles>;
  /** The three requests of one login, summed. */
  perLogin: Percentiles;
  cpuMsPerLogin: number;
  /** Share of the time the event loop was busy (CPU or blocking I/O), 0–1; the mean of the processes. */
  eventLoopUtilization: number;
  processes: number;
}

/** One serving process's raw figures since the last reset. */
interface ProcessTimes extends Message {
  type: 'process-times';
  byRoute: Array<[string, number[]]>;
  byLogin: Array<[string, number, number]>;
  cpuMs: number;
  eventLoopUtilization: number;
}

const ROUTES: Record<string, string> = {
  '/api/t/:tenant/login/pin': 'POST login/pin',
  '/api/t/:tenant/login': 'POST login',
  '/api/t/:tenant/me': 'GET me',
};

const input = childInput<LoginServerInput>();
// Names this server's PostgreSQL connections, so that the benchmark counts the CPU of their backends only.
process.env.PGAPPNAME = LOGIN_SERVER_APPLICATION;
// The PIN budgets across tenants are lifted as the tenant's are below: the bench sends more PINs in a minute
// than a real service would in a day, and measures the work of each, not the budgets' refusals.
const config = {
  ...benchConfig(input.databaseUrl),
  captcha: 'altcha' as const,
  pinBudget: { perHour: 1_000_000_000, perDay: 1_000_000_000 },
};
const openDb = () =>
  openDatabase(input.databaseUrl, input.schema ? { schema: input.schema, poolSize: input.poolSize } : {});

async function seed(db: Db, context: Context): Promise<Tenant> {
  const created = await context.tenants.createTenant({
    slug: input.town.slug,
    name: input.town.name,
    languages: ['fi', 'sv'],
    serviceArea: input.town.serviceArea,
  });
  const tenant = await context.tenants.updateSettings(created, {
    pinsPerIpPerHour: 100_000_000,
    pinsPerTenantPerHour: 1_000_000,
    pinsPerTenantPerDay: 10_000_000,
  });
  await importAddresses(db, tenant, createReadStream(input.town.file), { format: 'aviso', now: Date.now() });
  const addresses = await db.kysely
    .selectFrom('addresses')
    .select('id')
    .where('tenant_id', '=', tenant.id)
    .orderBy('id')
    .limit(input.knownContacts)
    .execute();
  const now = Date.now();
  for (let start = 0; start < input.knownContacts; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, input.knownContacts - start) }, (_, i) => ({
      i: start + i,
      id: newId(),
    }));
    await db.kysely
      .insertInto('contacts')
      .values(
        batch.map(({ i, id }) => ({
          id,
          tenant_id: tenant.id,
          kind: 'person' as const,
          source: 'register' as const,
          person_id: `p${i}`,
          first_name: 'Bench',
          last_name: `Person ${i}`,
          company_name: null,
          business_id: null,
          contact_person: null,
          birth_date: '1970-01-01',
          language: 'fi',
          name_hidden: 0 as const,
          priority: 0 as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    await db.kysely
      .insertInto('contact_endpoints')
      .values(
        batch.map(({ i, id }) => ({
          id: newId(),
          tenant_id: tenant.id,
          contact_id: id,
          type: 'mobile' as const,
          value: `+35840${input.knownBase + i}`,
          source: 'register' as const,
          verified: 0 as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    await db.kysely
      .insertInto('contact_addresses')
      .values(
        batch.map(({ i, id }) => ({
          id: newId(),
          tenant_id: tenant.id,
          contact_id: id,
          address_id: addresses[i % addresses.length]!.id,
          role: 'main' as const,
          label: null,
          source: 'register' as const,
          active: 1 as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
  // Fresh tables: give the planners their statistics, as autovacuum (PostgreSQL) or a maintenance run would.
  await sql`analyze`.execute(db.kysely);
  return tenant;
}

/** The app on the shared port, timing every login request; answers `reset` and `times` with its own figures. */
async function serve(
  db: Db,
  context: Context,
  onMessage: (handle: (message: Message) => ProcessTimes | undefined) => void,
) {
  // PINs for the client: the SMS provider is wrapped (a plain object), the inbox still stores every message.
  const pins = new Map<string, string>();
  const sms = context.channels.sms as { send: ChannelProvider['send'] };
  const send = sms.send.bind(sms);
  sms.send = async (message) => {
    const pin = /\b(\d{4,8})\b/.exec(message.text)?.[1];
    if (pin) pins.set(message.to, pin);
    return send(message);
  };

  const app = await buildApp(context, { logger: false });
  app.addHook('onSend', async (request, reply) => {
    if (request.routeOptions.url !== '/api/t/:tenant/login/pin') return;
    const to = (request.body as { phone?: string } | undefined)?.phone;
    const pin = to === undefined ? undefined : pins.get(to);
    if (to === undefined || pin === undefined) return;
    pins.delete(to);
    reply.header('x-bench-pin', pin);
  });

  let byRoute = new Map<string, number[]>();
  let byLogin = new Map<string, { ms: number; requests: number }>();
  let cpuAtReset = process.cpuUsage();
  let eluAtReset = performance.eventLoopUtilization();
  app.addHook('onResponse', async (request, reply) => {
    const route = ROUTES[request.routeOptions.url ?? ''];
    if (!route) return;
    const list = byRoute.get(route) ?? [];
    list.push(reply.elapsedTime);
    byRoute.set(route, list);
    const login = request.headers['x-bench-login'];
    if (typeof login !== 'string') return;
    const sum = byLogin.get(login) ?? { ms: 0, requests: 0 };
    byLogin.set(login, { ms: sum.ms + reply.elapsedTime, requests: sum.requests + 1 });
  });

  onMessage((message) => {
    if (message.type === 'reset') {
      byRoute = new Map();
      byLogin = new Map();
      cpuAtReset = process.cpuUsage();
      eluAtReset = performance.eventLoopUtilization();
      return undefined;
    }
    const cpu = process.cpuUsage(cpuAtReset);
    return {
      type: 'process-times',
      byRoute: [...byRoute],
      byLogin: [...byLogin].map(([id, l]) => [id, l.ms, l.requests]),
      cpuMs: (cpu.user + cpu.system) / 1000,
      eventLoopUtilization: performance.eventLoopUtilization(eluAtReset).utilization,
    };
  });
  process.once('SIGTERM', () => {
    void app
      .close()
      .then(() => db.close())
      .then(() => process.exit(0));
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on a TCP port');
  return address.port;
}

/** The figures of all serving processes as one answer (a login's requests may reach different processes). */
function merge(parts: ProcessTimes[], cpuMsElsewhere: number): LoginServerTimes {
  const byRoute = new Map<string, number[]>();
  const byLogin = new Map<string, { ms: number; requests: number }>();
  for (const part of parts) {
    for (const [route, times] of part.byRoute) byRoute.set(route, [...(byRoute.get(route) ?? []), ...times]);
    for (const [id, ms, requests] of part.byLogin) {
      const sum = byLogin.get(id) ?? { ms: 0, requests: 0 };
      byLogin.set(id, { ms: sum.ms + ms, requests: sum.requests + requests });
    }
  }
  const logins = byRoute.get('GET me')?.length ?? 0;
  const cpuMs = parts.reduce((a, p) => a + p.cpuMs, cpuMsElsewhere);
  return {
    type: 'times',
    routes: Object.fromEntries([...byRoute].map(([route, times]) => [route, percentiles(times)])),
    // Only logins whose three requests all fell inside the measured window.
    perLogin: percentiles([...byLogin.values()].filter((l) => l.requests === 3).map((l) => l.ms)),
    cpuMsPerLogin: cpuMs / Math.max(1, logins),
    eventLoopUtilization: parts.reduce((a, p) => a + p.eventLoopUtilization, 0) / Math.max(1, parts.length),
    processes: parts.length,
  };
}

async function runSingle(): Promise<void> {
  const db = openDb();
  await migrateToLatest(db);
  const context = createContext(config, db);
  const tenant = await seed(db, context);
  const port = await serve(db, context, (handle) => {
    process.on('message', (message: Message) => {
      const times = handle(message);
      if (message.type === 'reset') void sendToParent({ type: 'reset-done' });
      else if (times) void sendToParent(merge([times], 0));
    });
  });
  const ready: LoginServerReady = { type: 'listening', port, slug: tenant.slug, tenantId: tenant.id };
  await sendToParent(ready);
}

async function runPrimary(): Promise<void> {
  const db = openDb();
  await migrateToLatest(db);
  const tenant = await seed(db, createContext(config, db));
  await db.close();
  // As `aviso serve --processes N` forks them (src/cli/server-flags.ts).
  cluster.setupPrimary({ execArgv: serverExecArgv() });
  const workers: Worker[] = Array.from({ length: input.processes }, () => cluster.fork());
  const port = await Promise.all(
    workers.map((w) => new Promise<number>((resolve) => w.once('listening', (address) => resolve(address.port)))),
  );
  const askAll = (message: Message) =>
    Promise.all(
      workers.map(
        (w) =>
          new Promise<ProcessTimes | undefined>((resolve) => {
            w.once('message', (answer: ProcessTimes | { type: 'reset-done' }) =>
              resolve(answer.type === 'process-times' ? answer : undefined),
            );
            w.send(message);
          }),
      ),
    );
  let cpuAtReset = process.cpuUsage();
  process.on('message', (message: Message) => {
    if (message.type === 'reset') {
      cpuAtReset = process.cpuUsage();
      void askAll(message).then(() => sendToParent({ type: 'reset-done' }));
    } else if (message.type === 'times') {
      const own = process.cpuUsage(cpuAtReset);
      void askAll(message).then((parts) =>
        sendToParent(
          merge(
            parts.filter((p) => p !== undefined),
            (own.user + own.system) / 1000,
          ),
        ),
      );
    }
  });
  process.once('SIGTERM', () => {
    for (const w of workers) w.process.kill('SIGTERM');
    void Promise.all(
      workers.map((w) => new Promise((resolve) => (w.isDead() ? resolve(null) : w.once('exit', resolve)))),
    ).then(() => process.exit(0));
  });
  const ready: LoginServerReady = { type: 'listening', port: port[0]!, slug: tenant.slug, tenantId: tenant.id };
  await sendToParent(ready);
}

async function runWorker(): Promise<void> {
  const db = openDb();
  await serve(db, createContext(config, db), (handle) => {
    process.on('message', (message: Message) => {
      const times = handle(message);
      process.send!(times ?? { type: 'reset-done' });
    });
  });
}

if (cluster.isWorker) await runWorker();
else if (input.processes > 1) await runPrimary();
else await runSingle();
