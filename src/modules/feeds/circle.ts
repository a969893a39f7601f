/**
 * The smallest simple circle around a set of points that a feed can carry as a shape: centred on their
 * bounding box, its radius the farthest point plus a margin (a house is not a point). Pure.
 */
export interface Circle {
  lat: number;
  lon: number;
  radiusKm: number;
}

const EARTH_RADIUS_KM = 6371.0088;
/** What a circle reaches past its farthest address: a plot and the street in front of it. */
const MARGIN_KM = 0.05;

/** Great-circle distance in kilometres (haversine). */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The circle around `points`, or null for none. */
export function circleAround(points: ReadonlyArray<{ lat: number; lon: number }>): Circle | null {
  if (points.length === 0) return null;
  let minLat = Infinity,
    minLon = Infinity,
    maxLat = -Infinity,
    maxLon = -Infinity;
  for (const p of points) {
    minLat = Math.min(minLat, p.lat);
    maxLat = Math.max(maxLat, p.lat);
    minLon = Math.min(minLon, p.lon);
    maxLon = Math.max(maxLon, p.lon);
  }
  const centre = { lat: (minLat + maxLat) / 2, lon: (minLon + maxLon) / 2 };
  let farthest = 0;
  for (const p of points) farthest = Math.max(farthest, distanceKm(centre, p));
  return { ...centre, radiusKm: Math.ceil((farthest + MARGIN_KM) * 100) / 100 };
}
