/**
 * The operator API the console uses (src/modules/operators, incidents, dispatch, register, audit):
 * every route in one place.
 */
import type * as api from '../../../src/contracts';
import { query, sessionGuard, tenantPath, type ApiClient } from '../shared/api';
import { everyOf, type Narrow } from '../shared/contracts';
import type { Language } from '../shared/tenant';
import type { MultiPolygon } from 'geojson';
import type { NetworkArea, NetworkService, StreetSelection } from './area/area';
import { EXCLUSION_REASONS, type ExclusionReason } from '../../../src/contracts/lists';

export type { IncidentKind, IncidentStatus, MessageKind, Role } from '../../../src/contracts';
export const ROLES = everyOf<api.Role>()(['admin', 'operator', 'viewer']);

export type Operator = api.Operator;
export type OperatorSession = api.OperatorSession;

export type Incident = Narrow<
  api.IncidentView,
  {
    /** The shapes as drawn (circles with `radius`, lines with `buffer`). */
    area: unknown;
    streets: StreetSelection[];
    /** Every shape as one MultiPolygon. */
    geometry: MultiPolygon | null;
    /** The shape of the streets and postal codes, from the addresses they match (drawn only). */
    selectionGeometry: MultiPolygon | null;
    /** The area as a pipe network trace, if it is one. */
    network: NetworkArea | null;
  }
>;
export type IncidentInput = api.IncidentInput;

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
  features: Array<
    GeoJSON.Feature<
      GeoJSON.LineString | GeoJSON.Point,
      { kind: 'pipe' | 'valve'; id: string; diameter?: number | null; state?: 'open' | 'closed'; operable?: boolean }
    >
  >;
}

export { EXCLUSION_REASONS, type ExclusionReason };

export type Preview = Narrow<
  api.Preview,
  {
    excluded: Partial<Record<ExclusionReason, number>>;
    sms: Partial<Record<Language, api.Preview['sms'][string]>>;
  }
>;

export type MessageStatus = 'awaiting-approval' | 'scheduled' | 'starting' | 'sending' | 'sent' | 'cancelled';

export type Message = Narrow<
  api.MessageView,
  {
    status: MessageStatus;
    texts: Partial<Record<Language, string>>;
    rendered: Partial<Record<Language, string>>;
  }
>;

/** What the message's live events carry. */
export type DeliveryCounts = Pick<
  Message,
  'status' | 'outcome' | 'queued' | 'sent' | 'delivered' | 'acknowledged' | 'failed' | 'expired' | 'total'
>;

export type SmsReply = api.SmsReply;
export type ResidentAddress = api.ResidentAddressView;
export type ResidentRow = api.ResidentView;

/** The audit log's entries (the server's route declares no answer schema for them). */
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

export type SettingsView = api.SettingsView;

export type ImportRun = api.ImportRunView;
type ImportCount = Exclude<keyof NonNullable<ImportRun['counts']>, 'byBuilding' | 'massRemoval'>;
export const IMPORT_COUNTS = everyOf<ImportCount>()([
  'rows',
  'added',
  'updated',
  'unchanged',
  'removed',
  'skipped',
  'protected',
  'rejected',
  'unmatched',
  'duplicates',
  'warnings',
  'suppressed',
  'selfCovered',
]);

/**
 * A settings change as the form sends it: the server's field names, values as typed (the server
 * validates each and names the bad one).
 */
export type SettingsChange = { [K in keyof api.SettingsPatch]?: unknown };

