/**
 * The isolation trace over an in-memory network graph. From the piece of pipe nearest the break, the
 * walk goes outward node by node: an open valve that can be operated (and has not failed) stops it and
 * is a valve to close; a normally closed valve stops it (nothing flows through); a valve that cannot be
 * operated, or that failed to close, is passed; a source stops it and is reported (only shutting the
 * source isolates that side). Where the network has sources, the pipes that the closed valves cut off
 * from every source lose supply too. "Downstream of a valve": the pipes that closing it cuts off. Pure.
 */
import { ValidationError } from '../../errors.js';
import type { Connections } from './connections.js';
import type { SegmentIndex } from './segment-index.js';
import type { NetworkGraph } from './topology.js';

/** A break further than this from every pipe is refused. */
export const MAX_BREAK_METRES = 50;

export interface TracedNetwork {
  graph: NetworkGraph;
  connections: Connections;
  index: SegmentIndex;
  /** Edges fed from a source in the normal state (every normally closed valve closed); null without sources. */
  fed: Uint8Array | null;
}

export type TraceRequest =
  | { at: readonly [number, number]; failedValves: readonly number[] }
  | { downstreamOf: number; failedValves: readonly number[] };

export interface PassedValve {
  valve: number;
  reason: 'inoperable' | 'failed';
}

export interface TraceOutcome {
  /** The point on the pipe nearest the break, and the edge it lies on (null for a downstream trace). */
  breakAt: { lon: number; lat: number; edge: number } | null;
  valvesToClose: number[];
  passedValves: PassedValve[];
  sourcesReached: number[];
  /** Edges the closed valves shut in with the break. */
  isolatedEdges: number[];
  /** Edges cut off from every source by the closing (only where the network has sources). */
  cutOffEdges: number[];
}

/** Edges fed from the sources with the `blocked` nodes (and every normally closed valve) shut and `removed` edges gone. */
export function fedEdges(graph: NetworkGraph, blocked: Uint8Array, removed?: Uint8Array): Uint8Array {
  const fed = new Uint8Array(graph.edges.count);
  const seen = new Uint8Array(graph.nodes.count);
  // Each node is pushed at most once per edge that reaches it: the stack never holds more than the edge ends.
  const stack = new Int32Array(graph.edges.count * 2 + graph.sources.node.length);
  let top = 0;
  for (const node of graph.sources.node) if (node >= 0) stack[top++] = node;
  const { start, edge } = graph.adjacency;
  const { from, to } = graph.edges;
  const valveOf = graph.nodes.valve;
  const closed = graph.valves.closed;
  const isSource = graph.nodes.source;
  while (top > 0) {
    const n = stack[--top]!;
    if (seen[n]) continue;
    seen[n] = 1;
    const valve = valveOf[n]!;
    if (isSource[n]! < 0 && (blocked[n] || (valve >= 0 && closed[valve]))) continue;
    for (let k = start[n]!; k < start[n + 1]!; k++) {
      const e = edge[k]!;
      if (fed[e] || (removed !== undefined && removed[e])) continue;
      fed[e] = 1;
      stack[top++] = from[e] === n ? to[e]! : from[e]!;
    }
  }
  return fed;
}

/** The edges fed in the normal state, or null for a network without sources. */
export function normallyFed(graph: NetworkGraph): Uint8Array | null {
  if (!graph.sources.node.some((n) => n >= 0)) return null;
  return fedEdges(graph, new Uint8Array(graph.nodes.count));
}

function cutOff(network: TracedNetwork, blocked: Uint8Array, removed: Uint8Array): number[] {
  if (!network.fed) return [];
  const now = fedEdges(network.graph, blocked, removed);
  const lost: number[] = [];
  for (let e = 0; e < network.graph.edges.count; e++) if (network.fed[e] && !now[e] && !removed[e]) lost.push(e);
  return lost;
}

function isolate(network: TracedNetwork, at: readonly [number, number], failed: ReadonlySet<number>): TraceOutcome {
  const { graph } = network;
  const hit = network.index.nearest(at[0], at[1], MAX_BREAK_METRES);
  if (!hit) throw new ValidationError('at', 'network-no-pipe-near', { metres: MAX_BREAK_METRES });
  const edgeSeen = new Uint8Array(graph.edges.count);
  const nodeSeen = new Uint8Array(graph.nodes.count);
  const blocked = new Uint8Array(graph.nodes.count);
  const outcome: TraceOutcome = {
    breakAt: { lon: hit.lon, lat: hit.lat, edge: hit.edge },
    valvesToClose: [],
    passedValves: [],
    sourcesReached: [],
    isolatedEdges: [hit.edge],
    cutOffEdges: [],
  };
  edgeSeen[hit.edge] = 1;
  const stack = [graph.edges.from[hit.edge]!, graph.edges.to[hit.edge]!];
  const { start, edge } = graph.adjacency;
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (nodeSeen[n]) continue;
    nodeSeen[n] = 1;
    const valve = graph.nodes.valve[n]!;
    if (valve >= 0) {
      if (graph.valves.closed[valve]) continue;
      if (graph.valves.operable[valve] && !failed.has(valve)) {
        outcome.valvesToClose.push(valve);
        blocked[n] = 1;
        continue;
      }
      outcome.passedValves.push({ valve, reason: failed.has(valve) ? 'failed' : 'inoperable' });
    }
    const source = graph.nodes.source[n]!;
    if (source >= 0) {
      outcome.sourcesReached.push(source);
      blocked[n] = 1;
      continue;
    }
    for (let k = start[n]!; k < start[n + 1]!; k++) {
      const e = edge[k]!;
      if (edgeSeen[e]) continue;
      edgeSeen[e] = 1;
      outcome.isolatedEdges.push(e);
      stack.push(graph.edges.from[e] === n ? graph.edges.to[e]! : graph.edges.from[e]!);
    }
  }
  outcome.cutOffEdges = cutOff(network, blocked, edgeSeen);
  return outcome;
}

function downstream(network: TracedNetwork, valve: number): TraceOutcome {
  const { graph } = network;
  if (!network.fed) throw new ValidationError('downstreamOf', 'network-no-sources');
  const node = graph.valves.node[valve]!;
  const blocked = new Uint8Array(graph.nodes.count);
  blocked[node] = 1;
  const lost = cutOff(network, blocked, new Uint8Array(graph.edges.count));
  return {
    breakAt: null,
    valvesToClose: [valve],
    passedValves: [],
    sourcesReached: [],
    isolatedEdges: lost,
    cutOffEdges: [],
  };
}

/** The valves to close and the pipes without supply for a break at `at` (or the closing of one valve). */
export function traceNetwork(network: TracedNetwork, request: TraceRequest): TraceOutcome {
  const failed = new Set(request.failedValves);
  return 'at' in request ? isolate(network, request.at, failed) : downstream(network, request.downstreamOf);
}

/** The addresses fed by the edges (indexes into the connections), each once. */
export function connectedAddresses(connections: Connections, edges: Iterable<number>): number[] {
  const found: number[] = [];
  for (const e of edges) for (let k = connections.start[e]!; k < connections.start[e + 1]!; k++) found.push(k);
  return found;
}
