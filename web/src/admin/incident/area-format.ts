/**
 * The affected area as the incidents API takes it, and back: a lone polygon as a bare geometry, other
 * shapes as a FeatureCollection whose circles carry `radius` and lines `buffer` (metres); streets with
 * number ranges and postal codes beside it.
 */
import {
  asFeatureCollection,
  namedStreets,
  shapesFromGeoJson,
  type AreaDraft,
  type AreaValue,
  type NetworkArea,
  type StreetSelection,
} from '../area/area';

export interface ApiArea {
  area: unknown;
  streets: StreetSelection[];
  postalCodes: string[];
  network: NetworkArea | null;
}

function shapesToApi(shapes: AreaDraft): unknown {
  if (shapes.length === 0) return null;
  const only = shapes.length === 1 ? shapes[0] : undefined;
  if (only && only.properties.shape === 'polygon') return only.geometry;
  return asFeatureCollection(shapes);
}

export function toApiArea(value: AreaValue): ApiArea {
  return {
    area: shapesToApi(value.shapes),
    streets: namedStreets(value),
    postalCodes: value.postalCodes,
    network: value.network,
  };
}

export function fromApiArea(incident: {
  area: unknown;
  streets?: unknown[];
  postalCodes?: string[];
  network?: NetworkArea | null;
}): AreaValue {
  return {
    shapes: incident.area ? shapesFromGeoJson(incident.area, 25) : [],
    streets: (incident.streets ?? []) as StreetSelection[],
    postalCodes: incident.postalCodes ?? [],
    network: incident.network ?? null,
  };
}
