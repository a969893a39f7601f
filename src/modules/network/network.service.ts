/**
 * Pipe networks: import one, trace it, and give an incident the addresses of a trace. Each process keeps
 * the networks it traced in memory (graph, connections, the spatial index), checked against the stored
 * revision before every use (one small query) and loaded again after an import; loads of one network
 * are shared by the callers waiting for it.
 */
import type { Readable } from 'node:stream';
import type { MultiPolygon } from 'geojson';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { Tenant } from '../tenants/tenant.types.js';
import { importNetwork, type NetworkImportOptions, type NetworkImportResult } from './network-import.js';
import { traceOutline } from './network-outline.js';
import type { NetworkRepository } from './network.repository.js';
import type { NetworkSelection, PipeService, TraceInput, TraceView } from './network.schemas.js';
import { decodeSnapshot } from './network-snapshot.js';
import { SegmentIndex } from './segment-index.js';
import {
  connectedAddresses,
  normallyFed,
  traceNetwork,
  type TracedNetwork,
  type TraceOutcome,
  type TraceRequest,
} from './trace.js';

const SAMPLE_SIZE = 10;

export interface NetworkServiceDeps {
  networks: NetworkRepository;
}

interface Loaded {
  revision: number;
  network: TracedNetwork;
  valveIndex: Map<string, number>;
}

/** A trace with its addresses: what the API answers and what an incident's recipients are drawn from. */
export interface NetworkTrace {
  revision: number;
  network: TracedNetwork;
  outcome: TraceOutcome;
  /** Indexes into the network's connections. */
  addresses: number[];
}

function loadedFrom(revision: number, data: Uint8Array): Loaded {
  const { graph, connections } = decodeSnapshot(data);
  const index = new SegmentIndex(
    { count: graph.edges.count, start: graph.edges.start, coords: graph.edges.coords },
    graph.frame,
  );
  return {
    revision,
    network: { graph, connections, index, fed: normallyFed(graph) },
    valveIndex: new Map(graph.valves.ids.map((id, i) => [id, i])),
  };
}

function requestOf(loaded: Loaded, input: TraceInput): TraceRequest {
  const valve = (id: string, field: string): number => {
    const found = loaded.valveIndex.get(id);
    if (found === undefined) throw new ValidationError(field, 'network-valve-unknown', { id });
    return found;
  };
  const failedValves = input.failedValves.map((id, i) => valve(id, `failedValves.${i}`));
  return input.downstreamOf !== undefined
    ? { downstreamOf: valve(input.downstreamOf, 'downstreamOf'), failedValves }
    : { at: input.at!, failedValves };
}

