/**
 * `aviso network import`: a GeoJSON FeatureCollection streamed feature by feature — LineString and
 * MultiLineString features are pipes, Points valves (or sources, `kind: "source"`) — reprojected to
 * WGS84, built into a graph, its addresses connected, and stored as the tenant's network of that service
 * in one write. All or nothing: any bad feature (its index and reason reported, every one of them) and
 * nothing is stored; the network stays as it was.
 */
import type { Readable } from 'node:stream';
import type { Position } from 'geojson';
import { checkCrs, loadProjector, type Projector } from '../addresses/address.crs.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import { AddressConnector } from './connections.js';
import type { NetworkRepository } from './network.repository.js';
import type { PipeService, NetworkSummary } from './network.schemas.js';
import { encodeSnapshot } from './network-snapshot.js';
import { GeoJsonShapeError, readFeatures } from './geojson-features.js';
import { buildTopology, localFrame, type PipeInput, type SourceInput, type ValveInput } from './topology.js';

export const DEFAULT_TOLERANCE_METRES = 0.5;
export const DEFAULT_CONNECT_WITHIN_METRES = 30;

export interface NetworkImportOptions {
  crs?: string | undefined;
  toleranceMetres?: number | undefined;
  connectWithinMetres?: number | undefined;
  /** Address source id → pipe id, from the utility's customer system. */
  explicit?: ReadonlyMap<string, string> | undefined;
  now: number;
}

export interface FeatureRejection {
  /** 1-based index of the feature in the collection. */
  feature: number;
  id: string | null;
  reason: string;
}

export type NetworkImportResult =
  | { stored: true; revision: number; summary: NetworkSummary; unknownPipes: Array<{ address: string; pipe: string }> }
  | { stored: false; rejections: FeatureRejection[] };

interface Collected {
  pipes: PipeInput[];
  valves: ValveInput[];
  sources: SourceInput[];
  /** Feature number of each id, for naming features the topology refuses. */
  featureOf: Map<string, number>;
  rejections: FeatureRejection[];
}

/** `urn:ogc:def:crs:EPSG::3067`, `EPSG:3067`, `CRS84` → the code address.crs.ts knows. */
function crsCode(name: string): string {
  if (/CRS84$/i.test(name)) return 'EPSG:4326';
  const epsg = /EPSG:{1,2}(\d+)$/i.exec(name);
  return epsg ? `EPSG:${epsg[1]}` : name;
}

const round = (v: number) => Math.round(v * 1e7) / 1e7;

function lengthMetres(line: Position[]): number {
  let total = 0;
  for (let i = 1; i < line.length; i++) {
    const kx = Math.cos((line[i]![1]! * Math.PI) / 180) * 111_320;
    total += Math.hypot((line[i]![0]! - line[i - 1]![0]!) * kx, (line[i]![1]! - line[i - 1]![1]!) * 111_320);
  }
  return total;
}

function projectLine(raw: unknown, project: Projector): Position[] | string {
  if (!Array.isArray(raw) || raw.length < 2) return 'a pipe needs at least two positions';
  const line: Position[] = [];
  for (const p of raw) {
    if (
      !Array.isArray(p) ||
      typeof p[0] !== 'number' ||
      typeof p[1] !== 'number' ||
      !Number.isFinite(p[0]) ||
      !Number.isFinite(p[1])
    )
      return 'a position is not two numbers';
    const [lon, lat] = project(p[0], p[1]);
    if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90))
      return `position ${p[0]}, ${p[1]} is not a place on Earth in this CRS`;
    line.push([round(lon), round(lat)]);
  }
  return line;
}

const text = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));

type Feature = {
  type?: unknown;
  id?: unknown;
  geometry?: { type?: unknown; coordinates?: unknown } | null;
  properties?: Record<string, unknown> | null;
  crs?: { properties?: { name?: unknown } };
};

