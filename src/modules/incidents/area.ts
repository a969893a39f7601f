/**
 * The affected area of an incident: GeoJSON shapes (polygons and multipolygons, a circle as a Point with
 * `properties.radius` in metres, a line with `properties.buffer` in metres) plus streets with number
 * ranges and postal codes. Parsing refuses bad areas with a reason naming the field; `areaMatcher`
 * turns an area into the one test every address goes through. Pure.
 */
import circle from '@turf/circle';
import buffer from '@turf/buffer';
import booleanIntersects from '@turf/boolean-intersects';
import type {
  Feature,
  FeatureCollection,
  Geometry,
  LineString,
  MultiLineString,
  MultiPolygon,
  Polygon,
  Position,
} from 'geojson';
import { ValidationError } from '../../errors.js';
import { isLonLat, parseArea, type Area } from '../../lib/geo.js';
import { foldText } from '../../lib/text.js';
import { polygonsTest } from './polygon-index.js';

/** Bounding box of the polygons, null when the area is only streets and postal codes. */
export { polygonsBBox } from '../../lib/geo.js';

export type StreetSide = 'both' | 'odd' | 'even';

export interface StreetSelection {
  /** Street name in either language, as written. */
  street: string;
  from?: number | undefined;
  to?: number | undefined;
  side?: StreetSide | undefined;
  /** Limits the street to one postal code (two towns can have the same street name). */
  postalCode?: string | undefined;
}

export interface AreaInput {
  area?: unknown;
  streets?: StreetSelection[] | undefined;
  postalCodes?: string[] | undefined;
  /** A pipe network trace (worked out elsewhere): an area of only a trace needs no shapes. */
  network?: unknown;
}

export interface AreaLimits {
  maxVertices: number;
  serviceArea: Area;
}

/** A validated area: the shapes as given, their polygons (circles and buffers made polygons), selections. */
export interface AffectedArea {
  /** The shapes as a FeatureCollection (what the console draws again), null when only streets/postal codes. */
  shapes: FeatureCollection | null;
  /** Every shape as a polygon, for point-in-polygon, the public map and CAP. */
  polygons: Array<Polygon | MultiPolygon>;
  streets: StreetSelection[];
  postalCodes: string[];
}

const MAX_RADIUS_METRES = 50_000;
const MAX_BUFFER_METRES = 5_000;
/**
 * Positions of the lines buffered in one area. A buffer's cost grows with the square of the segments
 * whose buffers overlap (a zig-zag of 200 positions under a 5 km buffer takes tens of seconds): a pipe
 * drawn on the map has tens. What still overruns is stopped by the time budget (area.off-thread.ts).
 */
export const MAX_BUFFERED_LINE_POSITIONS = 1_000;
const CIRCLE_STEPS = 64;
/** GeoJSON nests positions at most this deep (MultiPolygon: polygons → rings → positions). */
const MAX_COORDINATE_DEPTH = 4;

type Shape = { feature: Feature; polygon: Polygon | MultiPolygon; vertices: number };

function unwrapFeatures(input: unknown, field: string): Feature[] {
  const value = (typeof input === 'string' ? safeJson(input, field) : input) as { type?: unknown; features?: unknown };
  if (typeof value !== 'object' || value === null) throw new ValidationError(field, 'geojson-expected');
  if (value.type === 'FeatureCollection') {
    if (!Array.isArray(value.features)) throw new ValidationError(field, 'features-needed');
    return value.features as Feature[];
  }
  if (value.type === 'Feature') return [value as Feature];
  return [{ type: 'Feature', geometry: value as Geometry, properties: {} }];
}

function safeJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError(field, 'json-invalid');
  }
}

function metres(value: unknown, name: string, max: number, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new ValidationError(field, 'distance-range', { name, max });
  }
  return value;
}

function checkPositions(positions: Position[], field: string): void {
  for (const [lon, lat] of positions) {
    if (!isLonLat(lon, lat)) throw new ValidationError(field, 'position-range', { lon: String(lon), lat: String(lat) });
  }
}

