/**
 * Runs the parsing half of an import on a worker thread (register.parse-worker.ts) and hands its
 * results back a batch at a time. The input stream is read here and passed on in chunks, no faster than
 * the worker parses, and the worker stays at most a few batches ahead of the import: memory stays flat.
 * An error of the input, of the worker or of the file ends the iteration with that error (our own
 * errors, such as a file without the needed columns, keep their class and field).
 */
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { CountryCode } from 'libphonenumber-js/max';
import { AppError, ValidationError, type FieldProblem } from '../../errors.js';
import type { RegisterDelimiter } from './register.columns.js';
import type { RegisterFileOptions } from './register.read.js';
import type { ParsedRegisterRow, RegisterRecord } from './register.row.js';

export interface ToWorkerData {
  file: RegisterFileOptions;
  secret: string;
  country: CountryCode;
  today: number;
}

/** A parsed row: its line, and a record with the person's key instead of the person id. */
export type ParsedLine =
  | ({ line: number } & Exclude<ParsedRegisterRow, { kind: 'ok' }>)
  | { line: number; kind: 'ok'; key: string; record: Omit<RegisterRecord, 'personId'>; warnings: string[] };

export type ToParser = { type: 'chunk'; data: Uint8Array } | { type: 'end' } | { type: 'ack' };

type SerialisedError = { code?: string; status?: number; message: string; fields?: FieldProblem[] };

export type FromParser =
  | { type: 'header'; delimiter: RegisterDelimiter; fieldCount: number }
  | { type: 'more' }
  | { type: 'lines'; lines: ParsedLine[] }
  | { type: 'done' }
  | { type: 'error'; error: SerialisedError };

export interface ParsedFile {
  delimiter: RegisterDelimiter;
  fieldCount: number;
  batches: AsyncIterable<ParsedLine[]>;
  /** Stops the worker and the input (also when the batches were never read). */
  close(): Promise<void>;
}

/** Chunks of the input passed on but not yet taken by the worker's parser. */
const CHUNKS_IN_FLIGHT = 4;

// From the TypeScript sources (tests, `tsx`) the worker needs tsx's loader; the build runs plain .js.
const WORKER_URL = new URL(`./register.parse-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);
const BOOTSTRAP = `const { workerData } = require('node:worker_threads');
(workerData.entry.endsWith('.ts') ? import('tsx/esm/api').then((tsx) => tsx.register()) : Promise.resolve())
  .then(() => import(workerData.entry));`;

function revive(error: SerialisedError): Error {
  const [field] = error.fields ?? [];
  if (error.code === 'validation' && field) return new ValidationError(field.field, field.message);
  if (error.code && error.status) return new AppError(error.code, error.status, error.message, error.fields ?? []);
  return new Error(`register parser: ${error.message}`);
}

/** A queue of the worker's messages that the import awaits, and that a failure ends. */
function inbox() {
  const queued: FromParser[] = [];
  let failure: Error | undefined;
  let waiting: (() => void) | undefined;
  const notify = () => {
    waiting?.();
    waiting = undefined;
  };
  return {
    push(message: FromParser) {
      queued.push(message);
      notify();
    },
    fail(error: Error) {
      failure ??= error;
      notify();
    },
    async next(): Promise<FromParser> {
      for (;;) {
        if (failure) throw failure;
        const message = queued.shift();
        if (message) return message;
        await new Promise<void>((resolve) => (waiting = resolve));
      }
    },
  };
}

export async function parseInWorker(input: Readable, data: ToWorkerData): Promise<ParsedFile> {
  const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { ...data, entry: WORKER_URL.href } });
  const messages = inbox();
  let credits = CHUNKS_IN_FLIGHT;
  let creditWaiter: (() => void) | undefined;
  worker.on('message', (message: FromParser) => {
    if (message.type === 'more') {
      credits++;
      creditWaiter?.();
    } else if (message.type === 'error') messages.fail(revive(message.error));
    else messages.push(message);
  });
  worker.on('error', (error) => messages.fail(error));
  worker.on('exit', (code) => messages.fail(new Error(`register parser stopped (exit code ${code})`)));

  const pump = async () => {
    for await (const chunk of input) {
      while (credits === 0) await new Promise<void>((resolve) => (creditWaiter = resolve));
      credits--;
      worker.postMessage({ type: 'chunk', data: chunk as Uint8Array } satisfies ToParser);
    }
    worker.postMessage({ type: 'end' } satisfies ToParser);
  };
  pump().catch((error: unknown) => messages.fail(error instanceof Error ? error : new Error(String(error))));

  const stop = async () => {
    input.destroy();
    await worker.terminate();
  };

  const first = await messages.next().catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  if (first.type !== 'header') throw new Error(`register parser: expected the header, got ${first.type}`);

  async function* batches(): AsyncGenerator<ParsedLine[]> {
    try {
      for (;;) {
        const message = await messages.next();
        if (message.type === 'done') return;
        if (message.type !== 'lines') continue;
        yield message.lines;
        worker.postMessage({ type: 'ack' } satisfies ToParser);
      }
    } finally {
      await stop();
    }
  }

  return { delimiter: first.delimiter, fieldCount: first.fieldCount, batches: batches(), close: stop };
}
