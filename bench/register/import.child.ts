/**
 * One register import in a process of its own, so that its peak RSS is the import's alone: the code
 * path of `aviso register import` (importRegister), timed, its counts sent back to the benchmark.
 */
import { createReadStream } from 'node:fs';
import { openDatabase } from '../../src/db/connection.js';
import { createContext } from '../../src/context.js';
import { importRegister } from '../../src/modules/register/register.import.js';
import type { RegisterImportCounts } from '../../src/modules/register/register.report.js';
import { benchConfig } from '../lib/config.js';
import { childInput, peakRssMb, sendToParent } from '../lib/child.js';

export interface RegisterImportInput {
  databaseUrl: string;
  schema: string | undefined;
  tenant: string;
  file: string;
  dryRun: boolean;
}

export interface RegisterImportResult {
  type: 'register-imported';
  seconds: number;
  counts: RegisterImportCounts & { massRemoval: boolean };
  peakRssMb: number;
}

const input = childInput<RegisterImportInput>();
const db = openDatabase(input.databaseUrl, input.schema ? { schema: input.schema, poolSize: 2 } : {});
const config = benchConfig(input.databaseUrl);
const context = createContext(config, db);
const tenant = await context.tenants.findTenant(input.tenant);
if (!tenant) throw new Error(`no tenant ${input.tenant}`);

const started = performance.now();
const {
  entries: _entries,
  dryRun: _dryRun,
  ...counts
} = await importRegister({ db, secret: config.secret }, tenant, createReadStream(input.file), {
  encoding: 'utf8',
  dryRun: input.dryRun,
  now: Date.now(),
});
const seconds = (performance.now() - started) / 1000;
await db.close();

const result: RegisterImportResult = { type: 'register-imported', seconds, counts, peakRssMb: peakRssMb() };
await sendToParent(result);
process.disconnect();
