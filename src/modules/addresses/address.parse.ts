/**
 * Turns one row of an address file (aviso CSV, OpenAddresses CSV or a GeoJSON point feature) into an
 * AddressRecord, or a reason why it is rejected. Pure: no I/O, no database.
 */
import { isLonLat } from '../../lib/geo.js';
import type { Projector } from './address.crs.js';

export const ADDRESS_FORMATS = ['aviso', 'openaddresses', 'geojson'] as const;
export type AddressFormat = (typeof ADDRESS_FORMATS)[number];

export interface AddressRecord {
  sourceId: string;
  street: string;
  streetSv: string | null;
  number: string;
  postalCode: string;
  postalTown: string;
  municipality: string;
  propertyId: string | null;
  buildingId: string | null;
  lon: number;
  lat: number;
}

export type ParsedRow = { ok: true; record: AddressRecord } | { ok: false; reason: string };

type Fields = Record<string, unknown>;

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value).trim());
const orNull = (value: string): string | null => (value === '' ? null : value);

function coordinate(value: unknown): number {
  const raw = text(value).replace(',', '.');
  return raw === '' ? Number.NaN : Number(raw);
}

function build(fields: Omit<AddressRecord, 'lon' | 'lat'>, x: number, y: number, project: Projector): ParsedRow {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return { ok: false, reason: 'bad coordinates: not numbers' };
  const [lon, lat] = project(x, y);
  if (!isLonLat(lon, lat)) return { ok: false, reason: `bad coordinates: ${x},${y} is not a valid position` };
  if (fields.sourceId === '') return { ok: false, reason: 'missing id' };
  if (fields.street === '') return { ok: false, reason: 'missing street' };
  if (fields.number === '') return { ok: false, reason: 'missing house number' };
  if (fields.postalCode !== '' && !/^[0-9A-Za-z -]{3,10}$/.test(fields.postalCode)) {
    return { ok: false, reason: `bad postal code ${fields.postalCode}` };
  }
  // `fields` is each parser's own fresh object: completed in place rather than copied for every row.
  const record = fields as AddressRecord;
  record.lon = lon;
  record.lat = lat;
  return { ok: true, record };
}

/** `aviso` CSV: id,street,street_sv,number,postal_code,postal_town,municipality,property_id,building_id,lat,lon */
export function parseAvisoRow(row: Fields, project: Projector): ParsedRow {
  const fields = {
    sourceId: text(row.id),
    street: text(row.street),
    streetSv: orNull(text(row.street_sv)),
    number: text(row.number),
    postalCode: text(row.postal_code).replace(/\s+/g, ''),
    postalTown: text(row.postal_town),
    municipality: text(row.municipality),
    propertyId: orNull(text(row.property_id)),
    buildingId: orNull(text(row.building_id)),
  };
  // With a projected CRS the `lat,lon` columns hold `y,x` (northing, easting).
  return build(fields, coordinate(row.lon), coordinate(row.lat), project);
}

/** OpenAddresses: LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH */
export function parseOpenAddressesRow(row: Fields, project: Projector): ParsedRow {
  const number = [text(row.NUMBER), text(row.UNIT)].filter(Boolean).join(' ');
  const street = text(row.STREET);
  const lonText = text(row.LON);
  const latText = text(row.LAT);
  const fields = {
    sourceId: text(row.ID) || text(row.HASH) || `${lonText},${latText},${street},${number}`,
    street,
    streetSv: null,
    number,
    postalCode: text(row.POSTCODE).replace(/\s+/g, ''),
    postalTown: text(row.CITY),
    municipality: text(row.DISTRICT) || text(row.CITY),
    propertyId: null,
    buildingId: null,
  };
  return build(fields, coordinate(row.LON), coordinate(row.LAT), project);
}

/** A GeoJSON Feature with a Point geometry; properties named as in the aviso or OpenAddresses layout. */
export function parseGeoJsonFeature(feature: unknown, project: Projector): ParsedRow {
  const f = feature as {
    type?: unknown;
    id?: unknown;
    geometry?: { type?: unknown; coordinates?: unknown };
    properties?: Fields;
  };
  if (f?.type !== 'Feature') return { ok: false, reason: 'not a GeoJSON Feature' };
  if (f.geometry?.type !== 'Point' || !Array.isArray(f.geometry.coordinates)) {
    return { ok: false, reason: 'bad coordinates: geometry is not a Point' };
  }
  const p = f.properties ?? {};
  const lower: Fields = {};
  for (const [key, value] of Object.entries(p)) lower[key.toLowerCase()] = value;
  const [x, y] = f.geometry.coordinates as unknown[];
  const fields = {
    sourceId: text(lower.id) || text(f.id) || text(lower.hash),
    street: text(lower.street),
    streetSv: orNull(text(lower.street_sv)),
    number: text(lower.number) || text(lower.housenumber),
    postalCode: (text(lower.postal_code) || text(lower.postcode)).replace(/\s+/g, ''),
    postalTown: text(lower.postal_town) || text(lower.city),
    municipality: text(lower.municipality) || text(lower.district) || text(lower.city),
    propertyId: orNull(text(lower.property_id)),
    buildingId: orNull(text(lower.building_id)),
  };
  return build(fields, coordinate(x), coordinate(y), project);
}

export const REQUIRED_COLUMNS: Record<Exclude<AddressFormat, 'geojson'>, string[]> = {
  aviso: ['id', 'street', 'number', 'lat', 'lon'],
  openaddresses: ['LON', 'LAT', 'NUMBER', 'STREET'],
};