/** One feature into the collection, or its rejection. */
async function collectFeature(
  feature: Feature,
  n: number,
  into: Collected,
  projectorOf: (crs: string) => Promise<Projector | string>,
  fallback: string,
): Promise<void> {
  const properties = feature?.properties ?? {};
  const id = text(properties.id ?? feature?.id);
  const reject = (reason: string) => void into.rejections.push({ feature: n, id, reason });
  const geometry = feature?.geometry;
  if (!geometry || typeof geometry !== 'object' || geometry.coordinates === undefined) return reject('no geometry');
  const crsName = feature.crs?.properties?.name;
  const project = await projectorOf(typeof crsName === 'string' ? crsCode(crsName) : fallback);
  if (typeof project === 'string') return reject(project);
  if (id === null) return reject('no id');
  if (into.featureOf.has(id)) return reject(`id ${id} is used by feature ${into.featureOf.get(id)} too`);
  into.featureOf.set(id, n);
  if (geometry.type === 'LineString' || geometry.type === 'MultiLineString') {
    const raws = geometry.type === 'LineString' ? [geometry.coordinates] : (geometry.coordinates as unknown[]);
    if (!Array.isArray(raws) || raws.length === 0) return reject('no geometry');
    const parts: Position[][] = [];
    for (const raw of raws) {
      const line = projectLine(raw, project);
      if (typeof line === 'string') return reject(line);
      if (lengthMetres(line) < 0.001) return reject('zero length');
      parts.push(line);
    }
    const diameter =
      properties.diameter === undefined || properties.diameter === null || properties.diameter === ''
        ? null
        : Number(properties.diameter);
    if (diameter !== null && !(diameter > 0))
      return reject(`diameter ${String(properties.diameter)} is not a positive number`);
    into.pipes.push({
      id,
      diameter,
      material: text(properties.material),
      zone: text(properties.pressureZone ?? properties.pressure_zone ?? properties.zone),
      parts,
    });
    return;
  }
  if (geometry.type !== 'Point')
    return reject(`a ${String(geometry.type)} is neither a pipe (LineString) nor a valve (Point)`);
  const position = projectLine([geometry.coordinates, geometry.coordinates], project);
  if (typeof position === 'string') return reject(position);
  const [lon, lat] = position[0] as [number, number];
  if (properties.kind === 'source') {
    into.sources.push({ id, lon, lat });
    return;
  }
  const state = properties.state ?? 'open';
  if (state !== 'open' && state !== 'closed') return reject(`state ${String(state)} is neither open nor closed`);
  const operable = properties.operable ?? true;
  if (![true, false, 'true', 'false'].includes(operable as string))
    return reject(`operable ${String(operable)} is neither true nor false`);
  into.valves.push({ id, lon, lat, closed: state === 'closed', operable: operable === true || operable === 'true' });
}

async function collect(input: Readable, crs: string): Promise<Collected> {
  const projectors = new Map<string, Promise<Projector | string>>();
  const projectorOf = (code: string): Promise<Projector | string> => {
    let found = projectors.get(code);
    if (!found) {
      found = Promise.resolve()
        .then(() => checkCrs(code))
        .then(() => loadProjector(code) as Promise<Projector | string>)
        .catch(() => `unknown CRS ${code}`);
      projectors.set(code, found);
    }
    return found;
  };
  const into: Collected = { pipes: [], valves: [], sources: [], featureOf: new Map(), rejections: [] };
  let n = 0;
  try {
    for await (const feature of readFeatures(input))
      await collectFeature(feature as Feature, ++n, into, projectorOf, crs);
  } catch (error) {
    if (!(error instanceof GeoJsonShapeError || error instanceof SyntaxError)) throw error;
    into.rejections.push({ feature: n + 1, id: null, reason: `not a GeoJSON FeatureCollection: ${error.message}` });
  }
  return into;
}

/** Reads, checks, builds and stores the network; on any rejection stores nothing. */
export async function importNetwork(
  repo: NetworkRepository,
  tenantId: TenantId,
  service: PipeService,
  input: Readable,
  options: NetworkImportOptions,
): Promise<NetworkImportResult> {
  checkCrs(options.crs);
  const collected = await collect(input, crsCode(options.crs ?? 'EPSG:4326'));
  if (collected.pipes.length === 0 && collected.rejections.length === 0)
    collected.rejections.push({ feature: 0, id: null, reason: 'the collection has no pipes' });
  if (collected.rejections.length > 0) return { stored: false, rejections: collected.rejections };
  const toleranceMetres = options.toleranceMetres ?? DEFAULT_TOLERANCE_METRES;
  const connectWithinMetres = options.connectWithinMetres ?? DEFAULT_CONNECT_WITHIN_METRES;
  const first = collected.pipes[0]!.parts[0]![0]!;
  const { graph, report, rejections } = buildTopology(
    { ...collected, toleranceMetres },
    localFrame(first[0]!, first[1]!),
  );
  if (rejections.length > 0) {
    return {
      stored: false,
      rejections: rejections.map((r) => ({ feature: collected.featureOf.get(r.id) ?? 0, id: r.id, reason: r.reason })),
    };
  }
  const connector = new AddressConnector(graph, {
    explicit: options.explicit ?? new Map(),
    maxMetres: connectWithinMetres,
  });
  for await (const chunk of repo.addressPoints(tenantId)) connector.add(chunk);
  const connections = connector.finish();
  const connected = connector.report;
  const summary: NetworkSummary = {
    pipes: collected.pipes.length,
    valves: collected.valves.length,
    sources: collected.sources.length,
    edges: graph.edges.count,
    nodes: graph.nodes.count,
    toleranceMetres,
    connectWithinMetres,
    topology: report,
    connections: { ...connected, unknownPipes: connected.unknownPipes.length },
  };
  const revision = await repo.replace(tenantId, service, {
    importedAt: options.now,
    summary,
    data: encodeSnapshot({ graph, connections }),
  });
  return { stored: true, revision, summary, unknownPipes: connected.unknownPipes };
}