export function adminApi(api: ApiClient, slug: string, onSessionLost: () => void = () => {}) {
  const path = (p: string) => tenantPath(slug, p);
  const authed = sessionGuard(onSessionLost);
  return {
    slug,
    login: (body: api.OperatorLogin) => api.post<OperatorSession>(path('/operators/login'), body),
    session: () => api.get<OperatorSession>(path('/operators/me')),
    logout: () => api.post<void>(path('/operators/logout')),
    changePassword: authed((body: api.PasswordChange) => api.post<void>(path('/operators/me/password'), body)),
    beginTotp: authed(() => api.post<api.TotpSetup>(path('/operators/me/totp'))),
    confirmTotp: authed((code: string) => api.post<void>(path('/operators/me/totp/confirm'), { code })),
    operators: authed(() => api.get<{ items: Operator[] }>(path('/operators'))),
    createOperator: authed((body: api.NewOperator) => api.post<api.CreatedOperator>(path('/operators'), body)),
    createToken: authed((body: api.NewToken) => api.post<api.CreatedToken>(path('/tokens'), body)),
    incidents: authed((status?: string) => api.get<{ items: Incident[] }>(path(`/incidents${query({ status })}`))),
    incident: authed((id: string) => api.get<Incident>(path(`/incidents/${id}`))),
    createIncident: authed((body: IncidentInput) => api.post<Incident>(path('/incidents'), body)),
    updateIncident: authed((id: string, body: api.IncidentPatch) =>
      api.patch<Incident>(path(`/incidents/${id}`), body),
    ),
    deleteDraft: authed((id: string) => api.delete<void>(path(`/incidents/${id}`))),
    networkFeatures: authed((service: NetworkService, bbox: string) =>
      api.get<NetworkFeatures>(path(`/network/${service}/features${query({ bbox })}`)),
    ),
    traceNetwork: authed((service: NetworkService, body: { at: [number, number]; failedValves: string[] }) =>
      api.post<NetworkTrace>(path(`/network/${service}/trace`), body),
    ),
    /** Street names (Finnish and Swedish) of the address register beginning with `prefix`, from the address search. */
    findStreets: async (prefix: string): Promise<string[]> => {
      const found = await api.get<{ items: api.AddressView[] }>(path(`/addresses${query({ q: prefix })}`));
      const wanted = prefix.trim().toLocaleLowerCase('fi');
      const names = found.items
        .flatMap((a) => [a.street, a.streetSv ?? ''])
        .filter((n) => n.toLocaleLowerCase('fi').startsWith(wanted));
      return [...new Set(names)].sort((a, b) => a.localeCompare(b, 'fi'));
    },
    preview: authed((id: string, body: api.PreviewInput = {}) =>
      api.post<Preview>(path(`/incidents/${id}/preview`), body),
    ),
    messages: authed((id: string) => api.get<{ items: Message[] }>(path(`/incidents/${id}/messages`))),
    /** SMS residents sent back to this incident's notices, newest first. */
    replies: authed((id: string) => api.get<{ items: SmsReply[] }>(path(`/incidents/${id}/replies`))),
    send: authed((id: string, body: api.SendInput) => api.post<Message>(path(`/incidents/${id}/messages`), body)),
    message: authed((id: string) => api.get<Message>(path(`/messages/${id}`))),
    messageEventsUrl: (id: string) => path(`/messages/${id}/events`),
    messageAction: authed((id: string, action: 'approve' | 'cancel' | 'retry') =>
      api.post<Message>(path(`/messages/${id}/${action}`)),
    ),
    deliveriesCsvUrl: (id: string) => path(`/messages/${id}/deliveries.csv`),
    residents: authed((q: string) => api.get<{ items: ResidentRow[] }>(path(`/residents${query({ q })}`))),
    resident: authed((id: string) => api.get<ResidentRow>(path(`/residents/${id}`))),
    setResidentAddressActive: authed((id: string, linkId: string, active: boolean) =>
      api.patch<ResidentAddress>(path(`/residents/${id}/addresses/${linkId}`), { active }),
    ),
    deleteResident: authed((id: string) => api.delete<void>(path(`/residents/${id}`))),
    /** Multipart: `file` and the fields `encoding`, `delimiter`, `dryRun`, `allowMassRemoval`. */
    importRegister: authed((form: FormData) => api.upload<ImportRun>(path('/register/imports'), form)),
    importRun: authed((id: string) => api.get<ImportRun>(path(`/register/imports/${id}`))),
    importReportUrl: (id: string) => path(`/register/imports/${id}/report.csv`),
    audit: authed((before?: number) => api.get<{ items: AuditEntry[] }>(path(`/audit${query({ before })}`))),
    settings: authed(() => api.get<api.SettingsView>(path('/settings'))),
    updateSettings: authed((body: SettingsChange) => api.patch<api.SettingsView>(path('/settings'), body)),
  };
}

export type AdminApi = ReturnType<typeof adminApi>;
