/** The parsing half of an address import on a worker thread of its own (see address.prepare.ts). */
import { serveWorkerStream } from '../../lib/worker-stream.js';
import { prepareBatches, type PrepareOptions, type PreparedBatch } from './address.prepare.js';

serveWorkerStream<null, PreparedBatch>(async ({ data, input, header, send }) => {
  header(null);
  for await (const batch of prepareBatches(input, data as PrepareOptions)) await send(batch);
});