function parseShape(feature: Feature, field: string): Shape {
  const geometry = feature?.geometry as Geometry | null | undefined;
  const properties = (feature?.properties ?? {}) as { radius?: unknown; buffer?: unknown };
  if (!geometry || typeof geometry !== 'object') throw new ValidationError(field, 'geometry-needed');
  switch (geometry.type) {
    case 'Polygon':
    case 'MultiPolygon': {
      const polygon = parseArea(geometry, field);
      const vertices = (polygon.type === 'Polygon' ? polygon.coordinates : polygon.coordinates.flat()).reduce(
        (n, r) => n + r.length - 1,
        0,
      );
      return { feature: { type: 'Feature', geometry: polygon, properties: { shape: 'polygon' } }, polygon, vertices };
    }
    case 'Point': {
      if (properties.radius === undefined) throw new ValidationError(field, 'point-radius');
      const radius = metres(properties.radius, 'radius', MAX_RADIUS_METRES, `${field}.properties.radius`);
      checkPositions([geometry.coordinates], field);
      const polygon = circle(geometry.coordinates, radius, { units: 'meters', steps: CIRCLE_STEPS }).geometry;
      return { feature: { type: 'Feature', geometry, properties: { shape: 'circle', radius } }, polygon, vertices: 1 };
    }
    case 'LineString':
    case 'MultiLineString': {
      if (properties.buffer === undefined) throw new ValidationError(field, 'line-buffer');
      const distance = metres(properties.buffer, 'buffer', MAX_BUFFER_METRES, `${field}.properties.buffer`);
      const lines = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.coordinates;
      for (const line of lines) {
        if (line.length < 2) throw new ValidationError(field, 'line-short');
        checkPositions(line, field);
      }
      const buffered = buffer(geometry as LineString | MultiLineString, distance, { units: 'meters' });
      if (!buffered) throw new ValidationError(field, 'line-unbuffered');
      const vertices = lines.reduce((n, l) => n + l.length, 0);
      return {
        feature: { type: 'Feature', geometry, properties: { shape: 'line', buffer: distance } },
        polygon: buffered.geometry,
        vertices,
      };
    }
    default:
      throw new ValidationError(field, 'geometry-type', { type: String(geometry.type) });
  }
}

function parseStreets(streets: StreetSelection[]): StreetSelection[] {
  return streets.map((s, i) => {
    if (!foldText(s.street ?? '')) throw new ValidationError(`streets.${i}.street`, 'street-needed');
    if (s.from !== undefined && s.to !== undefined && s.from > s.to)
      throw new ValidationError(`streets.${i}.from`, 'range-reversed');
    return {
      street: s.street.trim(),
      from: s.from,
      to: s.to,
      side: s.side ?? 'both',
      ...(s.postalCode ? { postalCode: s.postalCode } : {}),
    };
  });
}

/**
 * The vertices in `coordinates`, counted without reading them as geometry (as the exact count later
 * does: a polygon's ring closes on its first position, which is not counted again); stops past `max`.
 */
function countVertices(type: unknown, coordinates: unknown, max: number): number {
  const closedRings = type === 'Polygon' || type === 'MultiPolygon';
  let level: unknown[] = [coordinates];
  let count = 0;
  for (let depth = 0; depth <= MAX_COORDINATE_DEPTH && level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const item of level) {
      if (!Array.isArray(item) || typeof item[0] === 'number') continue;
      const positions = item.filter((p) => Array.isArray(p) && typeof p[0] === 'number').length;
      count += closedRings && positions > 0 ? positions - 1 : positions;
      if (count > max || next.length + item.length > 2 * max + 2) return max + 1;
      if (positions === 0) next.push(...(item as unknown[]));
    }
    level = next;
  }
  return count;
}

/** The cheap limits, checked before any geometry work: positions in all, positions of buffered lines. */
function checkSize(features: Feature[], maxVertices: number): void {
  let all = 0;
  let buffered = 0;
  for (const feature of features) {
    const geometry = feature?.geometry as { type?: unknown; coordinates?: unknown } | null | undefined;
    const positions =
      geometry?.type === 'Point' ? 1 : countVertices(geometry?.type, geometry?.coordinates, maxVertices - all);
    all += positions;
    if (all > maxVertices) throw new ValidationError('area', 'area-vertices', { max: maxVertices });
    if (geometry?.type === 'LineString' || geometry?.type === 'MultiLineString') buffered += positions;
    if (buffered > MAX_BUFFERED_LINE_POSITIONS) {
      throw new ValidationError('area', 'buffered-line-positions', { max: MAX_BUFFERED_LINE_POSITIONS });
    }
  }
}

