/**
 * Streams an address file into a tenant's register: parse → validate → batch upsert, all in one
 * transaction so that a failed import leaves the register exactly as it was. Rejected rows are reported
 * with their line number and reason; the import itself goes on.
 */
import type { Readable } from 'node:stream';
import type { Db } from '../../db/connection.js';
import { reusableWorkerStream, workerModule } from '../../lib/worker-stream.js';
import type { Tenant } from '../tenants/tenant.types.js';
import { checkCrs } from './address.crs.js';
import type { AddressFormat } from './address.parse.js';
import type { PrepareOptions, PreparedBatch, RejectedRow, SearchWordRow } from './address.prepare.js';
import { bulkRegisterWrite } from '../register/change-log.repository.js';
import { addressRepository, type NewAddressRow } from './address.repository.js';

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
/** The parsing thread, kept between imports (a server or a script importing many tenants' files). */
const parseInWorker = reusableWorkerStream<null, PreparedBatch>(
  workerModule(import.meta.url, 'address.parse-worker'),
  'address parser',
);

/**
 * Writes batches with one write in flight: PostgreSQL works on a batch while the next one is taken
 * from the parser and its statements are compiled. (On SQLite the write runs on this thread anyway.)
 */
function batchWriter(prepare: (rows: NewAddressRow[], words: SearchWordRow[]) => () => Promise<void>) {
  let inFlight: Promise<void> = Promise.resolve();
  return {
    async submit(rows: NewAddressRow[], words: SearchWordRow[]): Promise<void> {
      const write = prepare(rows, words);
      await inFlight;
      inFlight = write();
      // Observed at once, so that a failure is not reported as unhandled before `drain` rethrows it.
      inFlight.catch(() => undefined);
    },
    /** Waits for the last write and rethrows its failure. */
    drain: (): Promise<void> => inFlight,
    /** Waits for the last write, whatever its outcome: the import is failing anyway. */
    settle: (): Promise<void> => inFlight.catch(() => undefined),
  };
}

export async function importAddresses(
  db: Db,
  tenant: Tenant,
  input: Readable,
  options: AddressImportOptions,
): Promise<AddressImportReport> {
  checkCrs(options.crs); // an unknown CRS is refused before anything starts
  const report: AddressImportReport = { rows: 0, added: 0, updated: 0, unchanged: 0, rejected: 0, rejections: [] };
  const reject = (row: RejectedRow) => {
    report.rejected++;
    if (report.rejections.length < KEPT_REJECTIONS) report.rejections.push(row);
    options.onReject?.(row);
  };
  // Parsing and checking run on a worker thread while this one writes: two cores for one import.
  const prepare: PrepareOptions = {
    format: options.format,
    crs: options.crs,
    serviceArea: tenant.serviceArea,
    batchSize: options.batchSize ?? 2000,
    now: options.now,
  };
  const parsed = await parseInWorker(input, prepare);
  try {
    // Addresses added or moved: copies of the register (dispatch's index) are read again whole.
    await db.kysely.transaction().execute((trx) =>
      bulkRegisterWrite(trx, tenant.id, () =>
        db.engine.withLargeWriteCache(trx, async () => {
          const repo = addressRepository(trx, db.engine);
          // A first import only adds (the parser refuses a repeated source id), so it skips the upsert's work.
          const firstImport = (await repo.count(tenant.id)) === 0;
          const writer = batchWriter((rows, words) => {
            const insert = firstImport ? repo.prepareInsert(tenant.id, rows) : undefined;
            return async () => {
              if (insert) {
                await insert();
                report.added += rows.length;
              } else {
                const { added, updated } = await repo.upsertBatch(tenant.id, rows);
                report.added += added;
                report.updated += updated;
                report.unchanged += rows.length - added - updated;
              }
              await repo.addSearchWords(tenant.id, words);
            };
          });
          try {
            for await (const batch of parsed.batches) {
              report.rows = batch.rowsRead;
              batch.rejected.forEach(reject);
              await writer.submit(batch.rows, batch.words);
              options.onProgress?.(report.rows);
            }
            await writer.drain();
          } catch (error) {
            await writer.settle();
            throw error;
          }
        }),
      ),
    );
  } finally {
    await parsed.close();
  }
  if (report.added + report.updated > 0) await addressRepository(db.kysely, db.engine).refreshStatistics();
  return report;
}
