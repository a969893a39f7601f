/**
 * The operator API the console uses (src/modules/operators, incidents, dispatch, register, audit):
 * every route in one place.
 */
import { query, sessionGuard, tenantPath, type ApiClient } from '../shared/api';
import type { Language, Service } from '../shared/tenant';
import type { MultiPolygon } from 'geojson';
import type { NetworkArea, NetworkService, StreetSelection } from './area/area';

export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export type IncidentKind = 'planned' | 'sudden';
export type IncidentStatus = 'draft' | 'active' | 'resolved' | 'cancelled';
export type MessageKind = 'alert' | 'update' | 'all-clear' | 'cancel';

export interface Operator {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  totpEnabled: boolean;
}

export interface OperatorSession {
  operator: Operator;
  csrfToken: string;
  /** Logged in with a one-time password: a new one first. */
  mustChangePassword: boolean;
  /** The tenant requires TOTP and this account has none yet. */
  totpSetupRequired: boolean;
}

export interface Incident {
  id: string;
  service: Service;
  kind: IncidentKind;
  title: string;
  description: string | null;
  status: IncidentStatus;
  startsAt: string | null;
  endsAt: string | null;
  published: boolean;
  /** The shapes as drawn (circles with `radius`, lines with `buffer`). */
  area: unknown;
  streets: StreetSelection[];
  postalCodes: string[];
  /** The area as a pipe network trace, if it is one. */
  network: NetworkArea | null;
  /** Every shape as one MultiPolygon. */
  geometry: MultiPolygon | null;
  /** The shape of the streets and postal codes, from the addresses they match (drawn only). */
  selectionGeometry: MultiPolygon | null;
  /** Recipients are frozen by the first message: the area no longer changes. */
  frozen: boolean;
  recipientCount: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface IncidentInput {
  service: Service;
  kind: IncidentKind;
  title: string;
  description?: string | null;
  area?: unknown;
  streets?: StreetSelection[];
  postalCodes?: string[];
  network?: NetworkArea | null;
  startsAt?: string | null;
  endsAt?: string | null;
  published?: boolean;
  status?: IncidentStatus;
}

/** A valve of a trace. */
export interface TracedValve {
  id: string;
  position: [number, number];
  operable: boolean;
}

/** The isolation trace of a break (POST …/network/{service}/trace). */
export interface NetworkTrace {
  valvesToClose: TracedValve[];
  passedValves: Array<TracedValve & { reason: 'inoperable' | 'failed' }>;
  sourcesReached: Array<{ id: string; position: [number, number] }>;
  isolatedPipes: string[];
  cutOffPipes: string[];
  addresses: { count: number; inferred: number; sample: Array<{ id: string; label: string }> };
  outline: MultiPolygon | null;
}

/** Pipes and valves in a box (GeoJSON), for drawing the network. */
export interface NetworkFeatures {
  type: 'FeatureCollection';
  truncated: boolean;
  features: Array<GeoJSON.Feature<GeoJSON.LineString | GeoJSON.Point, { kind: 'pipe' | 'valve'; id: string; diameter?: number | null; state?: 'open' | 'closed'; operable?: boolean }>>;
}

export const EXCLUSION_REASONS = ['under-16', 'age-unknown', 'deactivated', 'unverified', 'duplicate', 'household', 'no-endpoint', 'opted-out'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface Preview {
  frozen: boolean;
  addresses: number;
  contacts: number;
  endpoints: { sms: number; voice: number; email: number; push: number; total: number };
  excluded: Partial<Record<ExclusionReason, number>>;
  sample: { id: string; label: string }[];
  sms: Partial<Record<Language, { encoding: string; segments: number; characters: number }>>;
  warnings: string[];
  cost: { cents: number; currency: string; segments: number };
}

export type MessageStatus = 'awaiting-approval' | 'scheduled' | 'starting' | 'sending' | 'sent' | 'cancelled';

export interface DeliveryCounts {
  status: MessageStatus;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  expired: number;
  total: number;
}

export interface SmsReply {
  id: string;
  from: string;
  text: string;
  receivedAt: string;
  messageId: string | null;
}

export interface Message extends DeliveryCounts {
  id: string;
  incidentId: string;
  kind: MessageKind;
  texts: Partial<Record<Language, string>>;
  rendered: Partial<Record<Language, string>>;
  warnings: string[];
  sendAt: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ResidentAddress {
  /** The resident's link to the address: what the alert switch changes. */
  id: string;
  addressId: string;
  label: string;
  active: boolean;
  role: 'main' | 'extra';
  source: 'register' | 'self';
}

export interface ResidentRow {
  id: string;
  /** null when the resident hid the name. */
  name: string | null;
  nameHidden: boolean;
  kind: 'person' | 'company';
  source: 'register' | 'self';
  businessId: string | null;
  language: string | null;
  priority: boolean;
  endpoints: { id: string; type: string; value: string; source: 'register' | 'self'; verified: boolean }[];
  addresses: ResidentAddress[];
}

export interface AuditEntry {
  id: string;
  at: string | number;
  actorType: string;
  actorId: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  detail: unknown;
}

export const IMPORT_COUNTS = ['rows', 'added', 'updated', 'unchanged', 'removed', 'skipped', 'protected', 'rejected', 'unmatched', 'duplicates', 'warnings', 'suppressed', 'selfCovered'] as const;

export interface ImportRun {
  id: string;
  /** `queued` until a server process takes its job, then `running`. */
  status: 'queued' | 'running' | 'done' | 'failed';
  dryRun: boolean;
  fileName: string | null;
  fileBytes: number | null;
  createdAt: number;
  finishedAt: number | null;
  progress: { rows: number; bytesRead: number } | null;
  counts: (Record<(typeof IMPORT_COUNTS)[number], number> & { byBuilding: number; massRemoval: boolean }) | null;
  error: string | null;
  /** The first lines of the report (all of it as CSV at reportUrl). */
  report: { line: number; outcome: 'rejected' | 'imported' | 'protected'; reason: string; candidate: string | null }[];
}

export function adminApi(api: ApiClient, slug: string, onSessionLost: () => void = () => {}) {
  const path = (p: string) => tenantPath(slug, p);
  const authed = sessionGuard(onSessionLost);
  return {
    slug,
    login: (body: { email: string; password: string; totp?: string }) => api.post<OperatorSession>(path('/operators/login'), body),
    session: () => api.get<OperatorSession>(path('/operators/me')),
    logout: () => api.post<void>(path('/operators/logout')),
    changePassword: authed((body: { currentPassword: string; newPassword: string }) => api.post<void>(path('/operators/me/password'), body)),
    beginTotp: authed(() => api.post<{ secret: string; uri: string }>(path('/operators/me/totp'))),
    confirmTotp: authed((code: string) => api.post<void>(path('/operators/me/totp/confirm'), { code })),
    operators: authed(() => api.get<{ items: Operator[] }>(path('/operators'))),
    createOperator: authed((body: { email: string; role: Role; name?: string }) => api.post<{ operator: Operator; oneTimePassword?: string }>(path('/operators'), body)),
    createToken: authed((body: { name: string; role: Role }) => api.post<{ id: string; token: string }>(path('/tokens'), body)),
    incidents: authed((status?: string) => api.get<{ items: Incident[] }>(path(`/incidents${query({ status })}`))),
    incident: authed((id: string) => api.get<Incident>(path(`/incidents/${id}`))),
    createIncident: authed((body: IncidentInput) => api.post<Incident>(path('/incidents'), body)),
    updateIncident: authed((id: string, body: Partial<IncidentInput>) => api.patch<Incident>(path(`/incidents/${id}`), body)),
    deleteDraft: authed((id: string) => api.delete<void>(path(`/incidents/${id}`))),
    networkFeatures: authed((service: NetworkService, bbox: string) => api.get<NetworkFeatures>(path(`/network/${service}/features${query({ bbox })}`))),
    traceNetwork: authed((service: NetworkService, body: { at: [number, number]; failedValves: string[] }) => api.post<NetworkTrace>(path(`/network/${service}/trace`), body)),
    /** Street names (Finnish and Swedish) of the address register beginning with `prefix`, from the address search. */
    findStreets: async (prefix: string): Promise<string[]> => {
      const found = await api.get<{ items: Array<{ street: string; streetSv: string | null }> }>(path(`/addresses${query({ q: prefix })}`));
      const wanted = prefix.trim().toLocaleLowerCase('fi');
      const names = found.items.flatMap((a) => [a.street, a.streetSv ?? '']).filter((n) => n.toLocaleLowerCase('fi').startsWith(wanted));
      return [...new Set(names)].sort((a, b) => a.localeCompare(b, 'fi'));
    },
    preview: authed((id: string, body: { texts?: Partial<Record<Language, string>>; kind?: MessageKind } = {}) => api.post<Preview>(path(`/incidents/${id}/preview`), body)),
    messages: authed((id: string) => api.get<{ items: Message[] }>(path(`/incidents/${id}/messages`))),
    /** SMS residents sent back to this incident's notices, newest first. */
    replies: authed((id: string) => api.get<{ items: SmsReply[] }>(path(`/incidents/${id}/replies`))),
    send: authed((id: string, body: { texts: Partial<Record<Language, string>>; kind: MessageKind; sendAt?: string }) =>
      api.post<Message>(path(`/incidents/${id}/messages`), body),
    ),
    message: authed((id: string) => api.get<Message>(path(`/messages/${id}`))),
    messageEventsUrl: (id: string) => path(`/messages/${id}/events`),
    messageAction: authed((id: string, action: 'approve' | 'cancel' | 'retry') => api.post<Message>(path(`/messages/${id}/${action}`))),
    deliveriesCsvUrl: (id: string) => path(`/messages/${id}/deliveries.csv`),
    residents: authed((q: string) => api.get<{ items: ResidentRow[] }>(path(`/residents${query({ q })}`))),
    resident: authed((id: string) => api.get<ResidentRow>(path(`/residents/${id}`))),
    setResidentAddressActive: authed((id: string, linkId: string, active: boolean) => api.patch<ResidentAddress>(path(`/residents/${id}/addresses/${linkId}`), { active })),
    deleteResident: authed((id: string) => api.delete<void>(path(`/residents/${id}`))),
    /** Multipart: `file` and the fields `encoding`, `delimiter`, `dryRun`, `allowMassRemoval`. */
    importRegister: authed((form: FormData) => api.upload<ImportRun>(path('/register/imports'), form)),
    importRun: authed((id: string) => api.get<ImportRun>(path(`/register/imports/${id}`))),
    importReportUrl: (id: string) => path(`/register/imports/${id}/report.csv`),
    audit: authed((before?: number) => api.get<{ items: AuditEntry[] }>(path(`/audit${query({ before })}`))),
    settings: authed(() => api.get<Record<string, unknown>>(path('/settings'))),
    updateSettings: authed((body: Record<string, unknown>) => api.patch<Record<string, unknown>>(path('/settings'), body)),
  };
}

export type AdminApi = ReturnType<typeof adminApi>;
