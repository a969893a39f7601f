/**
 * Where the pipes run, for "which pipe is nearest this point": every straight segment of every edge in
 * the cells of a uniform grid (metres, in the network's local frame). A query looks only at the cells
 * within its distance. Pure; built in memory from the graph (never stored).
 */
import type { LocalFrame } from './topology.js';

export interface NearestSegment {
  edge: number;
  /** Index of the segment's first position in the edge coordinates (pairs). */
  position: number;
  /** Where along the segment the nearest point lies, 0…1. */
  t: number;
  distance: number;
  lon: number;
  lat: number;
}

/** The coordinates of edges, concatenated: edge e owns positions start[e] … start[e + 1] − 1. */
export interface EdgeLines {
  count: number;
  start: Uint32Array;
  coords: Float64Array;
}

/** Cells the grid may have: past this the cells grow (a country-wide network with a tiny cell size). */
const MAX_CELLS = 1 << 24;

export class SegmentIndex {
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly edgeOf: Int32Array;
  private readonly cellMetres: number;
  private readonly minX: number;
  private readonly minY: number;
  private readonly columns: number;
  private readonly rows: number;
  /** The segments (their first positions) of cell c: items[start[c] … start[c + 1] − 1]. */
  private readonly start: Uint32Array;
  private readonly items: Int32Array;

  constructor(
    private readonly lines: EdgeLines,
    private readonly frame: LocalFrame,
    cellMetres = 50,
  ) {
    const positions = lines.coords.length / 2;
    this.xs = new Float64Array(positions);
    this.ys = new Float64Array(positions);
    this.edgeOf = new Int32Array(positions).fill(-1);
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let p = 0; p < positions; p++) {
      const x = (this.xs[p] = (lines.coords[2 * p]! - frame.lon0) * frame.kx);
      const y = (this.ys[p] = (lines.coords[2 * p + 1]! - frame.lat0) * frame.ky);
      [minX, minY, maxX, maxY] = [Math.min(minX, x), Math.min(minY, y), Math.max(maxX, x), Math.max(maxY, y)];
    }
    if (positions === 0) [minX, minY, maxX, maxY] = [0, 0, 0, 0];
    const area = ((maxX - minX) / cellMetres + 1) * ((maxY - minY) / cellMetres + 1);
    this.cellMetres = area > MAX_CELLS ? cellMetres * Math.sqrt(area / MAX_CELLS) * 1.01 : cellMetres;
    [this.minX, this.minY] = [minX, minY];
    this.columns = Math.floor((maxX - minX) / this.cellMetres) + 1;
    this.rows = Math.floor((maxY - minY) / this.cellMetres) + 1;
    const counts = new Uint32Array(this.columns * this.rows + 1);
    for (let e = 0; e < lines.count; e++) {
      for (let p = lines.start[e]!; p + 1 < lines.start[e + 1]!; p++) {
        this.edgeOf[p] = e;
        this.forEachCell(p, (c) => counts[c + 1]!++);
      }
    }
    for (let c = 0; c < this.columns * this.rows; c++) counts[c + 1]! += counts[c]!;
    this.start = counts;
    this.items = new Int32Array(counts[this.columns * this.rows]!);
    const fill = counts.slice(0, this.columns * this.rows);
    for (let p = 0; p < positions; p++)
      if (this.edgeOf[p]! >= 0) this.forEachCell(p, (c) => (this.items[fill[c]!++] = p));
  }

  private column(x: number): number {
    return Math.max(0, Math.min(this.columns - 1, Math.floor((x - this.minX) / this.cellMetres)));
  }

  private row(y: number): number {
    return Math.max(0, Math.min(this.rows - 1, Math.floor((y - this.minY) / this.cellMetres)));
  }

  /** The cells the bounding box of segment p covers. */
  private forEachCell(p: number, visit: (cell: number) => void): void {
    const [i0, i1] = [
      this.column(Math.min(this.xs[p]!, this.xs[p + 1]!)),
      this.column(Math.max(this.xs[p]!, this.xs[p + 1]!)),
    ];
    const [j0, j1] = [
      this.row(Math.min(this.ys[p]!, this.ys[p + 1]!)),
      this.row(Math.max(this.ys[p]!, this.ys[p + 1]!)),
    ];
    for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) visit(j * this.columns + i);
  }

  /** The nearest segment within `maxMetres` of (lon, lat), or null; `skip` leaves edges out. */
  nearest(lon: number, lat: number, maxMetres: number, skip?: (edge: number) => boolean): NearestSegment | null {
    const x = (lon - this.frame.lon0) * this.frame.kx;
    const y = (lat - this.frame.lat0) * this.frame.ky;
    const limit = maxMetres * maxMetres;
    let [bestP, bestT, bestD] = [-1, 0, Infinity];
    // A point beyond the grid by more than the distance has nothing near.
    if (
      x < this.minX - maxMetres ||
      y < this.minY - maxMetres ||
      x > this.minX + this.columns * this.cellMetres + maxMetres ||
      y > this.minY + this.rows * this.cellMetres + maxMetres
    )
      return null;
    const [i0, i1, j0, j1] = [
      this.column(x - maxMetres),
      this.column(x + maxMetres),
      this.row(y - maxMetres),
      this.row(y + maxMetres),
    ];
    for (let j = j0; j <= j1; j++) {
      for (let i = i0; i <= i1; i++) {
        const cell = j * this.columns + i;
        for (let k = this.start[cell]!; k < this.start[cell + 1]!; k++) {
          const p = this.items[k]!;
          if (skip?.(this.edgeOf[p]!)) continue;
          const ax = this.xs[p]!;
          const ay = this.ys[p]!;
          const dx = this.xs[p + 1]! - ax;
          const dy = this.ys[p + 1]! - ay;
          const squared = dx * dx + dy * dy;
          const t = squared === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / squared));
          const ex = ax + t * dx - x;
          const ey = ay + t * dy - y;
          const d = ex * ex + ey * ey;
          // Ties go to the lower position, so that the answer does not depend on the order of the cells.
          if (d <= limit && (d < bestD || (d === bestD && p < bestP))) [bestP, bestT, bestD] = [p, t, d];
        }
      }
    }
    if (bestP < 0) return null;
    const c = this.lines.coords;
    const [p, t] = [bestP, bestT];
    return {
      edge: this.edgeOf[p]!,
      position: p,
      t,
      distance: Math.sqrt(bestD),
      lon: c[2 * p]! + t * (c[2 * p + 2]! - c[2 * p]!),
      lat: c[2 * p + 1]! + t * (c[2 * p + 3]! - c[2 * p + 1]!),
    };
  }
}
