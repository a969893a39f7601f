/**
 * Imports a public population register file for a tenant: a snapshot that replaces the register-sourced
 * data (self-registered data always wins). The file is parsed on a worker thread (register.parser.ts);
 * here each row is matched against the tenant's address register held in memory and compared with the
 * fingerprint of what is stored (register.snapshot.ts); new and changed persons are written in batches
 * (register.batches.ts). One transaction: a failed or interrupted import leaves the previous register
 * exactly as it was. A dry run computes the same diff and writes nothing.
 *
 * Memory: the address keys (~70 bytes an address) and one entry per person (~60 bytes); the rest is
 * streamed. On SQLite the transaction holds the database's one connection for the whole import.
 */
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/connection.js';
import { ConflictError } from '../../errors.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import { bulkRegisterWrite } from './change-log.repository.js';
import type { AuditLogTable, Database } from '../../db/schema.js';
import { auditRepository } from '../audit/audit.repository.js';
import { tenantCountry } from '../tenants/tenant.country.js';
import { suppressionHash } from '../residents/opt-out.js';
import type { Tenant } from '../tenants/tenant.types.js';
import { addressIndex, type AddressIndex } from './register.address-index.js';
import {
  batchWriter,
  deferIndexesWhenLarge,
  sweepAbsent,
  type BatchDeps,
  type BatchPerson,
} from './register.batches.js';
import type { IndexDeferral } from '../../db/engines/engine.js';
import { parseInWorker, type ParsedFile, type ParsedLine } from './register.parser.js';
import type { RegisterFileOptions } from './register.read.js';
import {
  emptyCounts,
  type RegisterImportCounts,
  type RegisterImportReport,
  type ReportEntry,
} from './register.report.js';
import { RANDOM_KEY_INDEXES, registerRepository, type RegisterRepository } from './register.repository.js';
import { fingerprint, loadPersonStates, type PersonStates } from './register.snapshot.js';

export interface RegisterImportOptions extends RegisterFileOptions {
  dryRun?: boolean;
  now: number;
  /** Allow an import that removes more than half of the register's persons (refused otherwise). */
  allowMassRemoval?: boolean;
  /** Who imports, for the audit entry. */
  actor?: { type: Extract<AuditLogTable['actor_type'], 'operator' | 'token' | 'import'>; id: string | null };
  /** The import run's id, for the audit entry. */
  importId?: string;
  batchSize?: number;
  /** Called after each batch with the number of rows read so far. */
  onProgress?: (rows: number) => void;
  /** Called with every report entry (rejected rows, remarks), e.g. to write the report file. */
  onReport?: (entry: ReportEntry) => void;
}

export interface RegisterImportDeps {
  db: Db;
  /** The server secret: keys person ids and suppression hashes. */
  secret: string;
}

const KEPT_ENTRIES = 1000;
// Small pages: each page read is garbage at once, and larger ones grew the heap (RSS) by 150 MB at a million addresses.
const ADDRESS_PAGE = 5000;
/** Registers smaller than this may lose more than half of their persons without the guard stepping in. */
const MASS_REMOVAL_MIN_PERSONS = 10;

export { personKey } from './register.keys.js';

async function loadAddresses(repo: RegisterRepository, tenantId: TenantId): Promise<AddressIndex> {
  const index = addressIndex();
  for (let after = ''; ;) {
    const page = await repo.addressKeys(tenantId, after, ADDRESS_PAGE);
    for (const row of page) index.add(row);
    if (page.length < ADDRESS_PAGE) return index;
    after = page[page.length - 1]!.source_id;
  }
}

interface ImportRun {
  deps: RegisterImportDeps;
  tenant: Tenant;
  /** `numbersHashed`: every row's numbers come with their suppression hashes. */
  file: ParsedFile & { numbersHashed: boolean };
  options: RegisterImportOptions;
  /** The transaction (or, for a dry run, the database). */
  kysely: Kysely<Database>;
  repo: RegisterRepository;
  write: boolean;
  /** Runs the writing part (rows and sweep) with what a large write needs (SQLite: a larger page cache). */
  largeWrite<T>(work: () => Promise<T>): Promise<T>;
  /** The random-key indexes a large first import builds at its end (see register.batches.ts). */
  indexes: IndexDeferral;
}

type Reference = Awaited<ReturnType<typeof referenceData>>;

