/**
 * A network as stored: the built graph and its connections in one compressed blob — a JSON part (ids,
 * materials) and the typed arrays as they are in memory — so that loading a 200,000-pipe network is one
 * read and no rebuilding, and a re-import replaces it whole. Pure.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import type { Connections } from './connections.js';
import type { NetworkGraph } from './topology.js';

export interface NetworkSnapshot {
  graph: NetworkGraph;
  connections: Connections;
}

const FORMAT = 1;

type Typed = Float64Array | Int32Array | Uint32Array | Uint8Array;

function arraysOf(s: NetworkSnapshot): Typed[] {
  const { graph: g, connections: c } = s;
  return [
    g.pipes.diameter,
    g.valves.lon,
    g.valves.lat,
    g.valves.closed,
    g.valves.operable,
    g.valves.node,
    g.sources.lon,
    g.sources.lat,
    g.sources.node,
    g.nodes.lon,
    g.nodes.lat,
    g.nodes.valve,
    g.nodes.source,
    g.edges.from,
    g.edges.to,
    g.edges.pipe,
    g.edges.start,
    g.edges.coords,
    g.adjacency.start,
    g.adjacency.edge,
    c.start,
    c.lon,
    c.lat,
    c.inferred,
  ];
}

const KINDS = [
  Float64Array,
  Float64Array,
  Float64Array,
  Uint8Array,
  Uint8Array,
  Int32Array,
  Float64Array,
  Float64Array,
  Int32Array,
  Float64Array,
  Float64Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Uint32Array,
  Float64Array,
  Uint32Array,
  Int32Array,
  Uint32Array,
  Float64Array,
  Float64Array,
  Uint8Array,
] as const;

export function encodeSnapshot(s: NetworkSnapshot): Buffer {
  const { graph: g, connections: c } = s;
  const header = Buffer.from(
    JSON.stringify({
      format: FORMAT,
      frame: g.frame,
      pipes: { ids: g.pipes.ids, material: g.pipes.material, zone: g.pipes.zone },
      valves: g.valves.ids,
      sources: g.sources.ids,
      nodes: g.nodes.count,
      edges: g.edges.count,
      addresses: c.addressIds,
    }),
  );
  const parts: Buffer[] = [];
  const lengths = new Uint32Array(1 + KINDS.length);
  lengths[0] = header.length;
  arraysOf(s).forEach((a, i) => {
    lengths[i + 1] = a.byteLength;
    // Each array starts on an 8-byte boundary, so that it can be read in place.
    parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.alloc((8 - (a.byteLength % 8)) % 8));
  });
  const head = Buffer.from(lengths.buffer);
  const headerPad = Buffer.alloc((8 - ((head.length + header.length) % 8)) % 8);
  return deflateSync(Buffer.concat([head, header, headerPad, ...parts]), { level: 1 });
}

export function decodeSnapshot(blob: Uint8Array): NetworkSnapshot {
  const raw = inflateSync(blob);
  const bytes = new Uint8Array(raw.length);
  bytes.set(raw);
  const lengths = new Uint32Array(bytes.buffer, 0, 1 + KINDS.length);
  let offset = lengths.byteLength;
  const header = JSON.parse(Buffer.from(bytes.buffer, offset, lengths[0]!).toString('utf8')) as {
    format: number;
    frame: NetworkGraph['frame'];
    pipes: { ids: string[]; material: Array<string | null>; zone: Array<string | null> };
    valves: string[];
    sources: string[];
    nodes: number;
    edges: number;
    addresses: string[];
  };
  if (header.format !== FORMAT) throw new Error(`network snapshot format ${header.format} is not ${FORMAT}`);
  offset += lengths[0]!;
  offset += (8 - (offset % 8)) % 8;
  const a = KINDS.map((Kind, i) => {
    const length = lengths[i + 1]!;
    const array = new Kind(bytes.buffer, offset, length / Kind.BYTES_PER_ELEMENT);
    offset += length + ((8 - (length % 8)) % 8);
    return array;
  }) as unknown as Typed[];
  const f64 = (i: number) => a[i] as Float64Array;
  const i32 = (i: number) => a[i] as Int32Array;
  const u32 = (i: number) => a[i] as Uint32Array;
  const u8 = (i: number) => a[i] as Uint8Array;
  return {
    graph: {
      frame: header.frame,
      pipes: { ids: header.pipes.ids, diameter: f64(0), material: header.pipes.material, zone: header.pipes.zone },
      valves: { ids: header.valves, lon: f64(1), lat: f64(2), closed: u8(3), operable: u8(4), node: i32(5) },
      sources: { ids: header.sources, lon: f64(6), lat: f64(7), node: i32(8) },
      nodes: { count: header.nodes, lon: f64(9), lat: f64(10), valve: i32(11), source: i32(12) },
      edges: { count: header.edges, from: i32(13), to: i32(14), pipe: i32(15), start: u32(16), coords: f64(17) },
      adjacency: { start: u32(18), edge: i32(19) },
    },
    connections: { start: u32(20), addressIds: header.addresses, lon: f64(21), lat: f64(22), inferred: u8(23) },
  };
}
