/** The shapes of pipe networks over the API and in incidents: services, traces, import counts. */
import { z } from 'zod';
import type { ConnectionReport } from './connections.js';
import type { TopologyReport } from './topology.js';

/** The services whose networks are pipes. */
export const NETWORK_SERVICES = ['water', 'district-heating', 'sewer'] as const;
export type PipeService = (typeof NETWORK_SERVICES)[number];

const lonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

/** A trace: from a break at `at`, or the pipes downstream of one valve (planned work); failed valves do not close. */
export const traceInputSchema = z
  .object({
    at: lonLat.optional(),
    downstreamOf: z.string().min(1).max(200).optional(),
    failedValves: z.array(z.string().min(1).max(200)).max(500).default([]),
  })
  .refine((v) => (v.at === undefined) !== (v.downstreamOf === undefined), {
    message: 'give either at or downstreamOf',
    path: ['at'],
  });
export type TraceInput = z.infer<typeof traceInputSchema>;

/** An incident's area as a trace of a network: its recipients are the traced addresses. */
export const networkSelectionSchema = z
  .object({
    service: z.enum(NETWORK_SERVICES),
    at: lonLat.optional(),
    downstreamOf: z.string().min(1).max(200).optional(),
    failedValves: z.array(z.string().min(1).max(200)).max(500).default([]),
  })
  .refine((v) => (v.at === undefined) !== (v.downstreamOf === undefined), {
    message: 'give either at or downstreamOf',
    path: ['at'],
  });
export type NetworkSelection = z.infer<typeof networkSelectionSchema>;

const valveView = z.object({ id: z.string(), position: lonLat, operable: z.boolean() });

export const traceViewSchema = z.object({
  service: z.enum(NETWORK_SERVICES),
  revision: z.number(),
  /** The point on the pipe nearest the break, and that pipe; null for a downstream trace. */
  breakAt: z.object({ position: lonLat, pipe: z.string() }).nullable(),
  valvesToClose: z.array(valveView),
  /** Valves the walk went through: they cannot be operated, or were marked failed. */
  passedValves: z.array(valveView.extend({ reason: z.enum(['inoperable', 'failed']) })),
  /** Sources the walk reached: that side is isolated only by shutting the source. */
  sourcesReached: z.array(z.object({ id: z.string(), position: lonLat })),
  isolatedPipes: z.array(z.string()),
  /** Pipes that lose supply beyond the closed valves (cut off from every source); empty without sources. */
  cutOffPipes: z.array(z.string()),
  addresses: z.object({
    count: z.number(),
    inferred: z.number(),
    sample: z.array(z.object({ id: z.string(), label: z.string() })),
  }),
  /** The area of the isolated and cut-off pipes and their addresses (GeoJSON MultiPolygon), for maps. */
  outline: z.unknown(),
  warnings: z.array(z.string()),
});
export type TraceView = z.infer<typeof traceViewSchema>;

/** What an import found, kept with the network. */
export interface NetworkSummary {
  pipes: number;
  valves: number;
  sources: number;
  edges: number;
  nodes: number;
  toleranceMetres: number;
  connectWithinMetres: number;
  topology: TopologyReport;
  connections: Omit<ConnectionReport, 'unknownPipes'> & { unknownPipes: number };
}
