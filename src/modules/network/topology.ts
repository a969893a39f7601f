/**
 * A pipe network as a graph, built once at import: pipe ends within the snapping tolerance are one node;
 * a valve (or source) on a pipe splits it there and is a node of its own; a valve at a pipe end marks
 * that node. Edges are the pieces of pipe between nodes. Disconnected pieces of the network are counted
 * and located. Pure: arrays in, typed arrays out.
 */
import type { Position } from 'geojson';
import { SegmentIndex } from './segment-index.js';

/** Degrees to metres around the network (equirectangular: exact enough within a town). */
export interface LocalFrame {
  lon0: number;
  lat0: number;
  kx: number;
  ky: number;
}

const METRES_PER_DEGREE = 111_320;

export function localFrame(lon0: number, lat0: number): LocalFrame {
  return { lon0, lat0, kx: Math.cos((lat0 * Math.PI) / 180) * METRES_PER_DEGREE, ky: METRES_PER_DEGREE };
}

export interface PipeInput {
  id: string;
  diameter: number | null;
  material: string | null;
  zone: string | null;
  /** A LineString is one part, a MultiLineString several: each part is a run of pipe of its own. */
  parts: Position[][];
}

export interface ValveInput {
  id: string;
  lon: number;
  lat: number;
  closed: boolean;
  operable: boolean;
}

/** Where water (or heat) enters the network: a plant, a reservoir, a feed from a neighbour. */
export interface SourceInput {
  id: string;
  lon: number;
  lat: number;
}

export interface NetworkGraph {
  frame: LocalFrame;
  pipes: { ids: string[]; diameter: Float64Array; material: Array<string | null>; zone: Array<string | null> };
  valves: {
    ids: string[];
    lon: Float64Array;
    lat: Float64Array;
    closed: Uint8Array;
    operable: Uint8Array;
    node: Int32Array;
  };
  sources: { ids: string[]; lon: Float64Array; lat: Float64Array; node: Int32Array };
  /** Node positions; `valve`/`source` index at that node or −1. */
  nodes: { count: number; lon: Float64Array; lat: Float64Array; valve: Int32Array; source: Int32Array };
  /** Pieces of pipe between two nodes: `pipe` is the index of the pipe they are part of. */
  edges: {
    count: number;
    from: Int32Array;
    to: Int32Array;
    pipe: Int32Array;
    start: Uint32Array;
    coords: Float64Array;
  };
  /** Edges at each node: adjacency.edge[start[n] … start[n + 1] − 1]. */
  adjacency: { start: Uint32Array; edge: Int32Array };
}

export interface DisconnectedPiece {
  pipes: number;
  /** A point of the piece (its first node), to find it on a map. */
  at: [number, number];
}

export interface TopologyReport {
  /** Pipe ends that met at least one other end (within the tolerance). */
  joinedEnds: number;
  /** Connected pieces of the network; more than one means parts no pipe joins. */
  components: number;
  /** Every piece but the largest, largest first (at most 100 listed). */
  disconnected: DisconnectedPiece[];
}

export interface Rejection {
  id: string;
  reason: string;
}

export interface TopologyInput {
  pipes: PipeInput[];
  valves: ValveInput[];
  sources: SourceInput[];
  toleranceMetres: number;
}

