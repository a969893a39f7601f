/**
 * Streams an address file into a tenant's register: parse → validate → batch upsert, all in one
 * transaction so that a failed import leaves the register exactly as it was. Rejected rows are reported
 * with their line number and reason; the import itself goes on.
 */
import type { Duplex, Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import streamJson from 'stream-json';
import pickModule from 'stream-json/filters/Pick.js';
import streamArrayModule from 'stream-json/streamers/StreamArray.js';
import type { Db } from '../../db/connection.js';
import { ValidationError } from '../../errors.js';
import { pointInAreaTest } from '../../lib/geo.js';
import { newId } from '../../lib/ids.js';
import { foldHouseNumber, foldText, houseNumberInt, streetWords } from '../../lib/text.js';
import type { Tenant } from '../tenants/tenant.types.js';
import { projectorFor, type Projector } from './address.crs.js';
import {
  parseAvisoRow,
  parseGeoJsonFeature,
  parseOpenAddressesRow,
  REQUIRED_COLUMNS,
  type AddressFormat,
  type AddressRecord,
  type ParsedRow,
} from './address.parse.js';
import { addressRepository, type NewAddressRow } from './address.repository.js';

export interface RejectedRow {
  line: number;
  reason: string;
}

export interface AddressImportReport {
  rows: number;
  added: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** The first rejected rows (all of them go to `onReject`). */
  rejections: RejectedRow[];
}

export interface AddressImportOptions {
  format: AddressFormat;
  crs?: string;
  /** Called with each rejected row, e.g. to write a full report file. */
  onReject?: (row: RejectedRow) => void;
  /** Called after each batch with the number of rows read so far. */
  onProgress?: (rows: number) => void;
  batchSize?: number;
  now: number;
}

const KEPT_REJECTIONS = 1000;

/** `a.pipe(b)` that also fails `b` when `a` fails (plain pipe leaves the reader waiting forever). */
function pipeWithErrors<T extends Duplex>(source: Readable, target: T): T {
  source.once('error', (error) => target.destroy(error));
  return source.pipe(target);
}

/** Yields [line, parsed row] pairs from any of the three formats. */
async function* readRows(input: Readable, format: AddressFormat, project: Projector): AsyncGenerator<[number, ParsedRow]> {
  if (format === 'geojson') {
    yield* readGeoJson(input, project);
    return;
  }
  const parser = pipeWithErrors(
    input,
    parseCsv({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true }),
  );
  const parseRow = format === 'aviso' ? parseAvisoRow : parseOpenAddressesRow;
  let checkedHeader = false;
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    if (!checkedHeader) {
      const missing = REQUIRED_COLUMNS[format].filter((c) => !(c in record));
      if (missing.length > 0) throw new ValidationError('file', `not a ${format} address file: missing column(s) ${missing.join(', ')}`);
      checkedHeader = true;
    }
    yield [info.lines, parseRow(record, project)];
  }
}

/** A FeatureCollection streamed feature by feature (constant memory); "line" is the feature's index + 1. */
async function* readGeoJson(input: Readable, project: Projector): AsyncGenerator<[number, ParsedRow]> {
  const pipeline = pipeWithErrors(
    pipeWithErrors(pipeWithErrors(input, streamJson.parser()), pickModule.pick({ filter: 'features' })),
    streamArrayModule.streamArray(),
  );
  for await (const { key, value } of pipeline as AsyncIterable<{ key: number; value: unknown }>) {
    yield [key + 1, parseGeoJsonFeature(value, project)];
  }
}

function toRow(record: AddressRecord, now: number): NewAddressRow {
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
    street_key: foldText(record.street),
    street_key_sv: record.streetSv ? foldText(record.streetSv) : null,
    updated_at: now,
  };
}

export async function importAddresses(db: Db, tenant: Tenant, input: Readable, options: AddressImportOptions): Promise<AddressImportReport> {
  const project = projectorFor(options.crs);
  const insideServiceArea = pointInAreaTest(tenant.serviceArea);
  const batchSize = options.batchSize ?? 2000;
  const report: AddressImportReport = { rows: 0, added: 0, updated: 0, unchanged: 0, rejected: 0, rejections: [] };
  const reject = (line: number, reason: string) => {
    report.rejected++;
    if (report.rejections.length < KEPT_REJECTIONS) report.rejections.push({ line, reason });
    options.onReject?.({ line, reason });
  };

  await db.kysely.transaction().execute(async (trx) => {
    const repo = addressRepository(trx, db.dialect);
    const seenIds = new Map<string, number>();
    const seenWords = new Set<string>();
    let batch: NewAddressRow[] = [];
    let words: Array<{ word: string; kind: 'street' | 'town'; key: string }> = [];

    const addWords = (kind: 'street' | 'town', key: string, folded: string) => {
      for (const word of streetWords(folded)) {
        const id = `${kind}\u0000${word}\u0000${key}`;
        if (seenWords.has(id)) continue;
        seenWords.add(id);
        words.push({ word, kind, key });
      }
    };

    const flush = async () => {
      if (batch.length === 0) return;
      const existing = await repo.existingSourceIds(tenant.id, batch.map((r) => r.source_id));
      const written = await repo.upsertBatch(tenant.id, batch);
      const added = batch.length - existing.size;
      report.added += added;
      report.updated += written - added;
      report.unchanged += batch.length - written;
      await repo.addSearchWords(tenant.id, words);
      batch = [];
      words = [];
      options.onProgress?.(report.rows);
    };

    for await (const [line, parsed] of readRows(input, options.format, project)) {
      report.rows++;
      if (!parsed.ok) {
        reject(line, parsed.reason);
        continue;
      }
      const { record } = parsed;
      const firstLine = seenIds.get(record.sourceId);
      if (firstLine !== undefined) {
        reject(line, `duplicate id ${record.sourceId} (first on line ${firstLine})`);
        continue;
      }
      if (!insideServiceArea(record.lon, record.lat)) {
        reject(line, `outside the service area (${record.lat.toFixed(5)}, ${record.lon.toFixed(5)})`);
        continue;
      }
      seenIds.set(record.sourceId, line);
      const row = toRow(record, options.now);
      batch.push(row);
      addWords('street', row.street_key, row.street_key);
      if (row.street_key_sv) addWords('street', row.street_key_sv, row.street_key_sv);
      if (row.postal_town) addWords('town', row.postal_town, foldText(row.postal_town));
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  });
  return report;
}
