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

/**
 * Connects addresses chunk by chunk (as they are read from the database), keeping only columns: a million
 * addresses are a few arrays, not a million objects.
 */
export class AddressConnector {
  readonly report: ConnectionReport = { explicit: 0, inferred: 0, unconnected: 0, unknownPipes: [] };
  private readonly segments: SegmentIndex;
  private readonly pipeIndex: Map<string, number>;
  private readonly edgesOfPipe = new Map<number, number[]>();
  private readonly edges: number[] = [];
  private readonly ids: string[] = [];
  private readonly lons: number[] = [];
  private readonly lats: number[] = [];
  private readonly inferred: number[] = [];

  constructor(
    private readonly graph: NetworkGraph,
    private readonly options: ConnectionOptions,
    index?: SegmentIndex,
  ) {
    this.segments =
      index ??
      new SegmentIndex(
        { count: graph.edges.count, start: graph.edges.start, coords: graph.edges.coords },
        graph.frame,
        Math.max(25, options.maxMetres),
      );
    this.pipeIndex = new Map(graph.pipes.ids.map((id, i) => [id, i]));
    for (let e = 0; e < graph.edges.count; e++) {
      const list = this.edgesOfPipe.get(graph.edges.pipe[e]!);
      if (list) list.push(e);
      else this.edgesOfPipe.set(graph.edges.pipe[e]!, [e]);
    }
  }

  add(addresses: Iterable<ConnectionAddress>): void {
    for (const address of addresses) {
      const named = this.options.explicit.get(address.sourceId);
      const pipe = named === undefined ? undefined : this.pipeIndex.get(named);
      if (named !== undefined && pipe === undefined)
        this.report.unknownPipes.push({ address: address.sourceId, pipe: named });
      let edge: number;
      if (pipe !== undefined) {
        edge = nearestEdgeOfPipe(this.graph, this.edgesOfPipe.get(pipe)!, address.lon, address.lat);
        this.report.explicit++;
      } else {
        const hit = this.segments.nearest(address.lon, address.lat, this.options.maxMetres);
        if (!hit) {
          this.report.unconnected++;
          continue;
        }
        edge = hit.edge;
        this.report.inferred++;
      }
      this.edges.push(edge);
      this.ids.push(address.id);
      this.lons.push(address.lon);
      this.lats.push(address.lat);
      this.inferred.push(pipe === undefined ? 1 : 0);
    }
  }

  /** The connections grouped by edge. */
  finish(): Connections {
    const count = this.graph.edges.count;
    const start = new Uint32Array(count + 1);
    for (const e of this.edges) start[e + 1]!++;
    for (let e = 0; e < count; e++) start[e + 1]! += start[e]!;
    const fill = start.slice(0, count);
    const n = this.edges.length;
    const addressIds = new Array<string>(n);
    const lon = new Float64Array(n);
    const lat = new Float64Array(n);
    const inferred = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const k = fill[this.edges[i]!]!++;
      addressIds[k] = this.ids[i]!;
      lon[k] = this.lons[i]!;
      lat[k] = this.lats[i]!;
      inferred[k] = this.inferred[i]!;
    }
    return { start, addressIds, lon, lat, inferred };
  }
}

/** Connects every address at once (small networks, tests). */
export function connectAddresses(
  graph: NetworkGraph,
  addresses: Iterable<ConnectionAddress>,
  options: ConnectionOptions,
): { connections: Connections; report: ConnectionReport } {
  const connector = new AddressConnector(graph, options);
  connector.add(addresses);
  return { connections: connector.finish(), report: connector.report };
}
