/**
 * A tiny PMTiles v3 archive for the browser tests, built here: one Mapbox Vector Tile per zoom 0–15 (the
 * tile holding the town), with the layers protomaps' basemap style draws — `earth` over the whole tile,
 * a lake (`water`) and a main road (`roads`) near the centre. Uncompressed, a few kilobytes. The
 * protobuf is written by hand (the MVT 2.1 and PMTiles 3 specifications), so nothing here reads like the
 * code under test.
 */
import { writeFileSync } from 'node:fs';
import { zxyToTileId } from 'pmtiles';

const EXTENT = 4096;
const MAX_ZOOM = 15;

function varint(n: number, out: number[]): void {
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}
const zigzag = (n: number) => (n << 1) ^ (n >> 31);
const key = (field: number, wire: number, out: number[]) => varint((field << 3) | wire, out);
function bytesField(field: number, bytes: number[], out: number[]): void {
  key(field, 2, out);
  varint(bytes.length, out);
  out.push(...bytes);
}
const text = (s: string) => [...Buffer.from(s, 'utf8')];

/** MVT geometry commands of one ring or line in tile coordinates. */
function commands(points: Array<[number, number]>, closed: boolean): number[] {
  const out: number[] = [];
  let [x, y] = [0, 0];
  points.forEach(([px, py], i) => {
    if (i === 0) out.push((1 & 7) | (1 << 3));
    if (i === 1) out.push((2 & 7) | ((points.length - 1) << 3));
    out.push(zigzag(px - x), zigzag(py - y));
    [x, y] = [px, py];
  });
  if (closed) out.push((7 & 7) | (1 << 3));
  return out;
}

/** One layer with one feature (GeomType 2 line, 3 polygon) and a `kind` tag. */
function layer(name: string, type: 2 | 3, geometry: number[], kind: string): number[] {
  const feature: number[] = [];
  key(2, 2, feature);
  varint(2, feature);
  feature.push(0, 0); // tags: key 0, value 0 (packed)
  key(3, 0, feature);
  varint(type, feature);
  const packed: number[] = [];
  for (const g of geometry) varint(g, packed);
  bytesField(4, packed, feature);
  const value: number[] = [];
  bytesField(1, text(kind), value);
  const out: number[] = [];
  key(15, 0, out);
  varint(2, out);
  bytesField(1, text(name), out);
  bytesField(2, feature, out);
  bytesField(3, text('kind'), out);
  bytesField(4, value, out);
  key(5, 0, out);
  varint(EXTENT, out);
  return out;
}

/** A position as tile coordinates of tile (z, x, y), clamped a little outside the tile. */
function tilePoint(lon: number, lat: number, z: number, x: number, y: number): [number, number] {
  const n = 2 ** z;
  const gx = ((lon + 180) / 360) * n;
  const r = (lat * Math.PI) / 180;
  const gy = ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n;
  const clamp = (v: number) => Math.max(-64, Math.min(EXTENT + 64, Math.round(v * EXTENT)));
  return [clamp(gx - x), clamp(gy - y)];
}

function tile(z: number, x: number, y: number, centre: { lon: number; lat: number }): Buffer {
  const earth: Array<[number, number]> = [
    [0, 0],
    [0, EXTENT],
    [EXTENT, EXTENT],
    [EXTENT, 0],
  ];
  const at = (dlon: number, dlat: number) => tilePoint(centre.lon + dlon, centre.lat + dlat, z, x, y);
  const lake = [at(0.004, -0.001), at(0.004, -0.003), at(0.009, -0.003), at(0.009, -0.001)];
  const road = [at(-0.03, 0.001), at(0.03, 0.001)];
  const bytes: number[] = [];
  bytesField(3, layer('earth', 3, commands(earth, true), 'earth'), bytes);
  bytesField(3, layer('water', 3, commands(lake, true), 'lake'), bytes);
  bytesField(3, layer('roads', 2, commands(road, false), 'major_road'), bytes);
  return Buffer.from(bytes);
}

/** Writes the archive for a town centred at `centre` and returns its size in bytes. */
export function writeTestPmtiles(file: string, centre: { lon: number; lat: number }): number {
  const tiles: Array<{ id: number; data: Buffer }> = [];
  for (let z = 0; z <= MAX_ZOOM; z++) {
    const n = 2 ** z;
    const x = Math.floor(((centre.lon + 180) / 360) * n);
    const r = (centre.lat * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
    tiles.push({ id: zxyToTileId(z, x, y), data: tile(z, x, y, centre) });
  }
  tiles.sort((a, b) => a.id - b.id);
  // Root directory: count, tile id deltas, run lengths, lengths, offsets (0 = right after the previous).
  const directory: number[] = [];
  varint(tiles.length, directory);
  let last = 0;
  for (const t of tiles) {
    varint(t.id - last, directory);
    last = t.id;
  }
  for (const _ of tiles) varint(1, directory);
  for (const t of tiles) varint(t.data.length, directory);
  tiles.forEach((_, i) => varint(i === 0 ? 1 : 0, directory));
  const metadata = Buffer.from(
    JSON.stringify({ name: 'aviso test town', vector_layers: [{ id: 'earth' }, { id: 'water' }, { id: 'roads' }] }),
  );
  const data = Buffer.concat(tiles.map((t) => t.data));

  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'latin1');
  header.writeUInt8(3, 7);
  const rootOffset = 127;
  const metadataOffset = rootOffset + directory.length;
  const dataOffset = metadataOffset + metadata.length;
  const u64 = (value: number, at: number) => header.writeBigUInt64LE(BigInt(value), at);
  u64(rootOffset, 8);
  u64(directory.length, 16);
  u64(metadataOffset, 24);
  u64(metadata.length, 32);
  u64(dataOffset, 40); // no leaf directories: offset at the data, length 0
  u64(0, 48);
  u64(dataOffset, 56);
  u64(data.length, 64);
  u64(tiles.length, 72);
  u64(tiles.length, 80);
  u64(tiles.length, 88);
  header.writeUInt8(1, 96); // clustered
  header.writeUInt8(1, 97); // internal compression: none
  header.writeUInt8(1, 98); // tile compression: none
  header.writeUInt8(1, 99); // tile type: MVT
  header.writeUInt8(0, 100);
  header.writeUInt8(MAX_ZOOM, 101);
  const e7 = (v: number) => Math.round(v * 1e7);
  header.writeInt32LE(e7(centre.lon - 0.1), 102);
  header.writeInt32LE(e7(centre.lat - 0.05), 106);
  header.writeInt32LE(e7(centre.lon + 0.1), 110);
  header.writeInt32LE(e7(centre.lat + 0.05), 114);
  header.writeUInt8(13, 118);
  header.writeInt32LE(e7(centre.lon), 119);
  header.writeInt32LE(e7(centre.lat), 123);
  const archive = Buffer.concat([header, Buffer.from(directory), metadata, data]);
  writeFileSync(file, archive);
  return archive.length;
}
