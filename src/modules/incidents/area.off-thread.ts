/**
 * Incident areas worked out off the event loop: buffering a line and checking a large polygon for
 * self-intersections take seconds on hostile input, so an area that is more than small goes to a worker
 * thread with a time budget and a memory limit. A small area (most of them) is parsed at once: a worker
 * costs more than it saves there.
 */
import { FieldError } from '../../errors.js';
import { workerModule } from '../../lib/worker-stream.js';
import { runWorkerTask, type WorkerTaskLimits } from '../../lib/worker-task.js';
import { parseAffectedArea, type AffectedArea, type AreaInput, type AreaLimits } from './area.js';

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

/** Whether the area is small enough for the event loop: no buffered line, few positions (its JSON is a fair measure). */
function isSmall(input: AreaInput): boolean {
  if (input.area === undefined || input.area === null) return true;
  const json = typeof input.area === 'string' ? input.area : JSON.stringify(input.area);
  return !json.includes('LineString') && json.length < INLINE_MAX_POSITIONS * 40;
}

/** parseAffectedArea, on a worker thread within `limits` unless the area is small. */
export function parseAffectedAreaOffThread(
  input: AreaInput,
  limits: AreaLimits,
  taskLimits: WorkerTaskLimits = AREA_TASK_LIMITS,
): Promise<AffectedArea> {
  if (isSmall(input)) return Promise.resolve().then(() => parseAffectedArea(input, limits));
  return runWorkerTask<AffectedArea>(AREA_WORKER, { input, limits }, taskLimits, () => new AreaTooComplexError());
}
