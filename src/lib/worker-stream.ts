/**
 * Runs the parsing half of an import on a worker thread and hands its results back a batch at a time,
 * so that parsing and writing use two cores (SQLite writes on the import's own thread).
 *
 * The input stream is read here and passed on in chunks, no faster than the worker parses, and the
 * worker stays at most a few batches ahead of the import: memory stays flat. An error of the input, of
 * the worker or of the file ends the iteration with that error (our own errors, such as a file without
 * the needed columns, keep their class and field). The worker's side is `serveWorkerStream`.
 */
import { PassThrough, type Readable } from 'node:stream';
import { parentPort, Worker, workerData, type ResourceLimits } from 'node:worker_threads';
import { AppError, ValidationError, type FieldProblem } from '../errors.js';
import { isProblemCode, type ProblemParams } from '../problems.js';

type ToWorker =
  { type: 'chunk'; data: Uint8Array } | { type: 'end' } | { type: 'ack' } | { type: 'start'; data: unknown };

export type SerialisedError = {
  code?: string;
  status?: number;
  message: string;
  params?: ProblemParams;
  fields?: FieldProblem[];
};

type FromWorker<H, B> =
  | { type: 'header'; header: H }
  | { type: 'more' }
  | { type: 'batch'; batch: B }
  | { type: 'done' }
  | { type: 'error'; error: SerialisedError };

export interface WorkerStream<H, B> {
  header: H;
  batches: AsyncIterable<B>;
  /** Stops the worker and the input (also when the batches were never read). */
  close(): Promise<void>;
}

/** Chunks of the input passed on but not yet taken by the worker's parser. */
const CHUNKS_IN_FLIGHT = 4;
/** Batches posted but not yet taken by the import: bounds the memory between the two threads. */
const MAX_UNACKNOWLEDGED = 4;

// From the TypeScript sources (tests, `tsx`) the worker needs tsx's loader; the build runs plain .js.
const BOOTSTRAP = `const { workerData } = require('node:worker_threads');
(workerData.entry.endsWith('.ts') ? import('tsx/esm/api').then((tsx) => tsx.register()) : Promise.resolve())
  .then(() => import(workerData.entry));`;

/** The worker module next to `base` (an `import.meta.url`): `.ts` from the sources, `.js` from the build. */
export function workerModule(base: string, name: string): URL {
  return new URL(`./${name}.${base.endsWith('.ts') ? 'ts' : 'js'}`, base);
}

/** An error the worker posted, as the class it was (our errors keep their code, status and fields). */
export function revive(error: SerialisedError, name: string): Error {
  const [field] = error.fields ?? [];
  if (error.code === 'validation' && field)
    return new ValidationError(field.field, field.code, field.params, (error.fields ?? []).slice(1));
  if (isProblemCode(error.code) && error.status)
    return new AppError(error.code, error.status, error.params ?? {}, error.fields ?? [], {}, error.message);
  return new Error(`${name}: ${error.message}`);
}

/** An error as a worker posts it (see `revive`). */
export function serialise(error: unknown): SerialisedError {
  if (error instanceof AppError)
    return {
      code: error.code,
      status: error.status,
      message: error.message,
      params: error.params,
      fields: error.fields,
    };
  return { message: String((error as Error)?.message ?? error) };
}

/** A queue of the worker's messages that the import awaits, and that a failure ends. */
function inbox<H, B>() {
  const queued: Array<FromWorker<H, B>> = [];
  let failure: Error | undefined;
  let waiting: (() => void) | undefined;
  const notify = () => {
    waiting?.();
    waiting = undefined;
  };
  return {
    push(message: FromWorker<H, B>) {
      queued.push(message);
      notify();
    },
    fail(error: Error) {
      failure ??= error;
      notify();
    },
    async next(): Promise<FromWorker<H, B>> {
      for (;;) {
        if (failure) throw failure;
        const message = queued.shift();
        if (message) return message;
        await new Promise<void>((resolve) => (waiting = resolve));
      }
    },
  };
}

/** Starts the worker module `entry` (from the sources or the build) with `data`. */
export function startWorker(entry: URL, data: unknown, options: { resourceLimits?: ResourceLimits } = {}): Worker {
  return new Worker(BOOTSTRAP, { eval: true, workerData: { data, entry: entry.href }, ...options });
}

/** Starts `entry` on a worker thread with `data` and feeds it `input`; resolves once it sent its header. */
export async function streamThroughWorker<H, B>(
  input: Readable,
  entry: URL,
  data: unknown,
  name = 'parser',
): Promise<WorkerStream<H, B>> {
  const worker = startWorker(entry, data);
  return attach<H, B>(worker, input, name, async () => {
    await worker.terminate();
  });
}

/**
 * Like `streamThroughWorker`, but the thread is kept for the next stream of the same kind once a stream
 * has been read to its end (for `idleMs`, not keeping the process alive meanwhile): starting a thread
 * and loading its modules took 0.1–0.4 s, a fifth of the time of a 50,000-row address import. A stream
 * closed early or failed ends its thread, which may still be busy with it.
 */
