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

const CELL_KEY = 1 << 21;

export class SegmentIndex {
  private readonly cells = new Map<number, number[]>();
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly edgeOf: Int32Array;

  constructor(
    private readonly lines: EdgeLines,
    private readonly frame: LocalFrame,
    private readonly cellMetres = 50,
  ) {
    const positions = lines.coords.length / 2;
    this.xs = new Float64Array(positions);
    this.ys = new Float64Array(positions);
    this.edgeOf = new Int32Array(positions).fill(-1);
    for (let p = 0; p < positions; p++) {
      this.xs[p] = (lines.coords[2 * p]! - frame.lon0) * frame.kx;
      this.ys[p] = (lines.coords[2 * p + 1]! - frame.lat0) * frame.ky;
    }
    for (let e = 0; e < lines.count; e++) {
      for (let p = lines.start[e]!; p + 1 < lines.start[e + 1]!; p++) {
        this.edgeOf[p] = e;
        this.addSegment(p);
      }
    }
  }

  private cell(x: number): number {
    return Math.floor(x / this.cellMetres);
  }

  private addSegment(p: number): void {
    const [x0, x1] = [Math.min(this.xs[p]!, this.xs[p + 1]!), Math.max(this.xs[p]!, this.xs[p + 1]!)];
    const [y0, y1] = [Math.min(this.ys[p]!, this.ys[p + 1]!), Math.max(this.ys[p]!, this.ys[p + 1]!)];
    for (let i = this.cell(x0); i <= this.cell(x1); i++) {
      for (let j = this.cell(y0); j <= this.cell(y1); j++) {
        const key = (i + CELL_KEY) * 2 * CELL_KEY + (j + CELL_KEY);
        const list = this.cells.get(key);
        if (list) list.push(p);
        else this.cells.set(key, [p]);
      }
    }
  }

  /** The nearest segment within `maxMetres` of (lon, lat), or null; `skip` leaves edges out. */
  nearest(lon: number, lat: number, maxMetres: number, skip?: (edge: number) => boolean): NearestSegment | null {
    const x = (lon - this.frame.lon0) * this.frame.kx;
    const y = (lat - this.frame.lat0) * this.frame.ky;
    let best: { p: number; t: number; d: number } | null = null;
    for (let i = this.cell(x - maxMetres); i <= this.cell(x + maxMetres); i++) {
      for (let j = this.cell(y - maxMetres); j <= this.cell(y + maxMetres); j++) {
        const list = this.cells.get((i + CELL_KEY) * 2 * CELL_KEY + (j + CELL_KEY));
        if (!list) continue;
        for (const p of list) {
          if (skip?.(this.edgeOf[p]!)) continue;
          const ax = this.xs[p]!;
          const ay = this.ys[p]!;
          const dx = this.xs[p + 1]! - ax;
          const dy = this.ys[p + 1]! - ay;
          const squared = dx * dx + dy * dy;
          const t = squared === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / squared));
          const d = Math.hypot(ax + t * dx - x, ay + t * dy - y);
          // Ties go to the lower position, so that the answer does not depend on the order of the cells.
          if (d <= maxMetres && (!best || d < best.d || (d === best.d && p < best.p))) best = { p, t, d };
        }
      }
    }
    if (!best) return null;
    const c = this.lines.coords;
    const { p, t } = best;
    return {
      edge: this.edgeOf[p]!,
      position: p,
      t,
      distance: best.d,
      lon: c[2 * p]! + t * (c[2 * p + 2]! - c[2 * p]!),
      lat: c[2 * p + 1]! + t * (c[2 * p + 3]! - c[2 * p + 1]!),
    };
  }
}
