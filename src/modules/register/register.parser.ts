/**
 * The register file parsed on a worker thread (register.parse-worker.ts, through lib/worker-stream.ts):
 * decode, CSV, validate each row, normalise its numbers, key its person id, while the import's thread
 * matches addresses and writes the previous rows.
 */
import type { Readable } from 'node:stream';
import type { CountryCode } from 'libphonenumber-js/max';
import { streamThroughWorker, workerModule } from '../../lib/worker-stream.js';
import type { RegisterDelimiter } from './register.columns.js';
import type { RegisterFileOptions } from './register.read.js';
import type { ParsedRegisterRow, RegisterRecord } from './register.row.js';

export interface ToWorkerData {
  file: RegisterFileOptions;
  secret: string;
  country: CountryCode;
  today: number;
  /** Also compute each number's suppression hash (the tenant has suppressions): done here, off the import's thread. */
  hashNumbers: boolean;
}

/** A parsed row: its line, and a record with the person's key instead of the person id. */
export type ParsedLine =
  | ({ line: number } & Exclude<ParsedRegisterRow, { kind: 'ok' }>)
  | {
      line: number;
      kind: 'ok';
      key: string;
      record: Omit<RegisterRecord, 'personId'>;
      warnings: string[];
      /** The suppression hashes of `record.phones`, in order, when asked for (ToWorkerData.hashNumbers). */
      numberHashes?: string[];
    };

export interface RegisterFileHeader {
  delimiter: RegisterDelimiter;
  fieldCount: number;
}

export interface ParsedFile extends RegisterFileHeader {
  batches: AsyncIterable<ParsedLine[]>;
  /** Stops the worker and the input (also when the batches were never read). */
  close(): Promise<void>;
}

const WORKER = workerModule(import.meta.url, 'register.parse-worker');

export async function parseInWorker(input: Readable, data: ToWorkerData): Promise<ParsedFile> {
  const stream = await streamThroughWorker<RegisterFileHeader, ParsedLine[]>(input, WORKER, data, 'register parser');
  return { ...stream.header, batches: stream.batches, close: stream.close };
}
