/**
 * The shape of an incident given by streets and postal codes, from the address points they match: each
 * street stretch a line through its houses in number order (odd and even sides apart, broken where two
 * neighbours are far apart) buffered by a few tens of metres; each postal code the grid cells holding
 * its houses (and their neighbours), outlined. Drawn on maps and published (GeoJSON, CAP); never used to match
 * addresses, which go by street, number and postal code. Pure.
 */
import buffer from '@turf/buffer';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { AreaAddress, StreetSelection } from './area.js';
import { areaMatcher } from './area.js';
import { gridOutline, type Cell } from './grid-outline.js';

/** How far the shape reaches beyond the houses of a street. */
const STREET_BUFFER_METRES = 20;
/** Neighbours on one side of a street further apart than this are drawn as separate stretches. */
const STREET_GAP_METRES = 250;
/** Grid cells over a postal code's extent, at most: the outline's steps (and its vertices) follow them. */
const MAX_POSTAL_CELLS = 2500;
const MIN_CELL_METRES = 30;
const METRES_PER_DEGREE = 111_320;

export interface SelectionInput {
  streets: StreetSelection[];
  postalCodes: string[];
}

type Shape = Polygon | MultiPolygon;

const distance = (a: Position, b: Position): number => {
  const kx = Math.cos((a[1]! * Math.PI) / 180) * METRES_PER_DEGREE;
  return Math.hypot((a[0]! - b[0]!) * kx, (a[1]! - b[1]!) * METRES_PER_DEGREE);
};

function buffered(geometry: Parameters<typeof buffer>[0], metres: number): Shape[] {
  const result = buffer(geometry, metres, { units: 'meters', steps: 6 });
  if (!result) return [];
  return 'features' in result ? result.features.map((f) => f.geometry) : [result.geometry];
}

/** One side of a street in number order, split where neighbours are far apart. */
function streetSide(points: AreaAddress[]): Position[][] {
  const ordered = [...points].sort((a, b) => (a.numberInt ?? 0) - (b.numberInt ?? 0));
  const stretches: Position[][] = [];
  let current: Position[] = [];
  for (const p of ordered) {
    const position: Position = [p.lon, p.lat];
    const last = current.at(-1);
    if (last && distance(last, position) > STREET_GAP_METRES) {
      stretches.push(current);
      current = [];
    }
    if (!last || last[0] !== position[0] || last[1] !== position[1]) current.push(position);
  }
  if (current.length) stretches.push(current);
  // A lone house is a line of no length (a buffer makes it a disc).
  return stretches.map((line) => (line.length === 1 ? [line[0]!, [line[0]![0]! + 1e-7, line[0]![1]!]] : line));
}

/** Both sides' stretches buffered at once, so that the sides merge into one shape where they meet. */
function streetShapes(selection: StreetSelection, points: AreaAddress[]): Shape[] {
  const matches = areaMatcher({ polygons: [], streets: [selection], postalCodes: [] });
  const on = points.filter((p) => matches(p));
  const sides = [on.filter((p) => (p.numberInt ?? 0) % 2 === 1), on.filter((p) => (p.numberInt ?? 0) % 2 === 0)];
  const lines = sides.flatMap((side) => (side.length ? streetSide(side) : []));
  return lines.length ? buffered({ type: 'MultiLineString', coordinates: lines }, STREET_BUFFER_METRES) : [];
}

/**
 * A postal code's houses on a grid (at most MAX_POSTAL_CELLS cells over their extent), each filled cell
 * grown by its neighbours so that a street's gaps close, outlined as polygons.
 */
function postalShape(points: AreaAddress[]): Shape[] {
  if (points.length === 0) return [];
  const kx = Math.cos((points[0]!.lat * Math.PI) / 180) * METRES_PER_DEGREE;
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of points) {
    w = Math.min(w, p.lon);
    e = Math.max(e, p.lon);
    s = Math.min(s, p.lat);
    n = Math.max(n, p.lat);
  }
  const width = (e - w) * kx;
  const height = (n - s) * METRES_PER_DEGREE;
  const cell = Math.max(
    MIN_CELL_METRES,
    Math.sqrt((width * height) / MAX_POSTAL_CELLS),
    Math.max(width, height) / MAX_POSTAL_CELLS,
  );
  const cells = new Map<string, Cell>();
  for (const p of points) {
    const i = Math.floor((p.lon * kx) / cell);
    const j = Math.floor((p.lat * METRES_PER_DEGREE) / cell);
    for (let di = -1; di <= 1; di++)
      for (let dj = -1; dj <= 1; dj++) cells.set(`${i + di},${j + dj}`, [i + di, j + dj]);
  }
  const outline = gridOutline(cells.values(), (i, j) => [(i * cell) / kx, (j * cell) / METRES_PER_DEGREE]);
  return outline ? [outline] : [];
}

/** The shape of the streets and postal codes over the addresses they match, or null when they match none. */
export function selectionShape(selection: SelectionInput, points: readonly AreaAddress[]): MultiPolygon | null {
  const shapes = [
    ...selection.streets.flatMap((s) => streetShapes(s, points as AreaAddress[])),
    ...selection.postalCodes.flatMap((code) => postalShape(points.filter((p) => p.postalCode === code))),
  ];
  if (shapes.length === 0) return null;
  return {
    type: 'MultiPolygon',
    coordinates: shapes.flatMap((s) => (s.type === 'Polygon' ? [s.coordinates] : s.coordinates)),
  };
}
