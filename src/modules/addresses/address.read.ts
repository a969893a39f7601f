/**
 * Reads an address file of any of the three formats into parsed rows, streaming (constant memory), in
 * runs: one run per chunk of input rather than one stream item and one promise per row, which cost as
 * much as the parsing itself on a large import.
 */
import type { Duplex, Readable, TransformCallback } from 'node:stream';
import { Parser as CsvParser } from 'csv-parse';
import streamJson from 'stream-json';
import pickModule from 'stream-json/filters/Pick.js';
import streamArrayModule from 'stream-json/streamers/StreamArray.js';
import { ValidationError } from '../../errors.js';
import type { Projector } from './address.crs.js';
import { parseAvisoRow, parseGeoJsonFeature, parseOpenAddressesRow, REQUIRED_COLUMNS, type AddressFormat, type ParsedRow } from './address.parse.js';

/** A parsed row and the line of the file it ends on (for GeoJSON, the feature's number). */
export type NumberedRow = [line: number, row: ParsedRow];

type CsvRecord = Record<string, string>;
type NumberedRecord = [line: number, record: CsvRecord];

/** `a.pipe(b)` that also fails `b` when `a` fails (plain pipe leaves the reader waiting forever). */
function pipeWithErrors<T extends Duplex>(source: Readable, target: T): T {
  source.once('error', (error) => target.destroy(error));
  return source.pipe(target);
}

/**
 * csv-parse's parser, emitting the records of each input chunk as one array of [line, record] pairs.
 * (Its `info` option gives the line too, by building a dozen-field object for every record.)
 */
class CsvRecordRuns extends CsvParser {
  #run: NumberedRecord[] = [];

  // csv-parse calls push() once per record while it parses a chunk, with `info.lines` at that record.
  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) {
      this.#pushRun();
      return super.push(null, encoding);
    }
    this.#run.push([this.info.lines, record as CsvRecord]);
    return true;
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    super._transform(chunk, encoding, (error?: Error | null) => {
      this.#pushRun();
      callback(error);
    });
  }

  override _flush(callback: TransformCallback): void {
    super._flush((error?: Error | null) => {
      this.#pushRun();
      callback(error);
    });
  }

  #pushRun(): void {
    if (this.#run.length === 0) return;
    super.push(this.#run);
    this.#run = [];
  }
}

/** Yields runs of numbered, parsed rows from any of the three formats. */
export async function* readRows(input: Readable, format: AddressFormat, project: Projector): AsyncGenerator<NumberedRow[]> {
  if (format === 'geojson') {
    yield* readGeoJson(input, project);
    return;
  }
  const parser = pipeWithErrors(input, new CsvRecordRuns({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }));
  const parseRow = format === 'aviso' ? parseAvisoRow : parseOpenAddressesRow;
  let checkedHeader = false;
  for await (const run of parser as AsyncIterable<NumberedRecord[]>) {
    if (!checkedHeader) {
      const missing = REQUIRED_COLUMNS[format].filter((c) => !(c in run[0]![1]));
      if (missing.length > 0) throw new ValidationError('file', `not a ${format} address file: missing column(s) ${missing.join(', ')}`);
      checkedHeader = true;
    }
    yield run.map(([line, record]): NumberedRow => [line, parseRow(record, project)]);
  }
}

const GEOJSON_RUN = 500;

/** A FeatureCollection streamed feature by feature (constant memory); "line" is the feature's index + 1. */
async function* readGeoJson(input: Readable, project: Projector): AsyncGenerator<NumberedRow[]> {
  const pipeline = pipeWithErrors(
    pipeWithErrors(pipeWithErrors(input, streamJson.parser()), pickModule.pick({ filter: 'features' })),
    streamArrayModule.streamArray(),
  );
  let run: NumberedRow[] = [];
  for await (const { key, value } of pipeline as AsyncIterable<{ key: number; value: unknown }>) {
    run.push([key + 1, parseGeoJsonFeature(value, project)]);
    if (run.length >= GEOJSON_RUN) {
      yield run;
      run = [];
    }
  }
  if (run.length > 0) yield run;
}
