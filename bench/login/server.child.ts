/**
 * The login benchmark's server: the real app (`buildApp`, CAPTCHA on, inbox channels) on a loopback
 * port, in its own process. Before listening it sets up one tenant with an address register and
 * `knownContacts` contacts from the public register (one number and one address each), and raises the
 * tenant's per-IP PIN limit (every client of the benchmark comes from 127.0.0.1) — the code's limits
 * stay as they are.
 *
 * Server-side times come from Fastify's reply.elapsedTime (request received → response sent), per
 * route and summed per login (the client tags each request of one login with `x-bench-login`).
 * The PINs reach the client through `GET /bench/pin/:to`, fed by a wrapper around the SMS provider
 * (the dev inbox still stores every message); that route is not timed.
 */
import { createReadStream } from 'node:fs';
import type { ChannelProvider } from '../../src/channels/channel.js';
import { buildApp } from '../../src/app.js';
import { createContext } from '../../src/context.js';
import { openDatabase } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { newId } from '../../src/lib/ids.js';
import { importAddresses } from '../../src/modules/addresses/address.import.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import type { BenchTown } from '../generate.js';
import { benchConfig } from '../lib/config.js';
import { childInput, sendToParent, type Message } from '../lib/child.js';
import { percentiles, type Percentiles } from '../lib/stats.js';

export interface LoginServerInput {
  databaseUrl: string;
  schema: string | undefined;
  poolSize: number;
  town: BenchTown;
  knownContacts: number;
  /** First known number: +35840 followed by this 7-digit number (then +1 for each contact). */
  knownBase: number;
}

export interface LoginServerReady extends Message {
  type: 'listening';
  port: number;
  slug: string;
}

export interface LoginServerTimes extends Message {
  type: 'times';
  routes: Record<string, Percentiles>;
  /** The three requests of one login, summed. */
  perLogin: Percentiles;
  cpuMsPerLogin: number;
  /** Share of the time the event loop was busy (CPU or blocking I/O), 0–1. */
  eventLoopUtilization: number;
}

const ROUTES: Record<string, string> = {
  '/api/t/:tenant/login/pin': 'POST login/pin',
  '/api/t/:tenant/login': 'POST login',
  '/api/t/:tenant/me': 'GET me',
};

const input = childInput<LoginServerInput>();
const db = openDatabase(input.databaseUrl, input.schema ? { schema: input.schema, poolSize: input.poolSize } : {});
await migrateToLatest(db);
const context = createContext({ ...benchConfig(input.databaseUrl), captcha: 'altcha' }, db);

async function seed(): Promise<Tenant> {
  const created = await context.tenants.createTenant({ slug: input.town.slug, name: input.town.name, languages: ['fi', 'sv'], serviceArea: input.town.serviceArea });
  const tenant = await context.tenants.updateSettings(created, { pinsPerIpPerHour: 100_000_000 });
  await importAddresses(db, tenant, createReadStream(input.town.file), { format: 'aviso', now: Date.now() });
  const addresses = await db.kysely.selectFrom('addresses').select('id').where('tenant_id', '=', tenant.id).orderBy('id').limit(input.knownContacts).execute();
  const now = Date.now();
  for (let start = 0; start < input.knownContacts; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, input.knownContacts - start) }, (_, i) => ({ i: start + i, id: newId() }));
    await db.kysely.insertInto('contacts').values(batch.map(({ i, id }) => ({
      id, tenant_id: tenant.id, kind: 'person' as const, source: 'register' as const, person_id: `p${i}`, first_name: 'Bench', last_name: `Person ${i}`,
      company_name: null, business_id: null, contact_person: null, birth_date: '1970-01-01', language: 'fi', name_hidden: 0 as const, priority: 0 as const, created_at: now, updated_at: now,
    }))).execute();
    await db.kysely.insertInto('contact_endpoints').values(batch.map(({ i, id }) => ({
      id: newId(), tenant_id: tenant.id, contact_id: id, type: 'mobile' as const, value: `+35840${input.knownBase + i}`, source: 'register' as const, verified: 0 as const, created_at: now, updated_at: now,
    }))).execute();
    await db.kysely.insertInto('contact_addresses').values(batch.map(({ i, id }) => ({
      id: newId(), tenant_id: tenant.id, contact_id: id, address_id: addresses[i % addresses.length]!.id, role: 'main' as const, label: null, source: 'register' as const, active: 1 as const, created_at: now, updated_at: now,
    }))).execute();
  }
  return tenant;
}

const tenant = await seed();

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
app.get('/bench/pin/:to', async (request, reply) => {
  const to = (request.params as { to: string }).to;
  const pin = pins.get(to);
  pins.delete(to);
  return pin ? { pin } : reply.status(404).send({ pin: null });
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

process.on('message', (message: Message) => {
  if (message.type === 'reset') {
    byRoute = new Map();
    byLogin = new Map();
    cpuAtReset = process.cpuUsage();
    eluAtReset = performance.eventLoopUtilization();
    void sendToParent({ type: 'reset-done' });
  } else if (message.type === 'times') {
    const cpu = process.cpuUsage(cpuAtReset);
    const logins = byRoute.get('GET me')?.length ?? 0;
    const reply: LoginServerTimes = {
      type: 'times',
      routes: Object.fromEntries([...byRoute].map(([route, times]) => [route, percentiles(times)])),
      // Only logins whose three requests all fell inside the measured window.
      perLogin: percentiles([...byLogin.values()].filter((l) => l.requests === 3).map((l) => l.ms)),
      cpuMsPerLogin: (cpu.user + cpu.system) / 1000 / Math.max(1, logins),
      eventLoopUtilization: performance.eventLoopUtilization(eluAtReset).utilization,
    };
    void sendToParent(reply);
  }
});
process.once('SIGTERM', () => {
  void app.close().then(() => db.close()).then(() => process.exit(0));
});

await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('not listening on a TCP port');
const ready: LoginServerReady = { type: 'listening', port: address.port, slug: tenant.slug };
await sendToParent(ready);
