/**
 * Incidents: open one with its service, kind, times and affected area; change it while nobody has been
 * told (the area is fixed once the first message froze its recipients); list and read them.
 */
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { Tenant } from '../tenants/tenant.types.js';
import { asMultiPolygon, type AffectedArea } from './area.js';
import type { MultiPolygon } from 'geojson';
import { areaParser, type AreaParser } from './area.off-thread.js';
import type { IncidentRepository } from './incident.repository.js';
import { selectionShape } from './selection-shape.js';
import type { AreaAddress } from './area.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { IncidentInput, IncidentPatch } from './incident.schemas.js';
import type { Incident, IncidentStatus } from './incident.types.js';
import type { Actor } from '../../kernel/actor.js';
import type { NetworkSelection } from '../network/network.schemas.js';

export interface IncidentServiceDeps {
  incidents: IncidentRepository;
  audit: AuditRepository;
  clock: Clock;
  /** The addresses on the given streets or in the given postal codes (their shape is drawn from them). */
  selectionPoints?: (tenantId: TenantId, area: Pick<AffectedArea, 'streets' | 'postalCodes'>) => Promise<AreaAddress[]>;
  /** The outline of a pipe network trace (refusing a trace that cannot be made: no network, no pipe near). */
  traceOutline?: (tenant: Tenant, selection: NetworkSelection) => Promise<MultiPolygon | null>;
  /** Works out areas, heavy ones on a few worker threads (default: `areaParser()`, one per service). */
  areas?: AreaParser;
}

/** An ISO time (with offset) or epoch milliseconds; null clears it. */
function parseTime(value: string | number | null | undefined, field: string): number | null | undefined {
  if (value === undefined || value === null) return value;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new ValidationError(field, 'time-format');
  return ms;
}

function checkTimes(startsAt: number | null, endsAt: number | null): void {
  if (startsAt !== null && endsAt !== null && endsAt < startsAt)
    throw new ValidationError('endsAt', 'end-before-start');
}

function withArea(
  incident: Incident,
  area: AffectedArea,
  network: NetworkSelection | null,
  selectionGeometry: MultiPolygon | null,
): Incident {
  return {
    ...incident,
    area: area.shapes,
    streets: area.streets,
    postalCodes: area.postalCodes,
    network,
    geometry: asMultiPolygon(area.polygons),
    selectionGeometry,
  };
}

/** A trace's refusal names the incident's field (`network.at`, `network.failedValves.0`). */
function inNetworkField(error: unknown): never {
  if (!(error instanceof ValidationError)) throw error;
  // A trace refuses one field at a time.
  const problem = error.fields[0]!;
  throw ValidationError.of({ ...problem, field: `network.${problem.field}` });
}

