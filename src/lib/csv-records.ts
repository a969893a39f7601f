/**
 * A streaming CSV reader (RFC 4180: fields in double quotes may hold commas, doubled quotes and line
 * breaks; LF or CRLF line ends; a UTF-8 byte-order mark is dropped) that hands over the records of each
 * input chunk as one run of [line, fields] pairs. Fields are trimmed, blank lines skipped, and a record
 * may have fewer or more fields than the header: the caller decides what that means.
 *
 * Written for the address import, whose files have a million rows: csv-parse spent 5–7 µs on a row, more
 * than everything else the parsing thread does with it; a line without a quote here is one `split`.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { ValidationError } from '../errors.js';

/** A record and the line of the file it ends on (1-based: a header is line 1). */
export type CsvRecord = [line: number, fields: string[]];

const QUOTE = '"';

/** Splits text into records; keeps an unfinished last record until more text (or the end) comes. */
export class CsvRecordSplitter {
  #rest = '';
  #line = 0;
  #started = false;

  constructor(private readonly delimiter = ',') {}

  /** The complete records in what was read so far. */
  push(chunk: string): CsvRecord[] {
    let text = this.#rest + chunk;
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const records: CsvRecord[] = [];
    this.#rest = text.slice(this.#split(text, false, records));
    return records;
  }

  /** The last record, when the text did not end with a line break. */
  end(): CsvRecord[] {
    const records: CsvRecord[] = [];
    this.#split(this.#rest, true, records);
    this.#rest = '';
    return records;
  }

  /** Appends the records of `text` to `records`; returns where the first unfinished one starts. */
  #split(text: string, last: boolean, records: CsvRecord[]): number {
    let pos = 0;
    let quote = text.indexOf(QUOTE);
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end === -1 && !last) break;
      if (end === -1) end = text.length;
      if (quote !== -1 && quote < pos) quote = text.indexOf(QUOTE, pos);
      if (quote === -1 || quote > end) {
        // The common case: a line without quotes is its record.
        this.#line++;
        const line = text.charCodeAt(end - 1) === 13 ? text.slice(pos, end - 1) : text.slice(pos, end);
        pos = end + 1;
        if (line.trim() === '') continue;
        const fields = line.split(this.delimiter);
        for (let i = 0; i < fields.length; i++) fields[i] = fields[i]!.trim();
        records.push([this.#line, fields]);
        continue;
      }
      const quoted = this.#quotedRecord(text, pos, last);
      if (!quoted) break;
      records.push([this.#line, quoted.fields]);
      pos = quoted.next;
    }
    return Math.min(pos, text.length);
  }

  /** A record with quoted fields, read character by character; undefined when the text ends inside it. */
  #quotedRecord(text: string, start: number, last: boolean): { fields: string[]; next: number } | undefined {
    const fields: string[] = [];
    let lines = 0;
    let pos = start;
    for (;;) {
      // One field: skip leading blanks, then a quoted or a plain value.
      let field = '';
      let blanks = pos;
      while (blanks < text.length && (text[blanks] === ' ' || text[blanks] === '\t')) blanks++;
      const isQuoted = text[blanks] === QUOTE;
      if (isQuoted) {
        pos = blanks + 1;
        for (;;) {
          const close = text.indexOf(QUOTE, pos);
          if (close === -1) {
            if (last) throw new ValidationError('file', 'csv-quote-open', { line: this.#line + lines + 1 });
            return undefined;
          }
          const part = text.slice(pos, close);
          for (let i = part.indexOf('\n'); i !== -1; i = part.indexOf('\n', i + 1)) lines++;
          field += part;
          if (text[close + 1] === QUOTE) {
            field += QUOTE;
            pos = close + 2;
          } else {
            pos = close + 1;
            break;
          }
        }
      }
      // The rest of the field, up to the delimiter or the line end (after a quoted value: blanks).
      let stop = pos;
      while (stop < text.length && text[stop] !== this.delimiter && text[stop] !== '\n') stop++;
      if (stop === text.length && !last) return undefined;
      // Blanks around a quoted value go; those inside it stay.
      fields.push(isQuoted ? field + text.slice(pos, stop).trim() : text.slice(pos, stop).trim());
      if (text[stop] === this.delimiter) {
        pos = stop + 1;
        continue;
      }
      this.#line += lines + 1;
      return { fields, next: stop + 1 };
    }
  }
}

/** Runs of the records of `input` (UTF-8), one run per chunk read. */
export async function* readCsvRecords(input: Readable, delimiter = ','): AsyncGenerator<CsvRecord[]> {
  const decoder = new StringDecoder('utf8');
  const splitter = new CsvRecordSplitter(delimiter);
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const run = splitter.push(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (run.length > 0) yield run;
  }
  const run = splitter.push(decoder.end());
  run.push(...splitter.end());
  if (run.length > 0) yield run;
}