/** The area's features, their positions counted against the tenant's limit (no geometry work): what refuses an area before any thread starts. */
export function checkAreaSize(input: AreaInput, limits: Pick<AreaLimits, 'maxVertices'>): Feature[] {
  const features = input.area === undefined || input.area === null ? [] : unwrapFeatures(input.area, 'area');
  checkSize(features, limits.maxVertices);
  return features;
}

/** Validates an incident's area against the tenant's limits; its size before any geometry work. */
export function parseAffectedArea(input: AreaInput, limits: AreaLimits): AffectedArea {
  const features = checkAreaSize(input, limits);
  const shapes: Shape[] = features.map((f, i, all) => parseShape(f, all.length === 1 ? 'area' : `area.features.${i}`));
  const streets = parseStreets(input.streets ?? []);
  const postalCodes = [...new Set((input.postalCodes ?? []).map((p) => p.trim()))];
  postalCodes.forEach((p, i) => {
    if (!/^\d{5}$/.test(p)) throw new ValidationError(`postalCodes.${i}`, 'postal-code-format');
  });
  if (shapes.length === 0 && streets.length === 0 && postalCodes.length === 0 && !input.network) {
    throw new ValidationError('area', 'area-needed');
  }
  const vertices = shapes.reduce((n, s) => n + s.vertices, 0);
  if (vertices > limits.maxVertices) {
    throw new ValidationError('area', 'area-vertices-tenant', { vertices, max: limits.maxVertices });
  }
  const polygons = shapes.map((s) => s.polygon);
  if (polygons.length > 0 && !polygons.some((p) => booleanIntersects(p, limits.serviceArea))) {
    throw new ValidationError('area', 'area-outside');
  }
  return {
    shapes: shapes.length ? { type: 'FeatureCollection', features: shapes.map((s) => s.feature) } : null,
    polygons,
    streets,
    postalCodes,
  };
}

/** The address fields an area looks at (a point read only for the shapes may come without the others). */
export interface AreaAddress {
  lon: number;
  lat: number;
  streetKey?: string;
  streetKeySv?: string | null;
  numberInt?: number | null;
  postalCode?: string;
}

export type AreaMatcher = (address: AreaAddress) => boolean;

function streetTest(s: StreetSelection): AreaMatcher {
  const key = foldText(s.street);
  return (a) => {
    if (a.streetKey !== key && a.streetKeySv !== key) return false;
    if (s.postalCode && a.postalCode !== s.postalCode) return false;
    if (s.from === undefined && s.to === undefined && (s.side ?? 'both') === 'both') return true;
    const n = a.numberInt;
    if (n === null || n === undefined) return false;
    if (s.from !== undefined && n < s.from) return false;
    if (s.to !== undefined && n > s.to) return false;
    if (s.side === 'odd') return n % 2 === 1;
    if (s.side === 'even') return n % 2 === 0;
    return true;
  };
}

/** Inside any shape, on any selected street stretch, or in any selected postal code. */
export function areaMatcher(area: Pick<AffectedArea, 'polygons' | 'streets' | 'postalCodes'>): AreaMatcher {
  const inPolygons = polygonsTest(area.polygons);
  const streets = area.streets.map(streetTest);
  const postal = new Set(area.postalCodes);
  return (a) =>
    inPolygons(a.lon, a.lat) ||
    (a.postalCode !== undefined && postal.has(a.postalCode)) ||
    streets.some((test) => test(a));
}

/** One MultiPolygon holding every shape (the stored geometry of the incident). */
export function asMultiPolygon(polygons: ReadonlyArray<Polygon | MultiPolygon>): MultiPolygon | null {
  if (polygons.length === 0) return null;
  return {
    type: 'MultiPolygon',
    coordinates: polygons.flatMap((p) => (p.type === 'Polygon' ? [p.coordinates] : p.coordinates)),
  };
}

/** Everything of an incident a map draws: its shapes and the shape of its streets and postal codes. */
export function mapGeometry(incident: {
  geometry: MultiPolygon | null;
  selectionGeometry: MultiPolygon | null;
}): MultiPolygon | null {
  return asMultiPolygon([incident.geometry, incident.selectionGeometry].filter((g) => g !== null));
}
