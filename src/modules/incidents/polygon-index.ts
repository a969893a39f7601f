/**
 * Point-in-polygon for hundreds of thousands of address points against areas of up to thousands of
 * vertices (buffered pipes, circles, hand-drawn districts). Each polygon's edges are bucketed into
 * horizontal bands, so a test looks at the few edges crossing the point's latitude instead of all of them:
 * an even-odd ray cast per polygon (holes included), a point is inside the area when inside any polygon.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';

interface IndexedPolygon {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
  bandHeight: number;
  /** Per band, the edges overlapping it as flat [x1, y1, x2, y2, …]. */
  bands: Float64Array[];
}

const MAX_BANDS = 2048;

function indexPolygon(rings: Position[][]): IndexedPolygon {
  let minLon = Infinity,
    minLat = Infinity,
    maxLon = -Infinity,
    maxLat = -Infinity;
  let edges = 0;
  for (const ring of rings) {
    edges += ring.length - 1;
    for (const [lon, lat] of ring) {
      if (lon! < minLon) minLon = lon!;
      if (lon! > maxLon) maxLon = lon!;
      if (lat! < minLat) minLat = lat!;
      if (lat! > maxLat) maxLat = lat!;
    }
  }
  const bandCount = Math.max(1, Math.min(MAX_BANDS, Math.ceil(edges / 4)));
  const bandHeight = (maxLat - minLat) / bandCount || 1;
  const lists: number[][] = Array.from({ length: bandCount }, () => []);
  const bandOf = (lat: number) => Math.min(bandCount - 1, Math.max(0, Math.floor((lat - minLat) / bandHeight)));
  for (const ring of rings) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [x1, y1] = ring[i]! as [number, number];
      const [x2, y2] = ring[i + 1]! as [number, number];
      if (y1 === y2) continue; // horizontal edges never cross a horizontal ray
      for (let b = bandOf(Math.min(y1, y2)); b <= bandOf(Math.max(y1, y2)); b++) lists[b]!.push(x1, y1, x2, y2);
    }
  }
  return { minLon, minLat, maxLon, maxLat, bandHeight, bands: lists.map((l) => Float64Array.from(l)) };
}

function insidePolygon(p: IndexedPolygon, lon: number, lat: number): boolean {
  if (lon < p.minLon || lon > p.maxLon || lat < p.minLat || lat > p.maxLat) return false;
  const band = p.bands[Math.min(p.bands.length - 1, Math.floor((lat - p.minLat) / p.bandHeight))]!;
  let inside = false;
  for (let i = 0; i < band.length; i += 4) {
    const y1 = band[i + 1]!;
    const y2 = band[i + 3]!;
    if (y1 > lat !== y2 > lat) {
      const x1 = band[i]!;
      const x2 = band[i + 2]!;
      if (lon < ((x2 - x1) * (lat - y1)) / (y2 - y1) + x1) inside = !inside;
    }
  }
  return inside;
}

export type PointTest = (lon: number, lat: number) => boolean;

/** A test for "inside any of these polygons", built once per area. */
export function polygonsTest(geometries: ReadonlyArray<Polygon | MultiPolygon>): PointTest {
  const polygons = geometries
    .flatMap((g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates))
    .map(indexPolygon);
  if (polygons.length === 0) return () => false;
  if (polygons.length === 1) {
    const only = polygons[0]!;
    return (lon, lat) => insidePolygon(only, lon, lat);
  }
  return (lon, lat) => {
    for (const p of polygons) if (insidePolygon(p, lon, lat)) return true;
    return false;
  };
}
