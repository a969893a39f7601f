/**
 * Reads an address file of any of the three formats into parsed rows, streaming (constant memory), in
 * runs: one run per chunk of input rather than one stream item and one promise per row, which cost as
 * much as the parsing itself on a large import.
 */
import type { Duplex, Readable } from 'node:stream';
import { ValidationError } from '../../errors.js';
import { readCsvRecords } from '../../lib/csv-records.js';
import type { Projector } from './address.crs.js';
import {
  parseAvisoRow,
  parseGeoJsonFeature,
  parseOpenAddressesRow,
  REQUIRED_COLUMNS,
  type AddressFormat,
  type ParsedRow,
} from './address.parse.js';

/** A parsed row and the line of the file it ends on (for GeoJSON, the feature's number). */
export type NumberedRow = [line: number, row: ParsedRow];

type CsvRow = Record<string, string>;

/** `a.pipe(b)` that also fails `b` when `a` fails (plain pipe leaves the reader waiting forever). */
function pipeWithErrors<T extends Duplex>(source: Readable, target: T): T {
  source.once('error', (error) => target.destroy(error));
  return source.pipe(target);
}

/** A record's fields by the header's column names, as the row parsers take them. */
function byColumn(columns: string[], fields: string[]): CsvRow {
  const row: CsvRow = {};
  const n = Math.min(columns.length, fields.length);
  for (let i = 0; i < n; i++) row[columns[i]!] = fields[i]!;
  return row;
}

/** Yields runs of numbered, parsed rows from any of the three formats. */
export async function* readRows(
  input: Readable,
  format: AddressFormat,
  project: Projector,
): AsyncGenerator<NumberedRow[]> {
  if (format === 'geojson') {
    yield* readGeoJson(input, project);
    return;
  }
  const parseRow = format === 'aviso' ? parseAvisoRow : parseOpenAddressesRow;
  let columns: string[] | undefined;
  for await (const run of readCsvRecords(input)) {
    let records = run;
    if (!columns) {
      columns = records[0]![1];
      const missing = REQUIRED_COLUMNS[format].filter((c) => !columns!.includes(c));
      if (missing.length > 0)
        throw new ValidationError('file', 'address-columns', { format, columns: missing.join(', ') });
      records = records.slice(1);
    }
    const header = columns;
    if (records.length > 0)
      yield records.map(([line, fields]): NumberedRow => [line, parseRow(byColumn(header, fields), project)]);
  }
}

const GEOJSON_RUN = 500;

/** A FeatureCollection streamed feature by feature (constant memory); "line" is the feature's index + 1. */
async function* readGeoJson(input: Readable, project: Projector): AsyncGenerator<NumberedRow[]> {
  // Loaded for GeoJSON files only: every import's parsing thread starts without it.
  const [{ default: streamJson }, { default: pickModule }, { default: streamArrayModule }] = await Promise.all([
    import('stream-json'),
    import('stream-json/filters/Pick.js'),
    import('stream-json/streamers/StreamArray.js'),
  ]);
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
