/** The SQL of incidents. Tenant id first, always. */
import type { Kysely, Selectable } from 'kysely';
import type { Database, IncidentsTable } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { Service } from '../tenants/tenant.types.js';
import { polygonsBBox } from './area.js';
import type { Incident, IncidentStatus } from './incident.types.js';

type IncidentRow = Selectable<IncidentsTable>;

const json = <T>(text: string | null, empty: T): T => (text ? (JSON.parse(text) as T) : empty);

export function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id,
    service: row.service as Service,
    kind: row.kind,
    title: row.title,
    description: row.description,
    status: row.status,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    published: row.published === 1,
    publishedAt: row.published_at,
    area: json(row.area, null),
    streets: json(row.streets, []),
    postalCodes: json(row.postal_codes, []),
    network: json(row.network, null),
    geometry: json(row.geometry, null),
    selectionGeometry: json(row.selection_geometry, null),
    frozenAt: row.frozen_at,
    recipientCount: row.recipient_count,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRow(incident: Incident): Omit<IncidentRow, 'tenant_id'> {
  const bbox = polygonsBBox([incident.geometry, incident.selectionGeometry].filter((g) => g !== null));
  return {
    id: incident.id,
    service: incident.service,
    kind: incident.kind,
    title: incident.title,
    description: incident.description,
    status: incident.status,
    starts_at: incident.startsAt,
    ends_at: incident.endsAt,
    published: incident.published ? 1 : 0,
    published_at: incident.publishedAt,
    area: incident.area ? JSON.stringify(incident.area) : null,
    streets: incident.streets.length ? JSON.stringify(incident.streets) : null,
    postal_codes: incident.postalCodes.length ? JSON.stringify(incident.postalCodes) : null,
    network: incident.network ? JSON.stringify(incident.network) : null,
    geometry: incident.geometry ? JSON.stringify(incident.geometry) : null,
    selection_geometry: incident.selectionGeometry ? JSON.stringify(incident.selectionGeometry) : null,
    min_lon: bbox?.[0] ?? null,
    min_lat: bbox?.[1] ?? null,
    max_lon: bbox?.[2] ?? null,
    max_lat: bbox?.[3] ?? null,
    frozen_at: incident.frozenAt,
    recipient_count: incident.recipientCount,
    created_by: incident.createdBy,
    created_at: incident.createdAt,
    updated_at: incident.updatedAt,
  };
}

export function incidentRepository(db: Kysely<Database>) {
  return {
    async insert(tenantId: TenantId, incident: Incident): Promise<void> {
      await db
        .insertInto('incidents')
        .values({ ...toRow(incident), tenant_id: tenantId })
        .execute();
    },

    async update(tenantId: TenantId, incident: Incident): Promise<void> {
      const { id, created_at: _created, ...values } = toRow(incident);
      await db.updateTable('incidents').set(values).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    },

    async find(tenantId: TenantId, id: string): Promise<Incident | undefined> {
      const row = await db
        .selectFrom('incidents')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toIncident(row);
    },

    async list(
      tenantId: TenantId,
      options: { status?: IncidentStatus | undefined; limit: number },
    ): Promise<Incident[]> {
      let query = db.selectFrom('incidents').selectAll().where('tenant_id', '=', tenantId);
      if (options.status) query = query.where('status', '=', options.status);
      const rows = await query.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
      return rows.map(toIncident);
    },

    /** Published incidents that are active, or ended since `since` (a feed still says they ended). */
    async listPublished(tenantId: TenantId, since: number): Promise<Incident[]> {
      const rows = await db
        .selectFrom('incidents')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('published', '=', 1)
        .where((eb) =>
          eb.or([
            eb('status', '=', 'active'),
            eb.and([eb('status', 'in', ['resolved', 'cancelled']), eb('updated_at', '>=', since)]),
          ]),
        )
        .orderBy('starts_at')
        .orderBy('id')
        .execute();
      return rows.map(toIncident);
    },

    /** Freezes the recipient set: only the first caller succeeds. */
    async markFrozen(tenantId: TenantId, id: string, at: number, recipientCount: number): Promise<boolean> {
      const result = await db
        .updateTable('incidents')
        .set({ frozen_at: at, recipient_count: recipientCount, updated_at: at })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('frozen_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async setStatus(tenantId: TenantId, id: string, status: IncidentStatus, at: number): Promise<void> {
      await db
        .updateTable('incidents')
        .set({ status, updated_at: at })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
    },

    /** Deletes the incident if it is a draft that nothing was sent or scheduled for; false otherwise. */
    async deleteDraft(tenantId: TenantId, id: string): Promise<boolean> {
      const result = await db
        .deleteFrom('incidents')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('status', '=', 'draft')
        .where('frozen_at', 'is', null)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('messages')
                .select('messages.id')
                .where('messages.tenant_id', '=', tenantId)
                .where('messages.incident_id', '=', id),
            ),
          ),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}

export type IncidentRepository = ReturnType<typeof incidentRepository>;
