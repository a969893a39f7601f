/**
 * The parsing half of an import, on a worker thread of its own: decode, CSV, validate each row, normalise
 * its numbers, key its person id. The import's thread meanwhile matches addresses and writes the previous
 * rows (SQLite writes on that thread), so the two halves use two cores. Protocol: register.parser.ts.
 */
import { PassThrough } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../errors.js';
import { personKey } from './register.keys.js';
import type { ParsedLine, ToParser, ToWorkerData, FromParser } from './register.parser.js';
import { phoneNormaliser } from './register.phone.js';
import { openRegisterFile } from './register.read.js';
import { parseRegisterRow, type RowContext } from './register.row.js';

const BATCH = 1000;
/** Batches posted but not yet taken by the import: bounds the memory between the two threads. */
const MAX_UNACKNOWLEDGED = 4;

const port = parentPort!;
const data = workerData as ToWorkerData;
const post = (message: FromParser) => port.postMessage(message);

const input = new PassThrough({ highWaterMark: 1 << 20 });
let unacknowledged = 0;
let wake: (() => void) | undefined;

port.on('message', (message: ToParser) => {
  if (message.type === 'chunk') {
    // Ask for the next chunk once this one fits in the buffer: the file is read no faster than parsed.
    if (input.write(message.data)) post({ type: 'more' });
    else input.once('drain', () => post({ type: 'more' }));
  } else if (message.type === 'end') {
    input.end();
  } else {
    unacknowledged--;
    wake?.();
  }
});

async function send(lines: ParsedLine[]): Promise<void> {
  while (unacknowledged >= MAX_UNACKNOWLEDGED) await new Promise<void>((resolve) => (wake = resolve));
  unacknowledged++;
  post({ type: 'lines', lines });
}

function toLine(line: number, fields: string[], context: RowContext): ParsedLine {
  const parsed = parseRegisterRow(fields, context);
  if (parsed.kind !== 'ok') return { line, ...parsed };
  const { personId, ...record } = parsed.record;
  return { line, kind: 'ok', key: personKey(data.secret, personId), record, warnings: parsed.warnings };
}

try {
  const file = await openRegisterFile(input, data.file);
  post({ type: 'header', delimiter: file.delimiter, fieldCount: file.fieldCount });
  const context: RowContext = { index: file.index, fieldCount: file.fieldCount, normalisePhone: phoneNormaliser(data.country), today: data.today };
  let lines: ParsedLine[] = [];
  for await (const [line, fields] of file.rows) {
    lines.push(toLine(line, fields, context));
    if (lines.length >= BATCH) {
      await send(lines);
      lines = [];
    }
  }
  if (lines.length > 0) await send(lines);
  post({ type: 'done' });
} catch (error) {
  const app = error instanceof AppError;
  post({
    type: 'error',
    error: app ? { code: error.code, status: error.status, message: error.message, fields: error.fields } : { message: String((error as Error)?.message ?? error) },
  });
}
