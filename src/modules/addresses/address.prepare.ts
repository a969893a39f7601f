/**
 * The parsing half of an address import: read the file, check each row (valid, a new id, inside the
 * service area), turn it into a register row, collect the search words of its street and town — in
 * batches, ready to write. Runs on a worker thread of its own during an import (address.parse-worker.ts),
 * so that it and the database writes use two cores.
 */
import type { Readable } from 'node:stream';
import type { SearchWordsTable } from '../../db/schema.js';
import { pointInAreaTest, type Area } from '../../lib/geo.js';
import { newId } from '../../lib/ids.js';
import { foldHouseNumber, foldText, houseNumberInt, streetWords } from '../../lib/text.js';
import { loadProjector } from './address.crs.js';
import type { AddressFormat, AddressRecord, ParsedRow } from './address.parse.js';
import { readRows } from './address.read.js';
import type { NewAddressRow } from './address.repository.js';

export interface RejectedRow {
  line: number;
  reason: string;
}

export type SearchWordRow = Pick<SearchWordsTable, 'word' | 'kind' | 'key'>;

export interface PrepareOptions {
  format: AddressFormat;
  crs: string | undefined;
  serviceArea: Area;
  batchSize: number;
  now: number;
}

/** Rows ready to write, with what else the rows read since the last batch gave. */
export interface PreparedBatch {
  /** Rows of the file read so far (valid or not). */
  rowsRead: number;
  rows: NewAddressRow[];
  /** Search words not seen earlier in this import. */
  words: SearchWordRow[];
  rejected: RejectedRow[];
}

type Fold = (value: string) => string;

/** foldText remembered per import: a street's and a town's name repeat on every one of their addresses. */
function memoizedFold(): Fold {
  const folded = new Map<string, string>();
  return (value) => {
    let key = folded.get(value);
    if (key === undefined) folded.set(value, (key = foldText(value)));
    return key;
  };
}

function toRow(record: AddressRecord, now: number, fold: Fold): NewAddressRow {
  return {
    id: newId(),
    source_id: record.sourceId,
    street: record.street,
    street_sv: record.streetSv,
    number: record.number,
    number_int: houseNumberInt(record.number),
    number_key: foldHouseNumber(record.number),
    postal_code: record.postalCode,
    postal_town: record.postalTown,
    municipality: record.municipality,
    property_id: record.propertyId,
    building_id: record.buildingId,
    lat: record.lat,
    lon: record.lon,
    street_key: fold(record.street),
    street_key_sv: record.streetSv ? fold(record.streetSv) : null,
    updated_at: now,
  };
}

/** Collects the search words of the streets and towns met since the last `take()`, each key once per import. */
function searchWordCollector(fold: Fold) {
  const seenKeys = new Set<string>();
  let words: SearchWordRow[] = [];
  const add = (kind: SearchWordRow['kind'], key: string, name: string) => {
    const id = `${kind}\u0000${key}`;
    if (seenKeys.has(id)) return;
    seenKeys.add(id);
    for (const word of streetWords(fold(name))) words.push({ word, kind, key });
  };
  // A file lists a street's addresses together: a row like the last one has nothing new to look up.
  let last: NewAddressRow | undefined;
  return {
    addRow(row: NewAddressRow): void {
      if (
        last &&
        row.street_key === last.street_key &&
        row.street_key_sv === last.street_key_sv &&
        row.postal_town === last.postal_town
      )
        return;
      last = row;
      add('street', row.street_key, row.street_key);
      if (row.street_key_sv) add('street_sv', row.street_key_sv, row.street_key_sv);
      if (row.postal_town) add('town', row.postal_town, row.postal_town);
    },
    take(): SearchWordRow[] {
      const taken = words;
      words = [];
      return taken;
    },
  };
}

/** The rules a parsed row must pass before it is written: a valid row, a new id, inside the service area. */
function rowChecker(serviceArea: Area, now: number, fold: Fold, reject: (line: number, reason: string) => void) {
  const insideServiceArea = pointInAreaTest(serviceArea);
  const seenIds = new Map<string, number>();
  return (line: number, parsed: ParsedRow): NewAddressRow | undefined => {
    if (!parsed.ok) return void reject(line, parsed.reason);
    const { record } = parsed;
    const firstLine = seenIds.get(record.sourceId);
    if (firstLine !== undefined)
      return void reject(line, `duplicate id ${record.sourceId} (first on line ${firstLine})`);
    if (!insideServiceArea(record.lon, record.lat)) {
      return void reject(line, `outside the service area (${record.lat.toFixed(5)}, ${record.lon.toFixed(5)})`);
    }
    seenIds.set(record.sourceId, line);
    return toRow(record, now, fold);
  };
}

/** Reads `input` into batches of at most `batchSize` rows to write (the last batch may hold only rejections). */
export async function* prepareBatches(input: Readable, options: PrepareOptions): AsyncGenerator<PreparedBatch> {
  const project = await loadProjector(options.crs);
  const fold = memoizedFold();
  const words = searchWordCollector(fold);
  let rejected: RejectedRow[] = [];
  const check = rowChecker(options.serviceArea, options.now, fold, (line, reason) => rejected.push({ line, reason }));
  let rowsRead = 0;
  let rows: NewAddressRow[] = [];
  const take = (): PreparedBatch => {
    const batch = { rowsRead, rows, words: words.take(), rejected };
    rows = [];
    rejected = [];
    return batch;
  };
  for await (const run of readRows(input, options.format, project)) {
    for (const [line, parsed] of run) {
      rowsRead++;
      const row = check(line, parsed);
      if (!row) continue;
      rows.push(row);
      words.addRow(row);
      if (rows.length >= options.batchSize) yield take();
    }
  }
  if (rows.length > 0 || rejected.length > 0) yield take();
}
