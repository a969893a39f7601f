/**
 * Street lines derived from the address register, so that a map without tiles still reads as a town:
 * along each street, the houses numbered 2k−1 and 2k (opposite each other in Finnish numbering) averaged
 * into one position k, the positions joined in order — a centreline — and broken where two neighbours
 * are far apart (a gap, or a street of the same name elsewhere). Pure.
 */
import type { BBox } from '../../lib/geo.js';

/** Neighbouring positions further apart than this start a new line. */
const GAP_METRES = 300;
const METRES_PER_DEGREE = 111_320;

export interface StreetAddresses {
  count: number;
  lon(i: number): number;
  lat(i: number): number;
  /** A number shared by the addresses of one street name (-1 for none). */
  street(i: number): number;
  /** The house number as written ("12 a"), or null. */
  number(i: number): string | null;
  streetName(street: number): string;
}

export interface StreetLine {
  name: string;
  /** [lon, lat] positions, 6 decimals. */
  coordinates: Array<[number, number]>;
  bbox: BBox;
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

function gap(a: [number, number], b: [number, number]): number {
  const kx = Math.cos((a[1] * Math.PI) / 180) * METRES_PER_DEGREE;
  return Math.hypot((a[0] - b[0]) * kx, (a[1] - b[1]) * METRES_PER_DEGREE);
}

function lineOf(name: string, coordinates: Array<[number, number]>): StreetLine {
  const lons = coordinates.map((c) => c[0]);
  const lats = coordinates.map((c) => c[1]);
  return { name, coordinates, bbox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)] };
}

export function streetLines(addresses: StreetAddresses): StreetLine[] {
  // Per street, per position k: summed longitude, latitude and count.
  const sums = new Map<number, Map<number, [number, number, number]>>();
  for (let i = 0; i < addresses.count; i++) {
    const street = addresses.street(i);
    const n = Number.parseInt(addresses.number(i) ?? '', 10);
    if (street < 0 || !Number.isFinite(n) || n < 1) continue;
    let positions = sums.get(street);
    if (!positions) sums.set(street, (positions = new Map()));
    const k = Math.ceil(n / 2);
    const sum = positions.get(k) ?? [0, 0, 0];
    sum[0] += addresses.lon(i);
    sum[1] += addresses.lat(i);
    sum[2] += 1;
    positions.set(k, sum);
  }
  const lines: StreetLine[] = [];
  for (const [street, positions] of sums) {
    const name = addresses.streetName(street);
    let current: Array<[number, number]> = [];
    for (const k of [...positions.keys()].sort((a, b) => a - b)) {
      const [lon, lat, count] = positions.get(k)!;
      const position: [number, number] = [round(lon / count), round(lat / count)];
      if (current.length && gap(current.at(-1)!, position) > GAP_METRES) {
        if (current.length > 1) lines.push(lineOf(name, current));
        current = [];
      }
      current.push(position);
    }
    if (current.length > 1) lines.push(lineOf(name, current));
  }
  return lines;
}

/** The lines whose bounding box meets `box`, at most `limit` of them (longest first when more). */
export function linesIn(lines: readonly StreetLine[], box: BBox, limit: number): StreetLine[] {
  const [w, s, e, n] = box;
  const meeting = lines.filter((l) => l.bbox[0] <= e && l.bbox[2] >= w && l.bbox[1] <= n && l.bbox[3] >= s);
  if (meeting.length <= limit) return meeting;
  const size = (l: StreetLine) => l.bbox[2] - l.bbox[0] + (l.bbox[3] - l.bbox[1]);
  return meeting.sort((a, b) => size(b) - size(a)).slice(0, limit);
}
