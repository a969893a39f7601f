/**
 * The outline of a set of grid cells as polygons: every edge between a filled and an empty cell, walked
 * with the inside on the left, gives counter-clockwise outer rings and clockwise holes (RFC 7946's
 * winding) without any polygon union — linear in the cells, where buffering thousands of points and
 * joining the discs took seconds. Where two filled cells touch only at a corner, the walk turns into the
 * cell it came along, so the rings touch there but do not cross. Pure.
 */
import type { MultiPolygon, Position } from 'geojson';

/** A filled cell: column i (east), row j (north). */
export type Cell = readonly [i: number, j: number];

type Edge = { from: string; to: string; dx: number; dy: number; used: boolean };

const key = (i: number, j: number) => `${i},${j}`;
const point = (k: string): [number, number] => k.split(',').map(Number) as [number, number];

/** Twice the signed area (shoelace): positive for counter-clockwise. */
function signedArea(ring: ReadonlyArray<readonly [number, number]>): number {
  let sum = 0;
  for (let a = 0; a < ring.length - 1; a++) sum += ring[a]![0] * ring[a + 1]![1] - ring[a + 1]![0] * ring[a]![1];
  return sum;
}

function inside(x: number, y: number, ring: ReadonlyArray<readonly [number, number]>): boolean {
  let hit = false;
  for (let a = 0, b = ring.length - 1; a < ring.length; b = a++) {
    const [xa, ya] = ring[a]!;
    const [xb, yb] = ring[b]!;
    if (ya > y !== yb > y && x < ((xb - xa) * (y - ya)) / (yb - ya) + xa) hit = !hit;
  }
  return hit;
}

/** The cells' edges facing empty cells, each with the filled cell on its left. */
function boundaryEdges(filled: Set<string>): Map<string, Edge[]> {
  const outgoing = new Map<string, Edge[]>();
  const add = (fi: number, fj: number, ti: number, tj: number) => {
    const edge = { from: key(fi, fj), to: key(ti, tj), dx: ti - fi, dy: tj - fj, used: false };
    outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge]);
  };
  for (const k of filled) {
    const [i, j] = point(k);
    if (!filled.has(key(i, j - 1))) add(i, j, i + 1, j);
    if (!filled.has(key(i + 1, j))) add(i + 1, j, i + 1, j + 1);
    if (!filled.has(key(i, j + 1))) add(i + 1, j + 1, i, j + 1);
    if (!filled.has(key(i - 1, j))) add(i, j + 1, i, j);
  }
  return outgoing;
}

/** Walks one ring from an unused edge; at a corner with a choice, the left turn (staying in the cell). */
function walk(start: Edge, outgoing: Map<string, Edge[]>): Array<[number, number]> {
  const ring: Array<[number, number]> = [point(start.from)];
  let edge = start;
  edge.used = true;
  while (edge.to !== start.from) {
    const { dx, dy } = edge;
    const turns = [
      [-dy, dx],
      [dx, dy],
      [dy, -dx],
    ];
    const next = (outgoing.get(edge.to) ?? [])
      .filter((e) => !e.used)
      .sort(
        (a, b) =>
          turns.findIndex(([x, y]) => x === a.dx && y === a.dy) - turns.findIndex(([x, y]) => x === b.dx && y === b.dy),
      )[0];
    if (!next) break;
    // Corners only: a straight run adds no vertex.
    if (next.dx !== dx || next.dy !== dy) ring.push(point(edge.to));
    edge = next;
    edge.used = true;
  }
  ring.push(ring[0]!);
  return ring;
}

/** The outline of the cells, each vertex (i, j) placed by `position`; null for no cells. */
export function gridOutline(cells: Iterable<Cell>, position: (i: number, j: number) => Position): MultiPolygon | null {
  const filled = new Set<string>();
  for (const [i, j] of cells) filled.add(key(i, j));
  const outgoing = boundaryEdges(filled);
  const outers: Array<Array<[number, number]>> = [];
  const holes: Array<Array<[number, number]>> = [];
  for (const edges of outgoing.values()) {
    for (const edge of edges) {
      if (edge.used) continue;
      const ring = walk(edge, outgoing);
      if (ring.length >= 4) (signedArea(ring) > 0 ? outers : holes).push(ring);
    }
  }
  if (outers.length === 0) return null;
  const polygons = outers.map((outer) => [outer]);
  for (const hole of holes) {
    const [x, y] = hole[0]!;
    // A hole's corner lies on its outer ring's edge at worst; the middle of its first cell edge is inside.
    const probe: [number, number] = [(x + hole[1]![0]) / 2, (y + hole[1]![1]) / 2];
    const owner = polygons.find((p) => inside(probe[0], probe[1], p[0]!)) ?? polygons[0]!;
    owner.push(hole);
  }
  return {
    type: 'MultiPolygon',
    coordinates: polygons.map((rings) => rings.map((ring) => ring.map(([i, j]) => position(i, j)))),
  };
}