async function referenceData(run: ImportRun) {
  const { repo, tenant, deps } = run;
  const addresses = await loadAddresses(repo, tenant.id);
  const suppressions = await repo.suppressionHashes(tenant.id);
  const covered = new Set((await repo.selfCoverage(tenant.id)).map((r) => `${r.address_id}\u0001${r.value}`));
  const claimed = await repo.selfClaimedPersons(tenant.id);
  /** Numbers of the file found suppressed by the hashes the parser computed (numberHashes). */
  const suppressedNumbers = new Set<string>();
  return {
    addresses,
    claimed,
    suppressions,
    suppressedNumbers,
    // Hashing every number costs a second per million: done by the parser, and only when anything is
    // suppressed at all (here only for a row it did not hash: a first suppression added meanwhile).
    isSuppressed: (value: string) =>
      suppressions.size > 0 &&
      (run.file.numbersHashed ? suppressedNumbers.has(value) : suppressions.has(suppressionHash(deps.secret, value))),
    isSelfCovered: (addressId: string, value: string) => covered.has(`${addressId}\u0001${value}`),
  };
}

/** What the row loop reads and updates. */
interface RowState {
  run: ImportRun;
  reference: Reference;
  counts: RegisterImportCounts;
  /** Every person of the register and of the file so far (see register.snapshot.ts). */
  states: PersonStates;
  /** Stored persons met in the file whose register data has to go. */
  toRemove: string[];
  report(entry: ReportEntry): void;
}

function reject(state: RowState, line: number, reason: string, candidate: string | null = null): null {
  state.counts.rejected++;
  state.report({ line, outcome: 'rejected', reason, candidate });
  return null;
}

/** Marks the row's person as met and not kept: a stored one then loses their register data. */
function dropPerson(state: RowState, key: string, line: number, stored: boolean): void {
  state.states.meet(key, -line);
  if (stored) state.toRemove.push(key);
}

/**
 * One row → a person to compare, or null: protected, rejected, unchanged (its fingerprint is the stored
 * one: nothing to do), or left to the resident's own entry.
 */
function prepareRow(state: RowState, parsed: ParsedLine): BatchPerson | null {
  const { counts, states, reference } = state;
  const { line } = parsed;
  if (parsed.kind === 'protected') {
    counts.protected++;
    if (parsed.unrecognised)
      state.report({
        line,
        outcome: 'protected',
        reason: 'unrecognised value in protected: read as protected, not imported',
        candidate: null,
      });
    return null;
  }
  if (parsed.kind === 'rejected') return reject(state, line, parsed.reason);
  const { record, warnings, key } = parsed;
  const prior = states.met(key);
  if (prior) {
    counts.duplicates++;
    return reject(state, line, `duplicate person_id: first on line ${Math.abs(prior)}`);
  }
  const stored = prior === 0;
  const match = reference.addresses.match(record.street, record.number, record.postalCode);
  if (!match.ok) {
    dropPerson(state, key, line, stored);
    counts.unmatched++;
    return reject(state, line, match.reason, match.candidate);
  }
  if (match.byBuilding) counts.byBuilding++;
  noteSuppressed(reference, parsed);
  if (warnings.length > 0) counts.warnings++;
  for (const warning of warnings) state.report({ line, outcome: 'imported', reason: warning, candidate: null });
  if (reference.claimed.has(key)) {
    dropPerson(state, key, line, stored);
    counts.skipped++;
    return null;
  }
  states.meet(key, line);
  const { firstName, lastName, birthDate, language, phones } = record;
  if (
    stored &&
    states.unchanged(
      key,
      fingerprint(
        firstName,
        lastName,
        birthDate,
        phones.map((p) => p.value),
        [match.addressId],
      ),
    )
  ) {
    counts.unchanged++;
    return null;
  }
  return {
    stored,
    person: { line, personKey: key, firstName, lastName, birthDate, language, addressId: match.addressId, phones },
  };
}

/** Keeps the row's numbers whose parser-computed hash is suppressed (see isSuppressed). */
function noteSuppressed(reference: Reference, parsed: ParsedLine & { kind: 'ok' }): void {
  if (reference.suppressions.size === 0 || !parsed.numberHashes) return;
  parsed.numberHashes.forEach((hash, i) => {
    if (reference.suppressions.has(hash)) reference.suppressedNumbers.add(parsed.record.phones[i]!.value);
  });
}

