/** KML → GeoJSON for area uploads: polygons (with holes) and lines, which is what an affected area is. */
import type { Feature, LineString, Polygon, Position } from 'geojson';

function positions(text: string | null | undefined): Position[] {
  return (text ?? '')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((tuple) => tuple.split(',').slice(0, 2).map(Number))
    .filter((p) => p.length === 2 && p.every(Number.isFinite));
}

function ring(element: Element | null): Position[] {
  return positions(element?.getElementsByTagName('coordinates')[0]?.textContent);
}

export function kmlToFeatures(text: string): Feature[] {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) throw new Error('not valid KML');
  const features: Feature[] = [];
  for (const polygon of Array.from(doc.getElementsByTagName('Polygon'))) {
    const outer = ring(polygon.getElementsByTagName('outerBoundaryIs')[0] ?? null);
    const inner = Array.from(polygon.getElementsByTagName('innerBoundaryIs')).map(ring);
    if (outer.length >= 4)
      features.push({
        type: 'Feature',
        properties: {},
        geometry: { type: 'Polygon', coordinates: [outer, ...inner] } satisfies Polygon,
      });
  }
  for (const line of Array.from(doc.getElementsByTagName('LineString'))) {
    const coordinates = positions(line.getElementsByTagName('coordinates')[0]?.textContent);
    if (coordinates.length >= 2)
      features.push({
        type: 'Feature',
        properties: {},
        geometry: { type: 'LineString', coordinates } satisfies LineString,
      });
  }
  return features;
}
