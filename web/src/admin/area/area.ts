/**
 * The affected area as the operator drew it: polygons and rectangles as polygons, a circle as its
 * centre and radius, a line with its buffer distance. One Feature per shape.
 */
import type * as api from '../../../../src/contracts';
import type { Feature, FeatureCollection, Geometry, LineString, Point, Polygon, MultiPolygon } from 'geojson';

export type AreaShape =
  | Feature<Polygon | MultiPolygon, { shape: 'polygon' }>
  | Feature<Point, { shape: 'circle'; radius: number }>
  | Feature<LineString, { shape: 'line'; buffer: number }>;

export type AreaDraft = AreaShape[];

/** A street, or a stretch of its numbers (odd, even or both sides), as the incident API takes it. */
export type StreetSelection = api.StreetSelection;

export const NETWORK_SERVICES = ['water', 'district-heating', 'sewer'] as const;
export type NetworkService = (typeof NETWORK_SERVICES)[number];

/** A trace of the pipe network from a break: its connected addresses are the recipients. */
export interface NetworkArea {
  service: NetworkService;
  at: [number, number];
  failedValves: string[];
}

/** Everything that makes the affected area: drawn shapes, street stretches, whole postal codes, a network trace. */
export interface AreaValue {
  shapes: AreaDraft;
  streets: StreetSelection[];
  postalCodes: string[];
  network: NetworkArea | null;
}

export const EMPTY_AREA: AreaValue = { shapes: [], streets: [], postalCodes: [], network: null };

/** The street rows given a name: a row added and not yet named is not part of the area. */
export function namedStreets(area: AreaValue): StreetSelection[] {
  return area.streets.filter((s) => s.street.trim());
}

/** Nothing that makes an area: no shape, no named street, no postal code, no trace. */
export function isEmptyArea(area: AreaValue): boolean {
  return (
    area.shapes.length === 0 &&
    namedStreets(area).length === 0 &&
    area.postalCodes.length === 0 &&
    area.network === null
  );
}

/** Shapes from an uploaded GeoJSON (any of Feature, FeatureCollection, bare geometry) or KML features. */
export function shapesFromGeoJson(input: unknown, defaultBuffer: number): AreaDraft {
  const value = input as { type?: string; features?: unknown[]; geometry?: unknown; geometries?: unknown[] };
  if (value?.type === 'FeatureCollection')
    return (value.features ?? []).flatMap((f) => shapesFromGeoJson(f, defaultBuffer));
  if (value?.type === 'GeometryCollection')
    return (value.geometries ?? []).flatMap((g) => shapesFromGeoJson(g, defaultBuffer));
  if (value?.type === 'Feature') {
    const feature = value as Feature;
    const props = (feature.properties ?? {}) as { radius?: number; buffer?: number };
    if (feature.geometry?.type === 'Point' && typeof props.radius === 'number') {
      return [{ type: 'Feature', geometry: feature.geometry, properties: { shape: 'circle', radius: props.radius } }];
    }
    return shapesFromGeoJson(feature.geometry, typeof props.buffer === 'number' ? props.buffer : defaultBuffer);
  }
  const geometry = value as Geometry;
  switch (geometry?.type) {
    case 'Polygon':
    case 'MultiPolygon':
      return [{ type: 'Feature', geometry, properties: { shape: 'polygon' } }];
    case 'LineString':
      return [{ type: 'Feature', geometry, properties: { shape: 'line', buffer: defaultBuffer } }];
    case 'MultiLineString':
      return geometry.coordinates.map((coordinates) => ({
        type: 'Feature',
        geometry: { type: 'LineString', coordinates },
        properties: { shape: 'line', buffer: defaultBuffer },
      }));
    default:
      return [];
  }
}

export function asFeatureCollection(area: AreaDraft): FeatureCollection {
  return { type: 'FeatureCollection', features: area };
}
