import type { Kysely, Selectable } from 'kysely';
import type { Database, TenantsTable } from '../../db/schema.js';
import { asTenantId, type TenantId } from '../../kernel/tenant-id.js';
import { DEFAULT_SETTINGS, type Tenant } from './tenant.types.js';

export type TenantRow = Selectable<TenantsTable>;

export function toTenant(row: TenantRow): Tenant {
  return {
    id: asTenantId(row.id),
    slug: row.slug,
    name: row.name,
    languages: JSON.parse(row.languages),
    services: JSON.parse(row.services),
    serviceArea: JSON.parse(row.service_area),
    bbox: [row.min_lon, row.min_lat, row.max_lon, row.max_lat],
    smsSender: row.sms_sender,
    contactInfo: JSON.parse(row.contact_info),
    settings: { ...DEFAULT_SETTINGS, ...JSON.parse(row.settings) },
  };
}

export function toTenantRow(tenant: Tenant, now: number): TenantRow {
  return {
    id: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    languages: JSON.stringify(tenant.languages),
    services: JSON.stringify(tenant.services),
    service_area: JSON.stringify(tenant.serviceArea),
    min_lon: tenant.bbox[0],
    min_lat: tenant.bbox[1],
    max_lon: tenant.bbox[2],
    max_lat: tenant.bbox[3],
    sms_sender: tenant.smsSender,
    contact_info: JSON.stringify(tenant.contactInfo),
    settings: JSON.stringify(tenant.settings),
    created_at: now,
    updated_at: now,
  };
}

/** The tenants table is the one place not keyed by a tenant id: it is where tenant ids come from. */
export function tenantRepository(db: Kysely<Database>) {
  return {
    async insert(tenant: Tenant, now: number): Promise<void> {
      await db.insertInto('tenants').values(toTenantRow(tenant, now)).execute();
    },

    async update(tenantId: TenantId, tenant: Tenant, now: number): Promise<void> {
      const { id: _id, created_at: _created, ...values } = toTenantRow(tenant, now);
      await db.updateTable('tenants').set(values).where('id', '=', tenantId).execute();
    },

    async findBySlug(slug: string): Promise<Tenant | undefined> {
      const row = await db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
      return row && toTenant(row);
    },

    async findById(tenantId: string): Promise<Tenant | undefined> {
      const row = await db.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst();
      return row && toTenant(row);
    },

    async list(): Promise<Tenant[]> {
      const rows = await db.selectFrom('tenants').selectAll().orderBy('slug').execute();
      return rows.map(toTenant);
    },

    /** Tenants whose service-area bounding box holds the point (the exact test is the service's). */
    async listWithBBoxHolding(lon: number, lat: number): Promise<Tenant[]> {
      const rows = await db
        .selectFrom('tenants')
        .selectAll()
        .where('min_lon', '<=', lon)
        .where('max_lon', '>=', lon)
        .where('min_lat', '<=', lat)
        .where('max_lat', '>=', lat)
        .execute();
      return rows.map(toTenant);
    },
  };
}

export type TenantRepository = ReturnType<typeof tenantRepository>;
