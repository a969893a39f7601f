/**
 * The parsing half of a register import, on a worker thread of its own (see register.parser.ts): decode,
 * CSV, validate each row, normalise its numbers, key its person id.
 */
import { serveWorkerStream } from '../../lib/worker-stream.js';
import { suppressionHash } from '../residents/opt-out.js';
import { personKey } from './register.keys.js';
import type { ParsedLine, RegisterFileHeader, ToWorkerData } from './register.parser.js';
import { phoneNormaliser } from './register.phone.js';
import { openRegisterFile } from './register.read.js';
import { parseRegisterRow, type RowContext } from './register.row.js';

const BATCH = 1000;

serveWorkerStream<RegisterFileHeader, ParsedLine[]>(async ({ data: raw, input, header, send }) => {
  const data = raw as ToWorkerData;
  const toLine = (line: number, fields: string[], context: RowContext): ParsedLine => {
    const parsed = parseRegisterRow(fields, context);
    if (parsed.kind !== 'ok') return { line, ...parsed };
    const { personId, ...record } = parsed.record;
    const key = personKey(data.secret, personId);
    if (!data.hashNumbers) return { line, kind: 'ok', key, record, warnings: parsed.warnings };
    const numberHashes = record.phones.map((phone) => suppressionHash(data.secret, phone.value));
    return { line, kind: 'ok', key, record, warnings: parsed.warnings, numberHashes };
  };

  const file = await openRegisterFile(input, data.file);
  header({ delimiter: file.delimiter, fieldCount: file.fieldCount });
  const context: RowContext = {
    index: file.index,
    fieldCount: file.fieldCount,
    normalisePhone: phoneNormaliser(data.country),
    today: data.today,
  };
  let lines: ParsedLine[] = [];
  for await (const [line, fields] of file.rows) {
    lines.push(toLine(line, fields, context));
    if (lines.length >= BATCH) {
      await send(lines);
      lines = [];
    }
  }
  if (lines.length > 0) await send(lines);
});