function guardMassRemoval(run: ImportRun, removed: number, before: number): boolean {
  const massRemoval = before >= MASS_REMOVAL_MIN_PERSONS && removed * 2 > before;
  if (massRemoval && run.write && !run.options.allowMassRemoval) {
    throw new ConflictError('mass-removal', { removed, before }, 'allowMassRemoval');
  }
  return massRemoval;
}

async function runImport(run: ImportRun): Promise<RegisterImportReport> {
  const { repo, tenant, write } = run;
  if (write) await repo.lockTenant(tenant.id);
  // Read with the connection's usual cache: the pages read here are not needed again.
  const reference = await referenceData(run);
  const { states, stored } = await loadPersonStates(repo, tenant.id);
  return run.largeWrite(() => importRows(run, reference, states, stored));
}

async function importRows(
  run: ImportRun,
  reference: Reference,
  states: PersonStates,
  stored: number,
): Promise<RegisterImportReport> {
  const { repo, tenant, file, options, write } = run;
  const counts = emptyCounts();
  const entries: ReportEntry[] = [];
  const state: RowState = {
    run,
    reference,
    counts,
    states,
    toRemove: [],
    report: (entry) => {
      if (entries.length < KEPT_ENTRIES) entries.push(entry);
      options.onReport?.(entry);
    },
  };
  const afterWrite = write ? deferIndexesWhenLarge(run.indexes, counts, stored) : undefined;
  const batchDeps: BatchDeps = {
    repo,
    tenantId: tenant.id,
    write,
    now: options.now,
    counts,
    states,
    toRemove: state.toRemove,
    ...reference,
    ...(afterWrite ? { afterWrite } : {}),
  };
  const writer = batchWriter(batchDeps, options.batchSize ?? run.deps.db.engine.importBatchRows);
  try {
    for await (const lines of file.batches) {
      for (const line of lines) {
        counts.rows++;
        const person = prepareRow(state, line);
        if (person) await writer.add(person);
      }
      options.onProgress?.(counts.rows);
    }
    await writer.finish();
  } finally {
    await writer.settle();
  }
  options.onProgress?.(counts.rows);
  // Before anything reads them again; a failure above rolls the drop back with the transaction.
  await run.indexes.rebuild();

  counts.removed = await sweepAbsent(batchDeps);
  const massRemoval = guardMassRemoval(run, counts.removed, stored);
  if (write) {
    await auditRepository(run.kysely).record(tenant.id, options.now, {
      actorType: options.actor?.type ?? 'import',
      actorId: options.actor?.id ?? null,
      action: 'register.import',
      subjectType: 'register_import',
      ...(options.importId ? { subjectId: options.importId } : {}),
      detail: { ...counts, encoding: options.encoding, delimiter: file.delimiter },
    });
  }
  return { ...counts, dryRun: !write, massRemoval, entries };
}

export async function importRegister(
  deps: RegisterImportDeps,
  tenant: Tenant,
  input: Readable,
  options: RegisterImportOptions,
): Promise<RegisterImportReport> {
  // Parsing runs on a worker thread; the header is read (and a wrong file refused) before any transaction starts.
  const { encoding, delimiter, columns } = options;
  const { db } = deps;
  const hashNumbers = await registerRepository(db.kysely, db.engine).hasSuppressions(tenant.id);
  const worker = {
    file: { encoding, delimiter, columns },
    secret: deps.secret,
    country: tenantCountry(tenant),
    today: options.now,
    hashNumbers,
  };
  const file = { ...(await parseInWorker(input, worker)), numbersHashed: hashNumbers };
  const on = (kysely: Kysely<Database>, write: boolean): ImportRun => ({
    deps,
    tenant,
    file,
    options,
    kysely,
    repo: registerRepository(kysely, db.engine),
    write,
    largeWrite: (work) => (write ? db.engine.withLargeWriteCache(kysely, work) : work()),
    indexes: db.engine.indexDeferral(kysely, RANDOM_KEY_INDEXES),
  });
  try {
    if (options.dryRun) return await runImport(on(db.kysely, false));
    // Too many contacts to name: copies of the register (dispatch's index) are read again whole.
    const report = await db.kysely
      .transaction()
      .execute((trx) => bulkRegisterWrite(trx, tenant.id, () => runImport(on(trx, true))));
    if (report.added + report.updated + report.removed > 0)
      await registerRepository(db.kysely, db.engine).refreshStatistics();
    return report;
  } finally {
    await file.close();
  }
}
