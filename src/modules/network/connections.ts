/**
 * Which piece of pipe feeds each address: the pipe the utility's customer system names (explicit), or
 * else the nearest pipe within a distance (inferred, marked so operators can tell). An address neither
 * names a pipe nor lies near one is left unconnected. Pure.
 */
import { SegmentIndex } from './segment-index.js';
import type { NetworkGraph } from './topology.js';

export interface ConnectionAddress {
  id: string;
  sourceId: string;
  lon: number;
  lat: number;
}

/** The addresses fed by each edge: ids[start[e] … start[e + 1] − 1], with their points. */
export interface Connections {
  start: Uint32Array;
  addressIds: string[];
  lon: Float64Array;
  lat: Float64Array;
  inferred: Uint8Array;
}

export interface ConnectionReport {
  explicit: number;
  inferred: number;
  unconnected: number;
  /** Explicit connections naming a pipe the network does not have (then inferred, if a pipe is near). */
  unknownPipes: Array<{ address: string; pipe: string }>;
}

export interface ConnectionOptions {
  /** Address source id → the pipe id it is connected to. */
  explicit: ReadonlyMap<string, string>;
  maxMetres: number;
}

/** The edge of `pipe` nearest the point (a pipe a valve split has several). */
function nearestEdgeOfPipe(graph: NetworkGraph, edges: readonly number[], lon: number, lat: number): number {
  const { kx, ky } = graph.frame;
  let best = edges[0]!;
  let bestDistance = Infinity;
  for (const e of edges) {
    for (let p = graph.edges.start[e]!; p < graph.edges.start[e + 1]!; p++) {
      const d = Math.hypot((graph.edges.coords[2 * p]! - lon) * kx, (graph.edges.coords[2 * p + 1]! - lat) * ky);
      if (d < bestDistance) [best, bestDistance] = [e, d];
    }
  }
  return best;
}

export function connectAddresses(graph: NetworkGraph, addresses: Iterable<ConnectionAddress>, options: ConnectionOptions, index?: SegmentIndex): { connections: Connections; report: ConnectionReport } {
  const lines = { count: graph.edges.count, start: graph.edges.start, coords: graph.edges.coords };
  const segments = index ?? new SegmentIndex(lines, graph.frame, Math.max(25, options.maxMetres));
  const pipeIndex = new Map(graph.pipes.ids.map((id, i) => [id, i]));
  const edgesOfPipe = new Map<number, number[]>();
  for (let e = 0; e < graph.edges.count; e++) {
    const list = edgesOfPipe.get(graph.edges.pipe[e]!);
    if (list) list.push(e);
    else edgesOfPipe.set(graph.edges.pipe[e]!, [e]);
  }
  const report: ConnectionReport = { explicit: 0, inferred: 0, unconnected: 0, unknownPipes: [] };
  const found: Array<{ edge: number; address: ConnectionAddress; inferred: boolean }> = [];
  for (const address of addresses) {
    const named = options.explicit.get(address.sourceId);
    const pipe = named === undefined ? undefined : pipeIndex.get(named);
    if (named !== undefined && pipe === undefined) report.unknownPipes.push({ address: address.sourceId, pipe: named });
    if (pipe !== undefined) {
      found.push({ edge: nearestEdgeOfPipe(graph, edgesOfPipe.get(pipe)!, address.lon, address.lat), address, inferred: false });
      report.explicit++;
      continue;
    }
    const hit = segments.nearest(address.lon, address.lat, options.maxMetres);
    if (!hit) {
      report.unconnected++;
      continue;
    }
    found.push({ edge: hit.edge, address, inferred: true });
    report.inferred++;
  }
  const start = new Uint32Array(graph.edges.count + 1);
  for (const f of found) start[f.edge + 1]!++;
  for (let e = 0; e < graph.edges.count; e++) start[e + 1]! += start[e]!;
  const fill = start.slice(0, graph.edges.count);
  const addressIds = new Array<string>(found.length);
  const lon = new Float64Array(found.length);
  const lat = new Float64Array(found.length);
  const inferred = new Uint8Array(found.length);
  for (const f of found) {
    const k = fill[f.edge]!++;
    addressIds[k] = f.address.id;
    lon[k] = f.address.lon;
    lat[k] = f.address.lat;
    inferred[k] = f.inferred ? 1 : 0;
  }
  return { connections: { start, addressIds, lon, lat, inferred }, report };
}
