/**
 * The search half's server: the real app (`buildApp`) on a loopback port, in its own process so that
 * the load generator does not share its event loop. Records each search's server-side time
 * (Fastify's reply.elapsedTime, from request received to response sent) for the parent to collect.
 */
import { openDatabase } from '../../src/db/connection.js';
import { createContext } from '../../src/context.js';
import { buildApp } from '../../src/app.js';
import { benchConfig } from '../lib/config.js';
import { childInput, sendToParent, type Message } from '../lib/child.js';
import { percentiles, type Percentiles } from '../lib/stats.js';

export interface ServerInput {
  databaseUrl: string;
  schema: string | undefined;
  poolSize: number;
}

export interface ServerReady extends Message {
  type: 'listening';
  port: number;
}

export interface ServerTimes extends Message {
  type: 'times';
  requests: number;
  /** Milliseconds. */
  latency: Percentiles;
  /** CPU time of the server process per search, milliseconds: what a core can do, whatever the load. */
  cpuMsPerRequest: number;
}

const input = childInput<ServerInput>();
const db = openDatabase(input.databaseUrl, input.schema ? { schema: input.schema, poolSize: input.poolSize } : {});
const app = await buildApp(createContext(benchConfig(input.databaseUrl), db), { logger: false });

let times: number[] = [];
let cpuAtReset = process.cpuUsage();
app.addHook('onResponse', async (request, reply) => {
  if (request.routeOptions.url === '/api/t/:tenant/addresses') times.push(reply.elapsedTime);
});

process.on('message', (message: Message) => {
  if (message.type === 'reset') {
    times = [];
    cpuAtReset = process.cpuUsage();
    void sendToParent({ type: 'reset-done' });
  } else if (message.type === 'times') {
    const cpu = process.cpuUsage(cpuAtReset);
    const cpuMsPerRequest = (cpu.user + cpu.system) / 1000 / Math.max(1, times.length);
    const reply: ServerTimes = { type: 'times', requests: times.length, latency: percentiles(times), cpuMsPerRequest };
    void sendToParent(reply);
  }
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
const ready: ServerReady = { type: 'listening', port: address.port };
await sendToParent(ready);