export function networkService(deps: NetworkServiceDeps) {
  const cache = new Map<string, Promise<Loaded | undefined>>();

  async function refresh(
    tenantId: TenantId,
    service: PipeService,
    current: Loaded | undefined,
  ): Promise<Loaded | undefined> {
    const revision = await deps.networks.revision(tenantId, service);
    if (revision === undefined) return undefined;
    if (current?.revision === revision) return current;
    const stored = await deps.networks.load(tenantId, service);
    return stored && loadedFrom(stored.revision, stored.data);
  }

  /** The network as stored now, from memory unless an import changed it. */
  async function current(tenant: Tenant, service: PipeService): Promise<Loaded> {
    if (!tenant.services.includes(service))
      throw new ValidationError('service', 'service-not-offered', { services: tenant.services.join(', ') });
    const key = `${tenant.id}\u0000${service}`;
    const previous = cache.get(key) ?? Promise.resolve(undefined);
    const next = previous.catch(() => undefined).then((loaded) => refresh(tenant.id, service, loaded));
    cache.set(key, next);
    const loaded = await next;
    if (!loaded) throw new NotFoundError(`${service} network`);
    return loaded;
  }

  async function trace(tenant: Tenant, service: PipeService, input: TraceInput): Promise<NetworkTrace> {
    const loaded = await current(tenant, service);
    const outcome = traceNetwork(loaded.network, requestOf(loaded, input));
    const addresses = connectedAddresses(loaded.network.connections, [
      ...outcome.isolatedEdges,
      ...outcome.cutOffEdges,
    ]);
    return { revision: loaded.revision, network: loaded.network, outcome, addresses };
  }

  function outlineOf(t: NetworkTrace): MultiPolygon | null {
    return traceOutline(
      t.network.graph,
      t.network.connections,
      [...t.outcome.isolatedEdges, ...t.outcome.cutOffEdges],
      t.addresses,
    );
  }

  return {
    async importNetwork(
      tenant: Tenant,
      service: PipeService,
      input: Readable,
      options: NetworkImportOptions,
    ): Promise<NetworkImportResult> {
      if (!tenant.services.includes(service))
        throw new ValidationError('service', 'service-not-offered', { services: tenant.services.join(', ') });
      return importNetwork(deps.networks, tenant.id, service, input, options);
    },

    listNetworks: (tenant: Tenant) => deps.networks.list(tenant.id),

    /** The trace as the API answers it: valves, pipes, the address count and a sample, the outline. */
    async traceView(tenant: Tenant, service: PipeService, input: TraceInput): Promise<TraceView> {
      const t = await trace(tenant, service, input);
      const { graph, connections } = t.network;
      const { outcome } = t;
      const valve = (v: number) => ({
        id: graph.valves.ids[v]!,
        position: [graph.valves.lon[v]!, graph.valves.lat[v]!] as [number, number],
        operable: graph.valves.operable[v] === 1,
      });
      const pipeIds = (edges: readonly number[]) => [
        ...new Set(edges.map((e) => graph.pipes.ids[graph.edges.pipe[e]!]!)),
      ];
      const sampleIds = t.addresses.slice(0, SAMPLE_SIZE).map((k) => connections.addressIds[k]!);
      const labels = new Map(
        (await deps.networks.addressLabels(tenant.id, sampleIds)).map((a) => [a.id, `${a.street} ${a.number}`]),
      );
      return {
        service,
        revision: t.revision,
        breakAt: outcome.breakAt && {
          position: [outcome.breakAt.lon, outcome.breakAt.lat],
          pipe: graph.pipes.ids[graph.edges.pipe[outcome.breakAt.edge]!]!,
        },
        valvesToClose: outcome.valvesToClose.map(valve),
        passedValves: outcome.passedValves.map((p) => ({ ...valve(p.valve), reason: p.reason })),
        sourcesReached: outcome.sourcesReached.map((s) => ({
          id: graph.sources.ids[s]!,
          position: [graph.sources.lon[s]!, graph.sources.lat[s]!] as [number, number],
        })),
        isolatedPipes: pipeIds(outcome.isolatedEdges),
        cutOffPipes: pipeIds(outcome.cutOffEdges),
        addresses: {
          count: t.addresses.length,
          inferred: t.addresses.reduce((n, k) => n + connections.inferred[k]!, 0),
          sample: sampleIds.map((id) => ({ id, label: labels.get(id) ?? id })),
        },
        outline: outlineOf(t),
        warnings: t.network.fed ? [] : ['network-no-sources'],
      };
    },

    /** The pipes (pieces between nodes, with diameter) and valves inside a box, for drawing; at most `limit` pipes. */
    async networkFeatures(
      tenant: Tenant,
      service: PipeService,
      box: readonly [number, number, number, number],
      limit = 5000,
    ) {
      const { network, revision } = await current(tenant, service);
      const { graph } = network;
      const [w, s, e, n] = box;
      const inside = (lon: number, lat: number) => lon >= w && lon <= e && lat >= s && lat <= n;
      const features: object[] = [];
      let truncated = false;
      for (let edge = 0; edge < graph.edges.count; edge++) {
        const coordinates: Array<[number, number]> = [];
        let meets = false;
        for (let p = graph.edges.start[edge]!; p < graph.edges.start[edge + 1]!; p++) {
          const position: [number, number] = [graph.edges.coords[2 * p]!, graph.edges.coords[2 * p + 1]!];
          meets ||= inside(...position);
          coordinates.push(position);
        }
        if (!meets) continue;
        if (features.length >= limit) {
          truncated = true;
          break;
        }
        const pipe = graph.edges.pipe[edge]!;
        const diameter = graph.pipes.diameter[pipe]!;
        features.push({
          type: 'Feature',
          geometry: { type: 'LineString', coordinates },
          properties: { kind: 'pipe', id: graph.pipes.ids[pipe], diameter: Number.isNaN(diameter) ? null : diameter },
        });
      }
      for (let v = 0; v < graph.valves.ids.length; v++) {
        if (!inside(graph.valves.lon[v]!, graph.valves.lat[v]!)) continue;
        features.push({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [graph.valves.lon[v], graph.valves.lat[v]] },
          properties: {
            kind: 'valve',
            id: graph.valves.ids[v],
            state: graph.valves.closed[v] ? 'closed' : 'open',
            operable: graph.valves.operable[v] === 1,
          },
        });
      }
      return { type: 'FeatureCollection' as const, revision, truncated, features };
    },

    /** The outline drawn for an incident whose area is a trace (refuses a trace that cannot be made). */
    async traceOutline(tenant: Tenant, selection: NetworkSelection): Promise<MultiPolygon | null> {
      return outlineOf(await trace(tenant, selection.service, selection));
    },

    /** The traced addresses' ids only (the recipient resolution, at every preview and at the freeze). */
    async tracedAddressIds(tenant: Tenant, selection: NetworkSelection): Promise<string[]> {
      const t = await trace(tenant, selection.service, selection);
      return t.addresses.map((k) => t.network.connections.addressIds[k]!);
    },
  };
}

export type NetworkService = ReturnType<typeof networkService>;
