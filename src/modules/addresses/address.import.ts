/**
 * Streams an address file into a tenant's register: parse → validate → batch upsert, all in one
 * transaction so that a failed import leaves the register exactly as it was. Rejected rows are reported
 * with their line number and reason; the import itself goes on.
 */
import type { Readable } from 'node:stream';
import type { Db } from '../../db/connection.js';
import type { SearchWordsTable } from '../../db/schema.js';
import { pointInAreaTest } from '../../lib/geo.js';
import { newId } from '../../lib/ids.js';
import { foldHouseNumber, foldText, houseNumberInt, streetWords } from '../../lib/text.js';
import type { Tenant } from '../tenants/tenant.types.js';
import { projectorFor } from './address.crs.js';
import type { AddressFormat, AddressRecord, ParsedRow } from './address.parse.js';
import { readRows } from './address.read.js';
import { addressRepository, type NewAddressRow } from './address.repository.js';

export interface RejectedRow {
  line: number;
  reason: string;
}

export interface AddressImportReport {
  rows: number;
  added: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** The first rejected rows (all of them go to `onReject`). */
  rejections: RejectedRow[];
}

export interface AddressImportOptions {
  format: AddressFormat;
  crs?: string;
  /** Called with each rejected row, e.g. to write a full report file. */
  onReject?: (row: RejectedRow) => void;
  /** Called after each batch with the number of rows read so far. */
  onProgress?: (rows: number) => void;
  batchSize?: number;
  now: number;
}

const KEPT_REJECTIONS = 1000;

type Fold = (value: string) => string;

/** foldText remembered per import: a street's and a town's name repeat on every one of their addresses. */
function memoizedFold(): Fold {
  const folded = new Map<string, string>();
  return (value) => {
    let key = folded.get(value);
    if (key === undefined) folded.set(value, (key = foldText(value)));
    return key;
  };
}

function toRow(record: AddressRecord, now: number, fold: Fold): NewAddressRow {
  return {
    id: newId(),
    source_id: record.sourceId,
    street: record.street,
    street_sv: record.streetSv,
    number: record.number,
    number_int: houseNumberInt(record.number),
    number_key: foldHouseNumber(record.number),
    postal_code: record.postalCode,
    postal_town: record.postalTown,
    municipality: record.municipality,
    property_id: record.propertyId,
    building_id: record.buildingId,
    lat: record.lat,
    lon: record.lon,
    street_key: fold(record.street),
    street_key_sv: record.streetSv ? fold(record.streetSv) : null,
    updated_at: now,
  };
}

type SearchWordRow = Pick<SearchWordsTable, 'word' | 'kind' | 'key'>;

/** Collects the search words of the streets and towns met since the last `take()`, each key once per import. */
function searchWordCollector(fold: Fold) {
  const seenKeys = new Set<string>();
  let words: SearchWordRow[] = [];
  const add = (kind: SearchWordRow['kind'], key: string, name: string) => {
    const id = `${kind}\u0000${key}`;
    if (seenKeys.has(id)) return;
    seenKeys.add(id);
    for (const word of streetWords(fold(name))) words.push({ word, kind, key });
  };
  return {
    addRow(row: NewAddressRow): void {
      add('street', row.street_key, row.street_key);
      if (row.street_key_sv) add('street_sv', row.street_key_sv, row.street_key_sv);
      if (row.postal_town) add('town', row.postal_town, row.postal_town);
    },
    take(): SearchWordRow[] {
      const taken = words;
      words = [];
      return taken;
    },
  };
}

/**
 * Writes batches with one write in flight: PostgreSQL works on a batch while the next one is read and
 * checked here. (On SQLite the write runs on this thread anyway, so nothing changes there.)
 */
function batchWriter(write: (rows: NewAddressRow[], words: SearchWordRow[]) => Promise<void>) {
  let inFlight: Promise<void> = Promise.resolve();
  return {
    async submit(rows: NewAddressRow[], words: SearchWordRow[]): Promise<void> {
      await inFlight;
      inFlight = write(rows, words);
      // Observed at once, so that a failure is not reported as unhandled before `drain` rethrows it.
      inFlight.catch(() => undefined);
    },
    /** Waits for the last write and rethrows its failure. */
    drain: (): Promise<void> => inFlight,
    /** Waits for the last write, whatever its outcome: the import is failing anyway. */
    settle: (): Promise<void> => inFlight.catch(() => undefined),
  };
}

/** The rules a parsed row must pass before it is written: a valid row, a new id, inside the service area. */
function rowChecker(tenant: Tenant, now: number, reject: (line: number, reason: string) => void) {
  const insideServiceArea = pointInAreaTest(tenant.serviceArea);
  const seenIds = new Map<string, number>();
  const fold = memoizedFold();
  return {
    fold,
    check(line: number, parsed: ParsedRow): NewAddressRow | undefined {
      if (!parsed.ok) return void reject(line, parsed.reason);
      const { record } = parsed;
      const firstLine = seenIds.get(record.sourceId);
      if (firstLine !== undefined) return void reject(line, `duplicate id ${record.sourceId} (first on line ${firstLine})`);
      if (!insideServiceArea(record.lon, record.lat)) {
        return void reject(line, `outside the service area (${record.lat.toFixed(5)}, ${record.lon.toFixed(5)})`);
      }
      seenIds.set(record.sourceId, line);
      return toRow(record, now, fold);
    },
  };
}

export async function importAddresses(db: Db, tenant: Tenant, input: Readable, options: AddressImportOptions): Promise<AddressImportReport> {
  const project = projectorFor(options.crs);
  const batchSize = options.batchSize ?? 2000;
  const report: AddressImportReport = { rows: 0, added: 0, updated: 0, unchanged: 0, rejected: 0, rejections: [] };
  const reject = (line: number, reason: string) => {
    report.rejected++;
    if (report.rejections.length < KEPT_REJECTIONS) report.rejections.push({ line, reason });
    options.onReject?.({ line, reason });
  };

  await db.kysely.transaction().execute(async (trx) => {
    const repo = addressRepository(trx, db.dialect);
    const rows = rowChecker(tenant, options.now, reject);
    const words = searchWordCollector(rows.fold);
    const writer = batchWriter(async (batch, batchWords) => {
      const { added, updated } = await repo.upsertBatch(tenant.id, batch);
      report.added += added;
      report.updated += updated;
      report.unchanged += batch.length - added - updated;
      await repo.addSearchWords(tenant.id, batchWords);
      options.onProgress?.(report.rows);
    });
    let batch: NewAddressRow[] = [];
    try {
      for await (const run of readRows(input, options.format, project)) {
        for (const [line, parsed] of run) {
          report.rows++;
          const row = rows.check(line, parsed);
          if (!row) continue;
          batch.push(row);
          words.addRow(row);
          if (batch.length >= batchSize) {
            await writer.submit(batch, words.take());
            batch = [];
          }
        }
      }
      if (batch.length > 0) await writer.submit(batch, words.take());
      await writer.drain();
    } catch (error) {
      await writer.settle();
      throw error;
    }
  });
  if (report.added + report.updated > 0) await addressRepository(db.kysely, db.dialect).refreshStatistics();
  return report;
}
