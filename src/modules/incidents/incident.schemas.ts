import { z } from 'zod';
import { hasNonXmlCharacters } from '../../lib/xml-text.js';
import { networkSelectionSchema } from '../network/network.schemas.js';
import { SERVICES } from '../tenants/tenant.types.js';
import { INCIDENT_KINDS, INCIDENT_STATUSES, type Incident } from './incident.types.js';

/** Text published as typed (feeds, map): no control characters, which XML cannot hold and PostgreSQL (NUL) cannot store. */
const publishedText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !hasNonXmlCharacters(v), 'control characters are not allowed');

const time = z.union([z.string().max(40), z.number().int()]).nullable();

export const streetSelectionSchema = z.object({
  street: z.string().trim().min(1).max(200),
  from: z.number().int().min(0).max(100_000).optional(),
  to: z.number().int().min(0).max(100_000).optional(),
  side: z.enum(['both', 'odd', 'even']).optional(),
  postalCode: z
    .string()
    .regex(/^\d{5}$/)
    .optional(),
});

export const incidentInputSchema = z.object({
  service: z.enum(SERVICES),
  kind: z.enum(INCIDENT_KINDS),
  title: publishedText(200).trim().min(1),
  description: publishedText(5000).nullable().optional(),
  /** GeoJSON: Polygon, MultiPolygon, or a FeatureCollection of them, circles (Point + radius) and lines (+ buffer). */
  area: z.unknown().optional(),
  streets: z.array(streetSelectionSchema).max(200).optional(),
  postalCodes: z.array(z.string().max(10)).max(200).optional(),
  /** A trace of the pipe network (break point, failed valves): its connected addresses are the recipients. */
  network: networkSelectionSchema.nullable().optional(),
  startsAt: time.optional(),
  endsAt: time.optional(),
  published: z.boolean().optional(),
  status: z.enum(INCIDENT_STATUSES).optional(),
});

export type IncidentInput = z.infer<typeof incidentInputSchema>;

export const incidentPatchSchema = incidentInputSchema.partial();
export type IncidentPatch = z.infer<typeof incidentPatchSchema>;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export const incidentViewSchema = z.object({
  id: z.string(),
  service: z.enum(SERVICES),
  kind: z.enum(INCIDENT_KINDS),
  title: z.string(),
  description: z.string().nullable(),
  status: z.enum(INCIDENT_STATUSES),
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  published: z.boolean(),
  area: z.unknown(),
  streets: z.array(z.unknown()),
  postalCodes: z.array(z.string()),
  network: z.unknown(),
  geometry: z.unknown(),
  /** The shape of the streets and postal codes (from the addresses they match), drawn on maps; null without them. */
  selectionGeometry: z.unknown(),
  frozen: z.boolean(),
  recipientCount: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export function toIncidentView(incident: Incident): z.infer<typeof incidentViewSchema> {
  return {
    id: incident.id,
    service: incident.service,
    kind: incident.kind,
    title: incident.title,
    description: incident.description,
    status: incident.status,
    startsAt: iso(incident.startsAt),
    endsAt: iso(incident.endsAt),
    published: incident.published,
    area: incident.area,
    streets: incident.streets,
    postalCodes: incident.postalCodes,
    network: incident.network,
    geometry: incident.geometry,
    selectionGeometry: incident.selectionGeometry,
    frozen: incident.frozenAt !== null,
    recipientCount: incident.recipientCount,
    createdAt: iso(incident.createdAt)!,
    updatedAt: iso(incident.updatedAt)!,
  };
}
