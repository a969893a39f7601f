/**
 * One piece of CPU-heavy work on a worker thread of its own, with a time budget and a memory limit: the
 * event loop keeps serving while it runs, and work that overruns either is stopped (the thread ended)
 * rather than stalling or crashing the server. The worker's side is `serveWorkerTask`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { revive, serialise, startWorker, type SerialisedError } from './worker-stream.js';

export interface WorkerTaskLimits {
  budgetMs: number;
  maxMemoryMb: number;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: SerialisedError };

/** Runs the worker module `entry` on `data`; rejects with `overrun()` when it takes too long or too much memory. */
export function runWorkerTask<T>(
  entry: URL,
  data: unknown,
  limits: WorkerTaskLimits,
  overrun: () => Error,
): Promise<T> {
  const worker = startWorker(entry, data, {
    resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb, maxYoungGenerationSizeMb: 32 },
  });
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      finish();
    };
    const timer = setTimeout(() => settle(() => reject(overrun())), limits.budgetMs);
    worker.once('message', (outcome: Outcome<T>) =>
      settle(() => (outcome.ok ? resolve(outcome.value) : reject(revive(outcome.error, 'worker task')))),
    );
    worker.once('error', (error: Error & { code?: string }) =>
      settle(() => reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? overrun() : error)),
    );
    worker.once('exit', () => settle(() => reject(new Error('worker task: the thread ended without an answer'))));
  });
}

/** The worker thread's side: computes `work(data)` once and posts the outcome. */
export function serveWorkerTask<D, T>(work: (data: D) => T): void {
  const data = (workerData as { data: D }).data;
  let outcome: Outcome<T>;
  try {
    outcome = { ok: true, value: work(data) };
  } catch (error) {
    outcome = { ok: false, error: serialise(error) };
  }
  parentPort!.postMessage(outcome);
}
