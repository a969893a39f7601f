/**
 * Figures of the register import: a 1,000,000-row population register imported against 1,000,000 addresses of one
 * tenant, then a re-import of the same register with 5 % of it changed, and a dry run of that, on each
 * database, through the real import code path (importRegister, what `aviso register import` runs).
 *
 *   npm run bench -- register [--databases sqlite,postgres] [--addresses 1000000] [--persons 1000000]
 *
 * Each import runs in a child process of its own, so that its peak RSS is the import's. The address
 * register is imported first (not measured here: the addresses benchmark does that), and 1 in 1,000 of
 * the register's mobile numbers are suppressed, so that the opt-out check is part of the work.
 */
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createContext } from '../src/context.js';
import { keyedHash } from '../src/lib/crypto.js';
import { importAddresses } from '../src/modules/addresses/address.import.js';
import { generateRegisterData, type RegisterBenchData } from './register/data.js';
import type { RegisterImportInput, RegisterImportResult } from './register/import.child.js';
import { nextMessage, startChild } from './lib/child.js';
import { benchConfig } from './lib/config.js';
import { freshBenchDatabase, parseDatabases, type BenchDatabase, type BenchDatabaseKind } from './lib/databases.js';
import { formatNumber, type BenchResult, type Cell, type Check } from './lib/report.js';

export const description =
  'import a 1,000,000-row population register against 1,000,000 addresses, re-import it with 5 % changed (SQLite and PostgreSQL)';

const TARGETS = { importSeconds: 60, reimportSeconds: 60, peakRssMb: 1024 };
const TENANT = 'helsinki';

interface Options {
  databases: BenchDatabaseKind[];
  addresses: number;
  persons: number;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      databases: { type: 'string', default: 'sqlite,postgres' },
      addresses: { type: 'string', default: '1000000' },
      persons: { type: 'string', default: '1000000' },
    },
  });
  const databases = parseDatabases(values.databases);
  return { databases, addresses: Number(values.addresses), persons: Number(values.persons) };
}

/** The tenant, its address register and the suppressions, written before anything is measured. */
async function prepare(database: BenchDatabase, data: RegisterBenchData): Promise<number> {
  const db = openDatabase(database.url, database.schema ? { schema: database.schema, poolSize: 2 } : {});
  try {
    await migrateToLatest(db);
    const config = benchConfig(database.url);
    const context = createContext(config, db);
    const tenant = await context.tenants.createTenant({
      slug: TENANT,
      name: 'Helsinki (bench)',
      languages: ['fi', 'sv'],
      serviceArea: data.serviceArea,
    });
    const started = performance.now();
    const report = await importAddresses(db, tenant, createReadStream(data.addressesFile), {
      format: 'aviso',
      now: Date.now(),
    });
    if (report.rejected > 0)
      throw new Error(
        `address import: ${report.rejected} rows rejected, first: ${JSON.stringify(report.rejections[0])}`,
      );
    const rows = data.suppressed.map((e164) => ({
      tenant_id: tenant.id,
      endpoint_hash: keyedHash(config.secret, e164),
      created_at: Date.now(),
    }));
    for (let i = 0; i < rows.length; i += 500)
      await db.kysely
        .insertInto('suppressions')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.doNothing())
        .execute();
    return (performance.now() - started) / 1000;
  } finally {
    await db.close();
  }
}

function importOnce(database: BenchDatabase, file: string, dryRun: boolean): Promise<RegisterImportResult> {
  const input: RegisterImportInput = {
    databaseUrl: database.url,
    schema: database.schema,
    tenant: TENANT,
    file,
    dryRun,
  };
  return nextMessage<RegisterImportResult>(
    startChild(new URL('./register/import.child.ts', import.meta.url), input),
    'register-imported',
  );
}

interface CaseFigures {
  kind: BenchDatabaseKind;
  addressSeconds: number;
  imported: RegisterImportResult;
  reimported: RegisterImportResult;
  dryRun: RegisterImportResult;
}

