/**
 * The write side of an import: new and changed persons are compared and written a batch at a time (the
 * stored data of the changed ones loaded with three queries per batch), and the next batch is read while
 * the database writes the previous one. At the end, the sweep removes the register persons the file no
 * longer has. With `write: false` (a dry run) every comparison and count is the same; nothing is written.
 */
import type { IndexDeferral } from '../../db/engines/engine.js';
import { newId } from '../../lib/ids.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import { diffPerson, emptyPlan, type DiffContext, type PreparedPerson, type StoredPerson } from './register.diff.js';
import type { RegisterRepository } from './register.repository.js';
import type { RegisterImportCounts } from './register.report.js';
import type { PersonStates } from './register.snapshot.js';

export interface BatchDeps {
  repo: RegisterRepository;
  tenantId: TenantId;
  write: boolean;
  now: number;
  counts: RegisterImportCounts;
  states: PersonStates;
  /** Stored persons met in the file whose register data has to go (rejected, skipped, now protected…). */
  toRemove: string[];
  isSuppressed(value: string): boolean;
  isSelfCovered(addressId: string, value: string): boolean;
  /** Called after each batch is written (not on a dry run). */
  afterWrite?(): Promise<void>;
}

/** A person of the file, and whether the register holds them already. */
export interface BatchPerson {
  person: PreparedPerson;
  stored: boolean;
}

function groupStored(stored: Awaited<ReturnType<RegisterRepository['storedPersons']>>): Map<string, StoredPerson[]> {
  const byContact = new Map<string, StoredPerson>();
  const byPerson = new Map<string, StoredPerson[]>();
  for (const contact of stored.contacts) {
    const person: StoredPerson = { contact, endpoints: [], links: [] };
    byContact.set(contact.id, person);
    const key = contact.person_id ?? '';
    byPerson.set(key, [...(byPerson.get(key) ?? []), person]);
  }
  for (const endpoint of stored.endpoints) byContact.get(endpoint.contact_id)?.endpoints.push(endpoint);
  for (const link of stored.links) byContact.get(link.contact_id)?.links.push(link);
  return byPerson;
}

async function writeBatch(deps: BatchDeps, batch: BatchPerson[]): Promise<void> {
  const storedKeys = batch.filter((b) => b.stored).map((b) => b.person.personKey);
  const stored =
    storedKeys.length > 0
      ? groupStored(await deps.repo.storedPersons(deps.tenantId, storedKeys))
      : new Map<string, StoredPerson[]>();
  const plan = emptyPlan();
  const context: DiffContext = {
    newId,
    isSuppressed: deps.isSuppressed,
    isSelfCovered: deps.isSelfCovered,
    counts: deps.counts,
  };
  for (const { person, stored: wasStored } of batch) {
    const outcome = diffPerson(person, stored.get(person.personKey) ?? [], context, plan);
    deps.counts[outcome]++;
    if (outcome !== 'skipped') continue;
    deps.states.meet(person.personKey, -person.line);
    if (wasStored) deps.toRemove.push(person.personKey);
  }
  if (!deps.write) return;
  await deps.repo.apply(deps.tenantId, plan, deps.now);
  await deps.afterWrite?.();
}

/** Collects persons into batches; writes one batch while the caller reads the next. */
export function batchWriter(deps: BatchDeps, batchSize: number) {
  let batch: BatchPerson[] = [];
  let inFlight: Promise<void> = Promise.resolve();

  const flush = async (): Promise<void> => {
    await inFlight;
    const persons = batch;
    batch = [];
    inFlight = persons.length > 0 ? writeBatch(deps, persons) : Promise.resolve();
    // Handled when awaited (next flush or finish); this only keeps Node from calling it unhandled meanwhile.
    inFlight.catch(() => {});
  };

  return {
    /** Adds a person; resolves at once unless a full batch has to wait for the previous one. */
    async add(person: BatchPerson): Promise<void> {
      batch.push(person);
      if (batch.length >= batchSize) await flush();
    },
    async finish(): Promise<void> {
      await flush();
      await inFlight;
    },
    /**
     * Waits for the batch being written, ignoring its outcome: when reading fails, the transaction must
     * not roll back while a write is still running on its connection (it would then run outside it).
     */
    async settle(): Promise<void> {
      await inFlight.catch(() => {});
    },
  };
}

/** A first import defers its random-key index builds once it has added this many persons… */
const DEFER_INDEXES_AFTER = 50_000;
/** …and while the tables hold at most this many times as many rows as it has added (the rebuild reads them all). */
const DEFER_INDEXES_RATIO = 4;

/**
 * The `afterWrite` of a first import (no register persons stored): once it has added enough persons to
 * be large, its random-key indexes are built at the end instead of row by row (db/engines/sqlite/deferred-indexes.ts).
 * Nothing of an import that has stored persons to look up by those indexes.
 */
export function deferIndexesWhenLarge(
  indexes: IndexDeferral,
  counts: RegisterImportCounts,
  stored: number,
): (() => Promise<void>) | undefined {
  if (stored > 0) return undefined;
  let next = DEFER_INDEXES_AFTER;
  return async () => {
    if (counts.added < next) return;
    next = counts.added * 2;
    await indexes.deferIfSmall(counts.added * DEFER_INDEXES_RATIO);
  };
}

/** Removes the register data of the stored persons the file did not (validly) have; returns how many. */
export async function sweepAbsent(deps: BatchDeps): Promise<number> {
  const gone = [...deps.toRemove];
  for (const key of deps.states.unmet()) gone.push(key);
  if (deps.write) await deps.repo.removePersonsByKey(deps.tenantId, gone);
  return gone.length;
}
