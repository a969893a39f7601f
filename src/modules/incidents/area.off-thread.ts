/**
 * Incident areas worked out off the event loop: buffering a line and checking a large polygon for
 * self-intersections take seconds on hostile input, so an area that is more than small goes to a worker
 * thread with a time budget and a memory limit. A small area (most of them) is parsed at once: a worker
 * costs more than it saves there. Its positions are counted before any thread starts, and a process runs
 * a few area threads at once (each may take its memory limit): further areas wait their turn, and past a
 * short queue they are refused with `area-busy` (503) rather than piling threads up.
 */
import { AppError, FieldError } from '../../errors.js';
import { workerModule } from '../../lib/worker-stream.js';
import { runWorkerTask, type WorkerTaskLimits } from '../../lib/worker-task.js';
import { checkAreaSize, parseAffectedArea, type AffectedArea, type AreaInput, type AreaLimits } from './area.js';

/** How long and how much memory one area's geometry may take. */
export const AREA_TASK_LIMITS: WorkerTaskLimits = { budgetMs: 5_000, maxMemoryMb: 512 };
/** Up to this many positions and no buffered line, an area is parsed on the event loop. */
const INLINE_MAX_POSITIONS = 500;

const AREA_WORKER = workerModule(import.meta.url, 'area.worker');

/** An area whose geometry overran its time or memory budget: 400 naming `area`. */
export class AreaTooComplexError extends FieldError {
  constructor() {
    super(400, 'area', 'area-too-complex');
  }
}

/** Too many heavy areas being worked out at once in this process: 503, try again shortly. */
export class AreaBusyError extends AppError {
  constructor() {
    super('area-busy', 503, {}, [], { retryAfter: 5 });
  }
}

/** Area threads at once per process, and areas that may wait for one. */
export interface AreaWorkerOptions {
  maxWorkers: number;
  maxWaiting: number;
  taskLimits: WorkerTaskLimits;
}

export const AREA_WORKERS: AreaWorkerOptions = { maxWorkers: 2, maxWaiting: 8, taskLimits: AREA_TASK_LIMITS };

/** Whether the area is small enough for the event loop: no buffered line, few positions (its JSON is a fair measure). */
function isSmall(input: AreaInput): boolean {
  if (input.area === undefined || input.area === null) return true;
  const json = typeof input.area === 'string' ? input.area : JSON.stringify(input.area);
  return !json.includes('LineString') && json.length < INLINE_MAX_POSITIONS * 40;
}

/**
 * parseAffectedArea, on a worker thread within the task limits unless the area is small, at most
 * `maxWorkers` threads at once (one parser per process); the area's size is checked before it waits.
 */
export function areaParser(options: AreaWorkerOptions = AREA_WORKERS) {
  let running = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  async function acquire(): Promise<void> {
    if (running < options.maxWorkers) {
      running++;
      peak = Math.max(peak, running);
      return;
    }
    if (waiting.length >= options.maxWaiting) throw new AreaBusyError();
    await new Promise<void>((resume) =>
      waiting.push(() => {
        running++;
        peak = Math.max(peak, running);
        resume();
      }),
    );
  }

  return {
    async parse(input: AreaInput, limits: AreaLimits): Promise<AffectedArea> {
      if (isSmall(input)) return parseAffectedArea(input, limits);
      checkAreaSize(input, limits);
      await acquire();
      try {
        return await runWorkerTask<AffectedArea>(
          AREA_WORKER,
          { input, limits },
          options.taskLimits,
          () => new AreaTooComplexError(),
        );
      } finally {
        release();
      }
    },
    /** Threads running now, areas waiting, and the most threads that ran at once. */
    stats: () => ({ running, waiting: waiting.length, peak }),
  };
}

export type AreaParser = ReturnType<typeof areaParser>;
