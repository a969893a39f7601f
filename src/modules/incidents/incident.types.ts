import type { FeatureCollection, MultiPolygon } from 'geojson';
import type { Service } from '../tenants/tenant.types.js';
import type { NetworkSelection } from '../network/network.schemas.js';
import type { StreetSelection } from './area.js';

export const INCIDENT_KINDS = ['planned', 'sudden'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const INCIDENT_STATUSES = ['draft', 'active', 'resolved', 'cancelled'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface Incident {
  id: string;
  service: Service;
  kind: IncidentKind;
  title: string;
  description: string | null;
  status: IncidentStatus;
  startsAt: number | null;
  endsAt: number | null;
  published: boolean;
  /** When the incident was first published (its first CAP alert's time); null while it never was. */
  publishedAt: number | null;
  /** The shapes as the operator gave them (circles with `radius`, lines with `buffer`). */
  area: FeatureCollection | null;
  streets: StreetSelection[];
  postalCodes: string[];
  /** The area as a trace of a pipe network: the recipients are the addresses connected to the traced pipes. */
  network: NetworkSelection | null;
  /** Every shape as polygons, for the map, the feeds and point-in-polygon. */
  geometry: MultiPolygon | null;
  /** The shape of the streets, postal codes and network trace, from the address points they matched when saved (drawn, never matched against). */
  selectionGeometry: MultiPolygon | null;
  /** When the recipient set was frozen by the first send. */
  frozenAt: number | null;
  recipientCount: number | null;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}
