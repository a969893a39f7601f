import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import { publicTenantSchema } from './tenant.schemas.js';
import type { TenantService } from './tenant.service.js';
import type { Tenant } from './tenant.types.js';

/** The tenant as its pages see it; `basemapUrl` where Aviso serves a PMTiles basemap for it. */
export function toPublicTenant(tenant: Tenant, basemapUrl: string | null = null): z.infer<typeof publicTenantSchema> {
  return {
    slug: tenant.slug,
    name: tenant.name,
    languages: tenant.languages,
    services: tenant.services,
    smsSender: tenant.smsSender,
    contactInfo: tenant.contactInfo,
    bbox: [...tenant.bbox],
    serviceArea: tenant.serviceArea,
    branding: {
      brandColor: tenant.settings.brandColor,
      logoUrl: tenant.settings.logoUrl,
      tileUrl: tenant.settings.tileUrl,
      tileAttribution: tenant.settings.tileAttribution,
      basemapUrl,
    },
  };
}

/** The tenants the landing page lists (those not hidden by the setting `listed`), by name. */
export async function listedTenants(tenants: TenantService): Promise<Tenant[]> {
  return (await tenants.listTenants())
    .filter((t) => t.settings.listed)
    .sort((a, b) => a.name.localeCompare(b.name, 'fi'));
}

const listedTenantSchema = publicTenantSchema.pick({
  slug: true,
  name: true,
  services: true,
  bbox: true,
  serviceArea: true,
});

export const tenantRoutes = routePlugin(
  'tenants',
  (app, deps: { tenants: TenantService; basemapUrl: (slug: string) => string | null }) => {
    app.get(
      '/api/tenants',
      {
        schema: {
          tags: ['tenants'],
          summary:
            'The tenants the landing page lists: name, services, service area (a tenant may hide itself with the setting listed: false)',
          response: { 200: z.object({ items: z.array(listedTenantSchema) }) },
        },
      },
      async () => ({
        items: (await listedTenants(deps.tenants)).map((t) => ({
          slug: t.slug,
          name: t.name,
          services: t.services,
          bbox: [...t.bbox] as [number, number, number, number],
          serviceArea: t.serviceArea,
        })),
      }),
    );

    app.get(
      '/api/t/:tenant',
      {
        schema: {
          tags: ['tenants'],
          summary: "The tenant's public profile: name, languages, services, service area, branding",
          params: z.object({ tenant: z.string() }),
          response: { 200: publicTenantSchema },
        },
      },
      async (request) => {
        const tenant = await deps.tenants.resolveTenant(request.params.tenant);
        return toPublicTenant(tenant, deps.basemapUrl(tenant.slug));
      },
    );
  },
);
