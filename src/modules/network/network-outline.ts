/**
 * The outline of a trace for maps, CAP and the public map: the traced pipes (sampled along their length)
 * and their addresses on a grid, each filled cell grown by its neighbours, outlined. Drawn, never matched
 * against: the recipients are the connected addresses themselves. Pure.
 */
import type { MultiPolygon } from 'geojson';
import { gridOutline, type Cell } from '../incidents/grid-outline.js';
import type { Connections } from './connections.js';
import type { NetworkGraph } from './topology.js';

const MIN_CELL_METRES = 15;
/** Cells over the trace's extent, at most: the outline's steps (and vertices) follow them. */
const MAX_CELLS = 2500;

export function traceOutline(
  graph: NetworkGraph,
  connections: Connections,
  edges: readonly number[],
  addresses: readonly number[],
): MultiPolygon | null {
  const { lon0, lat0, kx, ky } = graph.frame;
  let [minX, minY, maxX, maxY, points] = [Infinity, Infinity, -Infinity, -Infinity, 0];
  const add = (lon: number, lat: number) => {
    const [x, y] = [(lon - lon0) * kx, (lat - lat0) * ky];
    [minX, maxX, minY, maxY] = [Math.min(minX, x), Math.max(maxX, x), Math.min(minY, y), Math.max(maxY, y)];
    points++;
  };
  for (const e of edges)
    for (let p = graph.edges.start[e]!; p < graph.edges.start[e + 1]!; p++)
      add(graph.edges.coords[2 * p]!, graph.edges.coords[2 * p + 1]!);
  for (const k of addresses) add(connections.lon[k]!, connections.lat[k]!);
  if (points === 0) return null;
  const width = maxX - minX;
  const height = maxY - minY;
  const cell = Math.max(MIN_CELL_METRES, Math.sqrt((width * height) / MAX_CELLS), Math.max(width, height) / MAX_CELLS);
  const cells = new Map<string, Cell>();
  const fill = (x: number, y: number) => {
    const [i, j] = [Math.floor(x / cell), Math.floor(y / cell)];
    for (let di = -1; di <= 1; di++)
      for (let dj = -1; dj <= 1; dj++) cells.set(`${i + di},${j + dj}`, [i + di, j + dj]);
  };
  for (const e of edges) {
    for (let p = graph.edges.start[e]!; p + 1 < graph.edges.start[e + 1]!; p++) {
      const [ax, ay] = [(graph.edges.coords[2 * p]! - lon0) * kx, (graph.edges.coords[2 * p + 1]! - lat0) * ky];
      const [bx, by] = [(graph.edges.coords[2 * p + 2]! - lon0) * kx, (graph.edges.coords[2 * p + 3]! - lat0) * ky];
      const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / (cell / 2)));
      for (let s = 0; s <= steps; s++) fill(ax + ((bx - ax) * s) / steps, ay + ((by - ay) * s) / steps);
    }
  }
  for (const k of addresses) fill((connections.lon[k]! - lon0) * kx, (connections.lat[k]! - lat0) * ky);
  return gridOutline(cells.values(), (i, j) => [
    Math.round((lon0 + (i * cell) / kx) * 1e6) / 1e6,
    Math.round((lat0 + (j * cell) / ky) * 1e6) / 1e6,
  ]);
}
