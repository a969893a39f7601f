/**
 * The server under test: the real app with its dispatch workers in the same process (the embedded
 * default), on a loopback port. Answers the parent's questions about its memory.
 */
import { openDatabase } from '../../src/db/connection.js';
import { createContext } from '../../src/context.js';
import { buildApp } from '../../src/app.js';
import { benchConfig } from '../lib/config.js';
import { childInput, peakRssMb, sendToParent, type Message } from '../lib/child.js';

export interface ServerInput {
  databaseUrl: string;
  schema: string | undefined;
  slug: string;
  workers: number;
}

export interface ServerReady extends Message {
  type: 'listening';
  port: number;
  token: string;
  /** How long building the register index took. */
  warmMs: number;
}

export interface ServerMemory extends Message {
  type: 'memory';
  peakRssMb: number;
}

const input = childInput<ServerInput>();
const db = openDatabase(input.databaseUrl, input.schema ? { schema: input.schema, poolSize: 10 } : {});
const context = createContext(benchConfig(input.databaseUrl), db);
const app = await buildApp(context, { logger: false });
const tenant = await context.tenants.resolveTenant(input.slug);
const { token } = await context.operators.createToken(tenant, { name: 'bench', role: 'operator' }, null);
await context.dispatch.runtime.startWorkers({ concurrency: input.workers });
// As `aviso serve` does after it starts listening; here before, so that the first preview is measured warm.
const warming = performance.now();
await context.dispatch.warmRegisters();
const warmMs = performance.now() - warming;

process.on('message', (message: Message) => {
  const memory: ServerMemory = { type: 'memory', peakRssMb: peakRssMb() };
  if (message.type === 'memory') void sendToParent(memory);
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
const ready: ServerReady = { type: 'listening', port: address.port, token, warmMs };
await sendToParent(ready);
