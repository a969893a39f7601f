/**
 * The import half of the addresses benchmark, in its own process so that its peak RSS is the import's:
 * creates the 20 tenants, imports their files through `importAddresses` (the code path of
 * `aviso addresses import`), then re-imports one file to show that an unchanged file writes nothing.
 */
import { createReadStream } from 'node:fs';
import { openDatabase } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createContext } from '../../src/context.js';
import { importAddresses, type AddressImportReport } from '../../src/modules/addresses/address.import.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import type { BenchTown } from '../generate.js';
import { benchConfig } from '../lib/config.js';
import { childInput, peakRssMb, sendToParent } from '../lib/child.js';

export interface ImportInput {
  databaseUrl: string;
  schema: string | undefined;
  towns: BenchTown[];
}

export interface TimedImport {
  slug: string;
  seconds: number;
  report: Omit<AddressImportReport, 'rejections'>;
}

export interface ImportResult {
  type: 'imported';
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** CPU time of this process per imported row (PostgreSQL's own work is not in it), microseconds. */
  cpuMicrosPerRow: number;
  towns: TimedImport[];
  reimport: TimedImport;
  peakRssMb: number;
}

const input = childInput<ImportInput>();
const db = openDatabase(input.databaseUrl, input.schema ? { schema: input.schema, poolSize: 2 } : {});
await migrateToLatest(db);
const context = createContext(benchConfig(input.databaseUrl), db);

async function timedImport(tenant: Tenant, file: string): Promise<TimedImport> {
  const started = performance.now();
  const { rejections, ...report } = await importAddresses(db, tenant, createReadStream(file), {
    format: 'aviso',
    now: Date.now(),
  });
  if (rejections.length > 0)
    throw new Error(
      `${tenant.slug}: ${report.rejected} rejected rows, first: line ${rejections[0]!.line}: ${rejections[0]!.reason}`,
    );
  return { slug: tenant.slug, seconds: (performance.now() - started) / 1000, report };
}

const tenants: Tenant[] = [];
for (const town of input.towns) {
  tenants.push(
    await context.tenants.createTenant({
      slug: town.slug,
      name: town.name,
      languages: town.swedish ? ['fi', 'sv'] : ['fi'],
      serviceArea: town.serviceArea,
    }),
  );
}

const started = performance.now();
const cpuAtStart = process.cpuUsage();
const towns: TimedImport[] = [];
for (const [i, tenant] of tenants.entries()) towns.push(await timedImport(tenant, input.towns[i]!.file));
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuAtStart);
const rows = towns.reduce((sum, t) => sum + t.report.added, 0);
const reimport = await timedImport(tenants[0]!, input.towns[0]!.file);
await db.close();

const result: ImportResult = {
  type: 'imported',
  rows,
  seconds,
  rowsPerSecond: rows / seconds,
  cpuMicrosPerRow: (cpu.user + cpu.system) / rows,
  towns,
  reimport,
  peakRssMb: peakRssMb(),
};
await sendToParent(result);
process.disconnect();
