/**
 * Streams a register file: decode (UTF-8, ISO-8859-1 or Windows-1252, by iconv-lite as the bytes
 * arrive), read the header line to find the delimiter and our columns, then yield the rows as arrays
 * with their line numbers. Constant memory; an error of the input stream ends the iteration with it.
 */
import { pipeline, Readable } from 'node:stream';
import { CsvError, parse as parseCsv } from 'csv-parse';
import iconv from 'iconv-lite';
import { ValidationError } from '../../errors.js';
import {
  detectDelimiter,
  resolveColumns,
  type ColumnMapping,
  type RegisterDelimiter,
  type RegisterEncoding,
  type ResolvedHeader,
} from './register.columns.js';

export interface RegisterFileOptions {
  encoding: RegisterEncoding;
  /** Detected from the header line when not given. */
  delimiter?: RegisterDelimiter | undefined;
  /** Our column → the file's header, for other layouts. */
  columns?: ColumnMapping | undefined;
}

export interface RegisterFile extends ResolvedHeader {
  delimiter: RegisterDelimiter;
  /** [line number, fields] of every data row. */
  rows: AsyncIterable<readonly [number, string[]]>;
}

const ignore = (): void => {};

/** What iconv-lite puts where a byte sequence is not valid in the encoding. */
const REPLACEMENT = '\uFFFD';

function notUtf8(line: number): ValidationError {
  return new ValidationError('encoding', 'not-utf8', { line });
}

/** Reads up to the end of the header line; the text read so far and the rest of the stream. */
async function readHead(chunks: AsyncIterator<string>): Promise<{ head: string; headerLine: string }> {
  let head = '';
  let end = -1;
  while (end < 0) {
    const next = await chunks.next();
    if (next.done) break;
    head += next.value;
    end = head.indexOf('\n');
  }
  const headerLine = (end < 0 ? head : head.slice(0, end)).replace(/\r$/, '').replace(/^\uFEFF/, '');
  if (headerLine.trim() === '') throw new ValidationError('file', 'file-empty');
  return { head, headerLine };
}

export async function openRegisterFile(input: Readable, options: RegisterFileOptions): Promise<RegisterFile> {
  const decoded = pipeline(input, iconv.decodeStream(options.encoding), ignore) as unknown as AsyncIterable<string>;
  const chunks = decoded[Symbol.asyncIterator]();
  const { head, headerLine } = await readHead(chunks);
  const utf8 = options.encoding === 'utf8';
  if (utf8 && headerLine.includes(REPLACEMENT)) throw notUtf8(1);
  const delimiter = options.delimiter ?? detectDelimiter(headerLine);
  const header = resolveColumns(headerLine, delimiter, options.columns);

  async function* text(): AsyncGenerator<string> {
    yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }

  async function* rows(): AsyncGenerator<readonly [number, string[]]> {
    const parser = pipeline(
      Readable.from(text()),
      parseCsv({
        delimiter,
        bom: true,
        from_line: 2,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
        info: true,
      }),
      ignore,
    );
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        if (utf8 && record.some((field) => field.includes(REPLACEMENT))) throw notUtf8(info.lines);
        yield [info.lines, record];
      }
    } catch (error) {
      // csv-parse's own messages may quote the row: only its code and line leave this function.
      if (error instanceof CsvError)
        throw new ValidationError('file', 'csv-malformed', {
          line: (error as CsvError & { lines?: number }).lines ?? '?',
          reason: error.code,
        });
      throw error;
    }
  }

  return { ...header, delimiter, rows: rows() };
}