async function measure(kind: BenchDatabaseKind, data: RegisterBenchData, options: Options): Promise<CaseFigures> {
  const database = await freshBenchDatabase(kind, 'register');
  try {
    console.log(`${kind}: importing ${formatNumber(options.addresses)} addresses (not measured)…`);
    const addressSeconds = await prepare(database, data);
    console.log(`${kind}: importing the register of ${formatNumber(options.persons)} rows…`);
    const imported = await importOnce(database, data.registerFile, false);
    console.log(`${kind}: ${imported.seconds.toFixed(1)} s; dry run of the changed register…`);
    const dryRun = await importOnce(database, data.changedFile, true);
    console.log(`${kind}: ${dryRun.seconds.toFixed(1)} s; re-importing it…`);
    const reimported = await importOnce(database, data.changedFile, false);
    console.log(`${kind}: ${reimported.seconds.toFixed(1)} s`);
    return { kind, addressSeconds, imported, reimported, dryRun };
  } finally {
    await database.drop();
  }
}

const counted = (r: RegisterImportResult) =>
  `+${r.counts.added} ~${r.counts.updated} -${r.counts.removed} =${r.counts.unchanged} ` +
  `(unmatched ${r.counts.unmatched}, protected ${r.counts.protected}, rejected ${r.counts.rejected}, suppressed ${r.counts.suppressed})`;

function tableRows({ kind, imported, reimported, dryRun }: CaseFigures): Array<Record<string, Cell>> {
  return [
    ['import', imported],
    ['dry run, 5 % changed', dryRun],
    ['re-import, 5 % changed', reimported],
  ].map(([what, r]) => {
    const result = r as RegisterImportResult;
    return {
      database: kind,
      run: what as string,
      rows: result.counts.rows,
      seconds: Number(result.seconds.toFixed(1)),
      'rows/s': Math.round(result.counts.rows / result.seconds),
      'peak RSS MB': Math.round(result.peakRssMb),
      'added ~updated -removed =unchanged': counted(result),
    };
  });
}

function checks({ kind, imported, reimported, dryRun }: CaseFigures): Check[] {
  const rss = Math.max(imported.peakRssMb, reimported.peakRssMb, dryRun.peakRssMb);
  const changed = reimported.counts.added + reimported.counts.updated + reimported.counts.removed;
  return [
    {
      name: `${kind}: import s`,
      target: `≤ ${TARGETS.importSeconds}`,
      actual: Number(imported.seconds.toFixed(1)),
      ok: imported.seconds <= TARGETS.importSeconds,
    },
    {
      name: `${kind}: re-import (5 % changed) s`,
      target: `≤ ${TARGETS.reimportSeconds}`,
      actual: Number(reimported.seconds.toFixed(1)),
      ok: reimported.seconds <= TARGETS.reimportSeconds,
    },
    {
      name: `${kind}: peak RSS MB`,
      target: `≤ ${TARGETS.peakRssMb}`,
      actual: Math.round(rss),
      ok: rss <= TARGETS.peakRssMb,
    },
    {
      name: `${kind}: persons changed by the re-import`,
      target: '3–8 % of the rows',
      actual: `${((changed / reimported.counts.rows) * 100).toFixed(1)} %`,
      ok: changed >= 0.03 * reimported.counts.rows && changed <= 0.08 * reimported.counts.rows,
    },
    {
      name: `${kind}: dry run counts = re-import counts`,
      target: 'equal',
      actual: counted(dryRun) === counted(reimported) ? 'equal' : `${counted(dryRun)} vs ${counted(reimported)}`,
      ok: counted(dryRun) === counted(reimported),
    },
  ];
}

export async function run(args: string[]): Promise<BenchResult> {
  const options = parseOptions(args);
  console.log(
    `generating ${formatNumber(options.addresses)} addresses and a register of ${formatNumber(options.persons)} (once; kept in the temp directory)…`,
  );
  const data = await generateRegisterData({ addresses: options.addresses, persons: options.persons });
  const cases: CaseFigures[] = [];
  for (const kind of options.databases) cases.push(await measure(kind, data, options));
  return { rows: cases.flatMap(tableRows), checks: cases.flatMap(checks), details: { options, cases } };
}