class UnionFind {
  readonly parent: Int32Array;
  constructor(size: number) {
    this.parent = new Int32Array(size);
    for (let i = 0; i < size; i++) this.parent[i] = i;
  }
  find(a: number): number {
    while (this.parent[a] !== a) a = this.parent[a] = this.parent[this.parent[a]!]!;
    return a;
  }
  union(a: number, b: number): void {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

interface Part {
  pipe: number;
  line: Position[];
}

/** Pipe ends within the tolerance as one node each: union-find over a grid of tolerance-sized cells. */
function snapEnds(
  parts: Part[],
  frame: LocalFrame,
  tolerance: number,
): { endNode: Int32Array; nodeLon: number[]; nodeLat: number[]; joinedEnds: number } {
  const ends = parts.length * 2;
  const x = new Float64Array(ends);
  const y = new Float64Array(ends);
  parts.forEach((part, i) => {
    for (const [k, position] of [
      [0, part.line[0]!],
      [1, part.line.at(-1)!],
    ] as const) {
      x[2 * i + k] = (position[0]! - frame.lon0) * frame.kx;
      y[2 * i + k] = (position[1]! - frame.lat0) * frame.ky;
    }
  });
  const cell = Math.max(tolerance, 1e-6);
  // Cells by a hash of their column and row (a small integer key is fast): a collision costs a distance check.
  const key = (i: number, j: number) => (Math.imul(i, 73_856_093) ^ Math.imul(j, 19_349_663)) & 0x3fffffff;
  const grid = new Map<number, number[]>();
  const sets = new UnionFind(ends);
  for (let e = 0; e < ends; e++) {
    const [i, j] = [Math.floor(x[e]! / cell), Math.floor(y[e]! / cell)];
    for (let di = -1; di <= 1; di++) {
      for (let dj = -1; dj <= 1; dj++) {
        for (const other of grid.get(key(i + di, j + dj)) ?? []) {
          if (Math.hypot(x[e]! - x[other]!, y[e]! - y[other]!) <= tolerance) sets.union(e, other);
        }
      }
    }
    const list = grid.get(key(i, j));
    if (list) list.push(e);
    else grid.set(key(i, j), [e]);
  }
  const endNode = new Int32Array(ends);
  const nodeOfRoot = new Map<number, number>();
  const members = new Map<number, number>();
  const nodeLon: number[] = [];
  const nodeLat: number[] = [];
  for (let e = 0; e < ends; e++) {
    const root = sets.find(e);
    members.set(root, (members.get(root) ?? 0) + 1);
    let node = nodeOfRoot.get(root);
    if (node === undefined) {
      node = nodeLon.length;
      nodeOfRoot.set(root, node);
      const position = e % 2 === 0 ? parts[e >> 1]!.line[0]! : parts[e >> 1]!.line.at(-1)!;
      nodeLon.push(position[0]!);
      nodeLat.push(position[1]!);
    }
    endNode[e] = node;
  }
  let joinedEnds = 0;
  for (let e = 0; e < ends; e++) if (members.get(sets.find(e))! > 1) joinedEnds++;
  return { endNode, nodeLon, nodeLat, joinedEnds };
}

/** The parts as edge lines, for finding the pipe a valve sits on. */
function partLines(parts: Part[]) {
  const start = new Uint32Array(parts.length + 1);
  let total = 0;
  parts.forEach((p, i) => {
    start[i] = total;
    total += p.line.length;
  });
  start[parts.length] = total;
  const coords = new Float64Array(total * 2);
  let k = 0;
  for (const p of parts) {
    for (const position of p.line) {
      coords[k++] = position[0]!;
      coords[k++] = position[1]!;
    }
  }
  return { count: parts.length, start, coords };
}

interface Split {
  /** Segment index within the part, and where along it. */
  at: number;
  node: number;
  lon: number;
  lat: number;
}

function adjacencyOf(nodeCount: number, from: number[], to: number[]) {
  const degree = new Uint32Array(nodeCount + 1);
  for (let e = 0; e < from.length; e++) {
    degree[from[e]! + 1]!++;
    if (to[e] !== from[e]) degree[to[e]! + 1]!++;
  }
  for (let n = 0; n < nodeCount; n++) degree[n + 1]! += degree[n]!;
  const fill = degree.slice(0, nodeCount);
  const edge = new Int32Array(degree[nodeCount]!);
  for (let e = 0; e < from.length; e++) {
    edge[fill[from[e]!]!++] = e;
    if (to[e] !== from[e]) edge[fill[to[e]!]!++] = e;
  }
  return { start: degree, edge };
}

function components(graph: NetworkGraph): Pick<TopologyReport, 'components' | 'disconnected'> {
  const sets = new UnionFind(graph.nodes.count);
  for (let e = 0; e < graph.edges.count; e++) sets.union(graph.edges.from[e]!, graph.edges.to[e]!);
  const pieces = new Map<number, DisconnectedPiece>();
  for (let e = 0; e < graph.edges.count; e++) {
    const root = sets.find(graph.edges.from[e]!);
    const piece = pieces.get(root);
    if (piece) piece.pipes++;
    else pieces.set(root, { pipes: 1, at: [graph.nodes.lon[root]!, graph.nodes.lat[root]!] });
  }
  const bySize = [...pieces.values()].sort((a, b) => b.pipes - a.pipes || a.at[0] - b.at[0] || a.at[1] - b.at[1]);
  return { components: bySize.length, disconnected: bySize.slice(1, 101) };
}

/** Nodes for valves and sources: an existing node within the tolerance, else a split of the pipe under it. */
function placePoints(
  points: ReadonlyArray<{ id: string; lon: number; lat: number }>,
  kind: 'valve' | 'source',
  context: {
    index: SegmentIndex;
    frame: LocalFrame;
    tolerance: number;
    nodeLon: number[];
    nodeLat: number[];
    nodeNear: (lon: number, lat: number) => number;
    splits: Split[][];
    taken: Map<number, string>;
  },
  rejections: Rejection[],
): Int32Array {
  const nodes = new Int32Array(points.length).fill(-1);
  points.forEach((point, i) => {
    const hit = context.index.nearest(point.lon, point.lat, context.tolerance);
    if (!hit) {
      rejections.push({ id: point.id, reason: `${kind} not on a pipe (none within ${context.tolerance} m)` });
      return;
    }
    let node = context.nodeNear(hit.lon, hit.lat);
    if (node === -1) {
      node = context.nodeLon.length;
      context.nodeLon.push(hit.lon);
      context.nodeLat.push(hit.lat);
      context.splits[hit.edge]!.push({ at: hit.position + hit.t, node, lon: hit.lon, lat: hit.lat });
    }
    const other = context.taken.get(node);
    if (other !== undefined) {
      rejections.push({ id: point.id, reason: `${kind} at the same place as ${other}` });
      return;
    }
    context.taken.set(node, point.id);
    nodes[i] = node;
  });
  return nodes;
}

/** The graph of a network and what building it found; `rejections` name valves and sources off the pipes. */
export function buildTopology(
  input: TopologyInput,
  frame: LocalFrame,
): { graph: NetworkGraph; report: TopologyReport; rejections: Rejection[] } {
  const tolerance = input.toleranceMetres;
  const parts: Part[] = input.pipes.flatMap((pipe, i) => pipe.parts.map((line) => ({ pipe: i, line })));
  const { endNode, nodeLon, nodeLat, joinedEnds } = snapEnds(parts, frame, tolerance);
  const lines = partLines(parts);
  const index = new SegmentIndex(lines, frame, Math.max(50, tolerance * 4));
  const splits: Split[][] = parts.map(() => []);
  // Ends a point can land on: the nodes of the part it is nearest.
  const nodeNear = (lon: number, lat: number): number => {
    const hit = index.nearest(lon, lat, tolerance);
    if (!hit) return -1;
    for (const node of [endNode[2 * hit.edge]!, endNode[2 * hit.edge + 1]!, ...splits[hit.edge]!.map((s) => s.node)]) {
      if (Math.hypot((nodeLon[node]! - lon) * frame.kx, (nodeLat[node]! - lat) * frame.ky) <= tolerance) return node;
    }
    return -1;
  };
  const rejections: Rejection[] = [];
  const taken = new Map<number, string>();
  const place = { index, frame, tolerance, nodeLon, nodeLat, nodeNear, splits, taken };
  const valveNodes = placePoints(input.valves, 'valve', place, rejections);
  const sourceNodes = placePoints(input.sources, 'source', place, rejections);
  // Positions are relative to each part: the index of a part's segment is its global position minus the part's start.
  const from: number[] = [];
  const to: number[] = [];
  const pipeOf: number[] = [];
  const starts: number[] = [0];
  const coords: number[] = [];
  parts.forEach((part, p) => {
    const cuts = splits[p]!.map((s) => ({ ...s, at: s.at - lines.start[p]! })).sort((a, b) => a.at - b.at);
    let node = endNode[2 * p]!;
    let piece: number[] = [part.line[0]![0]!, part.line[0]![1]!];
    let vertex = 1;
    const close = (next: number, lon: number, lat: number) => {
      piece.push(lon, lat);
      from.push(node);
      to.push(next);
      pipeOf.push(part.pipe);
      for (const v of piece) coords.push(v);
      starts.push(coords.length / 2);
      node = next;
      piece = [lon, lat];
    };
    for (const cut of cuts) {
      while (vertex <= Math.floor(cut.at) && vertex < part.line.length - 1) {
        piece.push(part.line[vertex]![0]!, part.line[vertex]![1]!);
        vertex++;
      }
      close(cut.node, cut.lon, cut.lat);
    }
    for (; vertex < part.line.length - 1; vertex++) piece.push(part.line[vertex]![0]!, part.line[vertex]![1]!);
    const last = part.line.at(-1)!;
    close(endNode[2 * p + 1]!, last[0]!, last[1]!);
  });
  const nodeCount = nodeLon.length;
  const nodeValve = new Int32Array(nodeCount).fill(-1);
  const nodeSource = new Int32Array(nodeCount).fill(-1);
  valveNodes.forEach((n, v) => n >= 0 && (nodeValve[n] = v));
  sourceNodes.forEach((n, s) => n >= 0 && (nodeSource[n] = s));
  const graph: NetworkGraph = {
    frame,
    pipes: {
      ids: input.pipes.map((p) => p.id),
      diameter: Float64Array.from(input.pipes, (p) => p.diameter ?? NaN),
      material: input.pipes.map((p) => p.material),
      zone: input.pipes.map((p) => p.zone),
    },
    valves: {
      ids: input.valves.map((v) => v.id),
      lon: Float64Array.from(input.valves, (v) => v.lon),
      lat: Float64Array.from(input.valves, (v) => v.lat),
      closed: Uint8Array.from(input.valves, (v) => (v.closed ? 1 : 0)),
      operable: Uint8Array.from(input.valves, (v) => (v.operable ? 1 : 0)),
      node: valveNodes,
    },
    sources: {
      ids: input.sources.map((s) => s.id),
      lon: Float64Array.from(input.sources, (s) => s.lon),
      lat: Float64Array.from(input.sources, (s) => s.lat),
      node: sourceNodes,
    },
    nodes: {
      count: nodeCount,
      lon: Float64Array.from(nodeLon),
      lat: Float64Array.from(nodeLat),
      valve: nodeValve,
      source: nodeSource,
    },
    edges: {
      count: from.length,
      from: Int32Array.from(from),
      to: Int32Array.from(to),
      pipe: Int32Array.from(pipeOf),
      start: Uint32Array.from(starts),
      coords: Float64Array.from(coords),
    },
    adjacency: adjacencyOf(nodeCount, from, to),
  };
  return { graph, report: { joinedEnds, ...components(graph) }, rejections };
}
