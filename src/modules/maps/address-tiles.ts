/**
 * A tenant's address points as map tiles (Web Mercator z/x/y, as Leaflet numbers them): zoomed out, the
 * points of a tile binned into 8 × 8 cells (count and mean position per cell, with how many of them an
 * incident's area holds); from POINT_ZOOM on, the points themselves with their "street number" labels.
 *
 * The points are sorted once by their Morton code at zoom 20 (x and y bits interleaved), so the points of
 * any tile — and of any cell inside it — are one contiguous run of that order, found by two binary
 * searches. Prefix sums of longitude, latitude and "inside" make a cell's mean position and inside count
 * constant-time: a tile costs 64 × 2 binary searches however many points it holds. Pure.
 */

/** The finest level codes are taken at (tiles of about 20 m in Finland); deeper tiles are answered from it. */
export const CODE_ZOOM = 20;
/** From this zoom on a tile lists its points; below, it bins them. */
export const POINT_ZOOM = 16;
/** Cells per tile side when binning (8 × 8 cells of 32 px on a 256 px tile). */
const BIN_BITS = 3;
const COORDINATE_DECIMALS = 1e6;

export interface AddressPoints {
  count: number;
  lon(i: number): number;
  lat(i: number): number;
  label(i: number): string | null;
  number(i: number): string | null;
}

/** A cell of a zoomed-out tile: mean position, points in it, how many of them are inside the area. */
export type AddressBin = [lon: number, lat: number, count: number, inside: number];
/** A point of a street-level tile: position, "street number" (empty if none), 1 when inside the area, the number alone. */
export type AddressPoint = [lon: number, lat: number, label: string, inside: 0 | 1, number: string];

export type AddressTile =
  { z: number; x: number; y: number; bins: AddressBin[] } | { z: number; x: number; y: number; points: AddressPoint[] };

/** Spreads the low 10 bits of v to the even bits of a 20-bit number. */
function spread10(v: number): number {
  let x = v & 0x3ff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x;
}

/** The Morton code of tile (x, y) of a zoom ≤ 20 (x in the even bits); exact as a double (≤ 40 bits). */
export function mortonCode(x: number, y: number): number {
  const high = spread10(x >>> 10) | (spread10(y >>> 10) << 1);
  const low = spread10(x) | (spread10(y) << 1);
  return high * 2 ** 20 + low;
}

const TILES_AT_CODE_ZOOM = 2 ** CODE_ZOOM;

/** Web Mercator tile column of a longitude at CODE_ZOOM. */
export function tileX(lon: number, tiles = TILES_AT_CODE_ZOOM): number {
  return Math.min(tiles - 1, Math.max(0, Math.floor(((lon + 180) / 360) * tiles)));
}

