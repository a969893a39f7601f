/**
 * The import half of the network benchmark, in its own process so that its peak RSS is the import's, as
 * `aviso network import` would have it: opens the database, imports the file through the network service.
 */
import { createReadStream } from 'node:fs';
import { openDatabase } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createContext } from '../../src/context.js';
import type { NetworkSummary } from '../../src/modules/network/network.schemas.js';
import { benchConfig } from '../lib/config.js';
import { childInput, peakRssMb, sendToParent } from '../lib/child.js';

export interface NetworkImportInput {
  databaseUrl: string;
  schema: string | undefined;
  slug: string;
  file: string;
}

export interface NetworkImported {
  type: 'imported';
  seconds: number;
  summary: NetworkSummary;
  peakRssMb: number;
  /** This process's RSS before the import started (Node, the app's modules, the database connection). */
  startRssMb: number;
}

const input = childInput<NetworkImportInput>();
const db = openDatabase(input.databaseUrl, input.schema ? { schema: input.schema, poolSize: 2 } : {});
await migrateToLatest(db);
const context = createContext(benchConfig(input.databaseUrl), db);
const tenant = await context.tenants.findTenant(input.slug);
if (!tenant) throw new Error(`no tenant ${input.slug}`);
const startRssMb = process.memoryUsage().rss / 2 ** 20;
const started = performance.now();
const result = await context.networks.importNetwork(tenant, 'water', createReadStream(input.file), { now: Date.now() });
const seconds = (performance.now() - started) / 1000;
await db.close();
if (!result.stored) throw new Error(`import refused: ${JSON.stringify(result.rejections.slice(0, 5))}`);
const message: NetworkImported = {
  type: 'imported',
  seconds,
  summary: result.summary,
  peakRssMb: peakRssMb(),
  startRssMb,
};
await sendToParent(message);
process.disconnect();
