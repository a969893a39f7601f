/**
 * GeoJSON as RFC 7946 asks of what we publish: exterior rings counter-clockwise and holes clockwise
 * (rewound on the way out, whatever the input's winding), positions rounded to 6 decimals (about 10 cm;
 * no `24.567877999999997`), and a `bbox` on each feature. Pure.
 */
import type { BBox, MultiPolygon, Polygon, Position } from 'geojson';
import { polygonsBBox } from './geo.js';

const round = (v: number): number => Math.round(v * 1e6) / 1e6;

/** Twice the signed area of a ring (shoelace): positive when counter-clockwise. */
function signedArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    sum += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  return sum;
}

/** The ring rounded, with consecutive repeats dropped, closed, wound counter-clockwise or clockwise. */
function outputRing(ring: readonly Position[], counterClockwise: boolean): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const q = [round(p[0]!), round(p[1]!)];
    const last = out.at(-1);
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  if (out.length > 1 && (out[0]![0] !== out.at(-1)![0] || out[0]![1] !== out.at(-1)![1])) out.push([...out[0]!]);
  return signedArea(out) > 0 === counterClockwise ? out : out.reverse();
}

function outputPolygon(rings: readonly Position[][]): Position[][] {
  return rings.map((ring, i) => outputRing(ring, i === 0)).filter((ring) => ring.length >= 4);
}

/** A (multi)polygon as RFC 7946 wants it; rings that rounding left with fewer than 4 positions are dropped. */
export function rfc7946Geometry<G extends Polygon | MultiPolygon>(geometry: G): G {
  if (geometry.type === 'Polygon') return { type: 'Polygon', coordinates: outputPolygon(geometry.coordinates) } as G;
  return {
    type: 'MultiPolygon',
    coordinates: geometry.coordinates.map(outputPolygon).filter((p) => p.length > 0),
  } as G;
}

/** [west, south, east, north] of a geometry's positions. */
export function geometryBBox(geometry: Polygon | MultiPolygon): BBox | undefined {
  const box = polygonsBBox([geometry]);
  return box ? [...box] : undefined;
}

/** A Feature of RFC 7946: the geometry rewound and rounded, with its bbox (none for a null geometry). */
export function rfc7946Feature<P>(id: string, geometry: Polygon | MultiPolygon | null, properties: P) {
  const output = geometry && rfc7946Geometry(geometry);
  const bbox = output ? geometryBBox(output) : undefined;
  return { type: 'Feature' as const, id, ...(bbox ? { bbox } : {}), geometry: output, properties };
}
