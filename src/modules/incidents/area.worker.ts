/** The worker-thread side of area.off-thread.ts: parses one incident area. */
import { serveWorkerTask } from '../../lib/worker-task.js';
import { parseAffectedArea, type AreaInput, type AreaLimits } from './area.js';

serveWorkerTask((data: { input: AreaInput; limits: AreaLimits }) => parseAffectedArea(data.input, data.limits));
