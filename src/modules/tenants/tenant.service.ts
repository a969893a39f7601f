import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { areaBBox, parseArea, pointInAreaTest } from '../../lib/geo.js';
import { newId } from '../../lib/ids.js';
import { asTenantId } from '../../kernel/tenant-id.js';
import type { Clock } from '../../lib/clock.js';
import type { TenantRepository } from './tenant.repository.js';
import { tenantInputSchema, type TenantInput } from './tenant.schemas.js';
import { DEFAULT_SETTINGS, type Tenant, type TenantSettings } from './tenant.types.js';
import { zodIssueProblem } from '../../lib/schema-issue.js';

export interface TenantServiceDeps {
  tenants: TenantRepository;
  clock: Clock;
  /** How long a resolved tenant is reused by this process; settings changes show up after at most this. */
  cacheMs?: number;
}

/** SMS sender ids are at most 11 characters; derive one from the name when none is given. */
function defaultSender(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9 ]/g, '');
  return ascii.replace(/\s+/g, '').slice(0, 11) || 'Aviso';
}

export function tenantService(deps: TenantServiceDeps) {
  const cacheMs = deps.cacheMs ?? 5000;
  const cache = new Map<string, { tenant: Tenant; at: number }>();
  let imageUrls: { urls: Promise<string[]>; at: number } | null = null;

  /** Writes a changed tenant and drops this process's cached copies, so the next request sees the change. */
  async function saveTenant(tenant: Tenant): Promise<Tenant> {
    await deps.tenants.update(tenant.id, tenant, deps.clock.now());
    cache.delete(tenant.slug);
    imageUrls = null;
    return tenant;
  }

  return {
    async createTenant(input: TenantInput): Promise<Tenant> {
      const parsed = tenantInputSchema.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw ValidationError.of(zodIssueProblem(issue.path.join('.') || 'tenant', issue));
      }
      const value = parsed.data;
      const serviceArea = parseArea(value.serviceArea, 'serviceArea');
      if (await deps.tenants.findBySlug(value.slug))
        throw new ConflictError('tenant-exists', { slug: value.slug }, 'slug');
      const tenant: Tenant = {
        id: asTenantId(newId()),
        slug: value.slug,
        name: value.name,
        languages: value.languages,
        services: value.services,
        serviceArea,
        bbox: areaBBox(serviceArea),
        smsSender: value.smsSender ?? defaultSender(value.name),
        contactInfo: value.contactInfo,
        settings: { ...DEFAULT_SETTINGS },
      };
      await deps.tenants.insert(tenant, deps.clock.now());
      return tenant;
    },

    async updateSettings(tenant: Tenant, settings: Partial<TenantSettings>): Promise<Tenant> {
      return saveTenant({ ...tenant, settings: { ...tenant.settings, ...settings } });
    },

    saveTenant,

    /** The tenant behind a URL slug; NotFound when there is none. */
    async resolveTenant(slug: string): Promise<Tenant> {
      const hit = cache.get(slug);
      const now = deps.clock.now();
      if (hit && now - hit.at < cacheMs) return hit.tenant;
      const tenant = await deps.tenants.findBySlug(slug);
      if (!tenant) throw new NotFoundError(`tenant ${slug}`);
      cache.set(slug, { tenant, at: now });
      return tenant;
    },

    async findTenant(slug: string): Promise<Tenant | undefined> {
      return deps.tenants.findBySlug(slug);
    },

    listTenants: () => deps.tenants.list(),

    /**
     * Every tenant's tile and logo URL (the console's images: its tenant is known only after login), kept
     * like a resolved tenant: read again after a settings change here, or after `cacheMs` for other processes.
     */
    allImageUrls(): Promise<string[]> {
      const now = deps.clock.now();
      if (!imageUrls || now - imageUrls.at >= cacheMs) {
        const urls = deps.tenants
          .list()
          .then((tenants) => tenants.flatMap((t) => [t.settings.tileUrl, t.settings.logoUrl]))
          .then((urls) => urls.filter((url): url is string => url !== null));
        urls.catch(() => (imageUrls = null));
        imageUrls = { urls, at: now };
      }
      return imageUrls.urls;
    },

    /** Every tenant whose service area holds the point: the register-once offer. */
    async tenantsCovering(lon: number, lat: number): Promise<Tenant[]> {
      const candidates = await deps.tenants.listWithBBoxHolding(lon, lat);
      return candidates.filter((t) => pointInAreaTest(t.serviceArea)(lon, lat));
    },
  };
}

export type TenantService = ReturnType<typeof tenantService>;