export function incidentService(deps: IncidentServiceDeps) {
  const areas = deps.areas ?? areaParser();
  const parseArea = (tenant: Tenant, input: Pick<IncidentInput, 'area' | 'streets' | 'postalCodes' | 'network'>) =>
    areas.parse(input, {
      maxVertices: tenant.settings.maxAreaVertices,
      serviceArea: tenant.serviceArea,
    });

  async function shapeOfSelection(
    tenant: Tenant,
    area: AffectedArea,
    network: NetworkSelection | null,
  ): Promise<MultiPolygon | null> {
    const traced = network && deps.traceOutline ? await deps.traceOutline(tenant, network).catch(inNetworkField) : null;
    if (!deps.selectionPoints || (area.streets.length === 0 && area.postalCodes.length === 0)) return traced;
    return asMultiPolygon(
      [selectionShape(area, await deps.selectionPoints(tenant.id, area)), traced].filter((g) => g !== null),
    );
  }

  async function getIncident(tenant: Tenant, id: string): Promise<Incident> {
    const incident = await deps.incidents.find(tenant.id, id);
    if (!incident) throw new NotFoundError(`incident ${id}`);
    return incident;
  }

  return {
    getIncident,

    listIncidents: (tenant: Tenant, options: { status?: IncidentStatus | undefined; limit?: number }) =>
      deps.incidents.list(tenant.id, { status: options.status, limit: options.limit ?? 100 }),

    async createIncident(tenant: Tenant, input: IncidentInput, actor: Actor): Promise<Incident> {
      if (!tenant.services.includes(input.service))
        throw new ValidationError('service', 'service-not-offered', { services: tenant.services.join(', ') });
      const startsAt = parseTime(input.startsAt, 'startsAt') ?? null;
      const endsAt = parseTime(input.endsAt, 'endsAt') ?? null;
      checkTimes(startsAt, endsAt);
      const area = await parseArea(tenant, input);
      const now = deps.clock.now();
      const incident = withArea(
        {
          id: newId(),
          service: input.service,
          kind: input.kind,
          title: input.title,
          description: input.description ?? null,
          status: input.status ?? 'active',
          startsAt,
          endsAt,
          published: input.published ?? false,
          publishedAt: input.published ? now : null,
          area: null,
          streets: [],
          postalCodes: [],
          network: null,
          geometry: null,
          selectionGeometry: null,
          frozenAt: null,
          recipientCount: null,
          createdBy: actor.id,
          createdAt: now,
          updatedAt: now,
        },
        area,
        input.network ?? null,
        await shapeOfSelection(tenant, area, input.network ?? null),
      );
      await deps.incidents.insert(tenant.id, incident);
      await deps.audit.record(tenant.id, now, {
        actorType: actor.type,
        actorId: actor.id,
        action: 'incident.create',
        subjectType: 'incident',
        subjectId: incident.id,
        detail: { service: incident.service, kind: incident.kind },
      });
      return incident;
    },

    async updateIncident(tenant: Tenant, id: string, patch: IncidentPatch, actor: Actor): Promise<Incident> {
      const current = await getIncident(tenant, id);
      const areaChanged =
        patch.area !== undefined ||
        patch.streets !== undefined ||
        patch.postalCodes !== undefined ||
        patch.network !== undefined;
      if (areaChanged && current.frozenAt !== null) {
        throw new ConflictError('area-frozen', {}, 'area');
      }
      if (patch.service && !tenant.services.includes(patch.service))
        throw new ValidationError('service', 'service-not-offered', { services: tenant.services.join(', ') });
      const startsAt =
        patch.startsAt === undefined ? current.startsAt : (parseTime(patch.startsAt, 'startsAt') ?? null);
      const endsAt = patch.endsAt === undefined ? current.endsAt : (parseTime(patch.endsAt, 'endsAt') ?? null);
      checkTimes(startsAt, endsAt);
      let next: Incident = {
        ...current,
        service: patch.service ?? current.service,
        kind: patch.kind ?? current.kind,
        title: patch.title ?? current.title,
        description: patch.description === undefined ? current.description : patch.description,
        status: patch.status ?? current.status,
        published: patch.published ?? current.published,
        startsAt,
        endsAt,
        updatedAt: deps.clock.now(),
      };
      if (next.published && next.publishedAt === null) next.publishedAt = next.updatedAt;
      if (areaChanged) {
        const area = await parseArea(tenant, {
          area: patch.area === undefined ? current.area : patch.area,
          streets: patch.streets ?? current.streets,
          postalCodes: patch.postalCodes ?? current.postalCodes,
          network: patch.network === undefined ? current.network : patch.network,
        });
        const network = patch.network === undefined ? current.network : patch.network;
        next = withArea(next, area, network, await shapeOfSelection(tenant, area, network));
      }
      await deps.incidents.update(tenant.id, next);
      await deps.audit.record(tenant.id, next.updatedAt, {
        actorType: actor.type,
        actorId: actor.id,
        action: 'incident.update',
        subjectType: 'incident',
        subjectId: id,
        detail: { fields: Object.keys(patch) },
      });
      return next;
    },

    /** Deletes a draft (work that was abandoned or discarded); an incident anything was sent for stays. */
    async deleteDraft(tenant: Tenant, id: string, actor: Actor): Promise<void> {
      await getIncident(tenant, id);
      if (!(await deps.incidents.deleteDraft(tenant.id, id))) throw new ConflictError('incident-not-draft', {}, 'id');
      await deps.audit.record(tenant.id, deps.clock.now(), {
        actorType: actor.type,
        actorId: actor.id,
        action: 'incident.delete',
        subjectType: 'incident',
        subjectId: id,
        detail: {},
      });
    },
  };
}

export type IncidentService = ReturnType<typeof incidentService>;