export function reusableWorkerStream<H, B>(entry: URL, name: string, idleMs = 30_000) {
  let idle: Worker | undefined;
  let timer: NodeJS.Timeout | undefined;
  const forget = (worker: Worker) => {
    if (idle !== worker) return;
    idle = undefined;
    clearTimeout(timer);
  };
  return async (input: Readable, data: unknown): Promise<WorkerStream<H, B>> => {
    let worker = idle;
    if (worker) {
      forget(worker);
      worker.ref();
      worker.postMessage({ type: 'start', data } satisfies ToWorker);
    } else {
      const started = startWorker(entry, data);
      started.once('exit', () => forget(started));
      worker = started;
    }
    const kept = worker;
    return attach<H, B>(kept, input, name, async (finished) => {
      if (!finished || idle) {
        await kept.terminate();
        return;
      }
      kept.unref();
      idle = kept;
      timer = setTimeout(() => {
        forget(kept);
        void kept.terminate();
      }, idleMs).unref();
    });
  };
}

/**
 * Feeds `input` to the worker and reads its header and batches; `release` is called once, when the
 * stream is closed, with whether the worker finished it (and so is free for another).
 */
async function attach<H, B>(
  worker: Worker,
  input: Readable,
  name: string,
  release: (finished: boolean) => Promise<void>,
): Promise<WorkerStream<H, B>> {
  const messages = inbox<H, B>();
  let credits = CHUNKS_IN_FLIGHT;
  let creditWaiter: (() => void) | undefined;
  let finished = false;
  const onMessage = (message: FromWorker<H, B>) => {
    if (message.type === 'more') {
      credits++;
      creditWaiter?.();
    } else if (message.type === 'error') messages.fail(revive(message.error, name));
    else messages.push(message);
  };
  const onError = (error: Error) => messages.fail(error);
  const onExit = (code: number) => messages.fail(new Error(`${name} stopped (exit code ${code})`));
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);

  const pump = async () => {
    for await (const chunk of input) {
      while (credits === 0) await new Promise<void>((resolve) => (creditWaiter = resolve));
      credits--;
      worker.postMessage({ type: 'chunk', data: chunk as Uint8Array } satisfies ToWorker);
    }
    worker.postMessage({ type: 'end' } satisfies ToWorker);
  };
  pump().catch((error: unknown) => messages.fail(error instanceof Error ? error : new Error(String(error))));

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      input.destroy();
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      await release(finished);
    })());

  const first = await messages.next().catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  if (first.type !== 'header') {
    await stop();
    throw new Error(`${name}: expected the header, got ${first.type}`);
  }

  async function* batches(): AsyncGenerator<B> {
    try {
      for (;;) {
        const message = await messages.next();
        if (message.type === 'done') {
          finished = true;
          return;
        }
        if (message.type !== 'batch') continue;
        yield message.batch;
        worker.postMessage({ type: 'ack' } satisfies ToWorker);
      }
    } finally {
      await stop();
    }
  }

  return { header: first.header, batches: batches(), close: stop };
}

export interface WorkerStreamServer<H, B> {
  /** The worker's data, as given to `streamThroughWorker`. */
  data: unknown;
  /** The input's bytes, as the import thread reads them. */
  input: Readable;
  header(header: H): void;
  /** Posts a batch; waits while the import is several batches behind. */
  send(batch: B): Promise<void>;
}

/**
 * The worker thread's side: call once from the worker module, with what it does with the input of each
 * stream (one after another when the thread is kept: see `reusableWorkerStream`).
 */
export function serveWorkerStream<H, B>(work: (server: WorkerStreamServer<H, B>) => Promise<void>): void {
  const port = parentPort!;
  const post = (message: FromWorker<H, B>) => port.postMessage(message);
  let input = new PassThrough();
  let unacknowledged = 0;
  let wake: (() => void) | undefined;

  const serve = (data: unknown) => {
    input = new PassThrough({ highWaterMark: 1 << 20 });
    unacknowledged = 0;
    const server: WorkerStreamServer<H, B> = {
      data,
      input,
      header: (header) => post({ type: 'header', header }),
      async send(batch) {
        while (unacknowledged >= MAX_UNACKNOWLEDGED) await new Promise<void>((resolve) => (wake = resolve));
        unacknowledged++;
        post({ type: 'batch', batch });
      },
    };
    work(server)
      .then(() => post({ type: 'done' }))
      .catch((error: unknown) => {
        post({ type: 'error', error: serialise(error) });
      });
  };

  port.on('message', (message: ToWorker) => {
    if (message.type === 'chunk') {
      // Ask for the next chunk once this one fits in the buffer: the file is read no faster than parsed.
      const current = input;
      if (current.write(message.data)) post({ type: 'more' });
      else current.once('drain', () => post({ type: 'more' }));
    } else if (message.type === 'end') {
      input.end();
    } else if (message.type === 'start') {
      serve(message.data);
    } else {
      unacknowledged--;
      wake?.();
    }
  });

  serve((workerData as { data: unknown }).data);
}