/** Web Mercator tile row of a latitude at CODE_ZOOM. */
export function tileY(lat: number, tiles = TILES_AT_CODE_ZOOM): number {
  const r = (lat * Math.PI) / 180;
  const y = (1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2;
  return Math.min(tiles - 1, Math.max(0, Math.floor(y * tiles)));
}

const round = (v: number) => Math.round(v * COORDINATE_DECIMALS) / COORDINATE_DECIMALS;

/** The first position in `codes` (ascending) holding a code ≥ `code`. */
function lowerBound(codes: Float64Array, code: number, from = 0): number {
  let lo = from;
  let hi = codes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (codes[mid]! < code) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Per sorted position, whether the address there is inside; prefix sums for counting runs. */
export interface InsideMarks {
  flags: Uint8Array;
  before: Uint32Array;
}

export class AddressTileIndex {
  private constructor(
    private readonly points: AddressPoints,
    /** Address number of each sorted position. */
    private readonly order: Uint32Array,
    private readonly codes: Float64Array,
    private readonly lonBefore: Float64Array,
    private readonly latBefore: Float64Array,
    /** Subtracted before summing, so that the prefix sums keep their precision. */
    private readonly origin: readonly [number, number],
  ) {}

  static build(points: AddressPoints): AddressTileIndex {
    const n = points.count;
    const byAddress = new Float64Array(n);
    for (let i = 0; i < n; i++) byAddress[i] = mortonCode(tileX(points.lon(i)), tileY(points.lat(i)));
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => byAddress[a]! - byAddress[b]! || a - b);
    const codes = new Float64Array(n);
    const lonBefore = new Float64Array(n + 1);
    const latBefore = new Float64Array(n + 1);
    const origin = [n ? points.lon(0) : 0, n ? points.lat(0) : 0] as const;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      codes[k] = byAddress[i]!;
      lonBefore[k + 1] = lonBefore[k]! + (points.lon(i) - origin[0]);
      latBefore[k + 1] = latBefore[k]! + (points.lat(i) - origin[1]);
    }
    return new AddressTileIndex(points, order, codes, lonBefore, latBefore, origin);
  }

  get count(): number {
    return this.order.length;
  }

  /** Marks the given addresses (by address number) as inside an area, for the tiles to count. */
  markInside(addresses: Iterable<number>): InsideMarks {
    const isInside = new Uint8Array(this.order.length);
    for (const a of addresses) isInside[a] = 1;
    const flags = new Uint8Array(this.order.length);
    const before = new Uint32Array(this.order.length + 1);
    for (let k = 0; k < this.order.length; k++) {
      flags[k] = isInside[this.order[k]!]!;
      before[k + 1] = before[k]! + flags[k]!;
    }
    return { flags, before };
  }

  /** The sorted positions [start, end) of the points in tile (x, y) of zoom z ≤ CODE_ZOOM. */
  private run(z: number, x: number, y: number, from = 0): [number, number] {
    const scale = 2 ** (2 * (CODE_ZOOM - z));
    const first = mortonCode(x, y) * scale;
    const start = lowerBound(this.codes, first, from);
    return [start, lowerBound(this.codes, first + scale, start)];
  }

  tile(z: number, x: number, y: number, inside?: InsideMarks): AddressTile {
    if (z >= POINT_ZOOM) return { z, x, y, points: this.pointsOf(z, x, y, inside) };
    return { z, x, y, bins: this.binsOf(z, x, y, inside) };
  }

  private pointsOf(z: number, x: number, y: number, inside?: InsideMarks): AddressPoint[] {
    // Below CODE_ZOOM's tiles: the tile at CODE_ZOOM holding it, then the points filtered by position.
    const deeper = Math.max(0, z - CODE_ZOOM);
    const [start, end] = this.run(z - deeper, x >>> deeper, y >>> deeper);
    const out: AddressPoint[] = [];
    for (let k = start; k < end; k++) {
      const i = this.order[k]!;
      const lon = this.points.lon(i);
      const lat = this.points.lat(i);
      if (deeper && (tileX(lon, 2 ** z) !== x || tileY(lat, 2 ** z) !== y)) continue;
      out.push([
        round(lon),
        round(lat),
        this.points.label(i) ?? '',
        inside?.flags[k] ? 1 : 0,
        this.points.number(i) ?? '',
      ]);
    }
    return out;
  }

  private binsOf(z: number, x: number, y: number, inside?: InsideMarks): AddressBin[] {
    const [start, end] = this.run(z, x, y);
    if (start === end) return [];
    const bins: AddressBin[] = [];
    const side = 2 ** BIN_BITS;
    let from = start;
    // Cells in Morton order, so each search starts where the previous cell ended.
    for (let cell = 0; cell < side * side; cell++) {
      let cx = 0;
      let cy = 0;
      for (let bit = 0; bit < BIN_BITS; bit++) {
        cx |= ((cell >>> (2 * bit)) & 1) << bit;
        cy |= ((cell >>> (2 * bit + 1)) & 1) << bit;
      }
      const [a, b] = this.run(z + BIN_BITS, (x << BIN_BITS) | cx, (y << BIN_BITS) | cy, from);
      from = b;
      if (a === b) continue;
      const n = b - a;
      const lon = this.origin[0] + (this.lonBefore[b]! - this.lonBefore[a]!) / n;
      const lat = this.origin[1] + (this.latBefore[b]! - this.latBefore[a]!) / n;
      bins.push([round(lon), round(lat), n, inside ? inside.before[b]! - inside.before[a]! : 0]);
      if (b >= end) break;
    }
    return bins;
  }
}
