/**
 * Tenant settings for admins: the tenant record and its settings as one flat view, and a partial change
 * validated field by field (the service area geometrically), written, audited (which fields, never the
 * values) and effective at once (the tenant cache forgets the old copy).
 */
import { ValidationError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { areaBBox, parseArea } from '../../lib/geo.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { Actor } from '../../kernel/actor.js';
import { settingsPatchSchema, type SettingsPatch, type SettingsView } from './tenant-settings.schemas.js';
import { tenantCountry } from './tenant.country.js';
import type { TenantService } from './tenant.service.js';
import type { Tenant, TenantSettings } from './tenant.types.js';
import { zodIssueProblem } from '../../lib/schema-issue.js';

export interface TenantSettingsDeps {
  tenants: Pick<TenantService, 'saveTenant'>;
  audit: Pick<AuditRepository, 'record'>;
  clock: Clock;
}

export function toSettingsView(tenant: Tenant): SettingsView {
  return {
    slug: tenant.slug,
    name: tenant.name,
    languages: tenant.languages,
    services: tenant.services,
    serviceArea: tenant.serviceArea,
    smsSender: tenant.smsSender,
    contactInfo: tenant.contactInfo,
    ...tenant.settings,
    countryInEffect: tenantCountry(tenant),
  };
}

function parsePatch(input: unknown): SettingsPatch {
  const parsed = settingsPatchSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw ValidationError.of(zodIssueProblem(issue.path.join('.') || 'body', issue));
}

/** The tenant with the patch applied; the service area parsed and its bounding box recomputed. */
function applyPatch(tenant: Tenant, patch: SettingsPatch): Tenant {
  const { name, languages, services, serviceArea, smsSender, contactInfo, ...settings } = patch;
  const area = serviceArea === undefined ? tenant.serviceArea : parseArea(serviceArea, 'serviceArea');
  const definedSettings = Object.fromEntries(
    Object.entries(settings).filter(([, v]) => v !== undefined),
  ) as Partial<TenantSettings>;
  return {
    ...tenant,
    ...(name !== undefined ? { name } : {}),
    ...(languages !== undefined ? { languages } : {}),
    ...(services !== undefined ? { services } : {}),
    ...(smsSender !== undefined ? { smsSender } : {}),
    ...(contactInfo !== undefined ? { contactInfo } : {}),
    serviceArea: area,
    bbox: serviceArea === undefined ? tenant.bbox : areaBBox(area),
    settings: { ...tenant.settings, ...definedSettings },
  };
}

/** The names of the fields whose value differs between the two. */
function changedFields(before: Tenant, after: Tenant): string[] {
  const a = toSettingsView(before) as Record<string, unknown>;
  const b = toSettingsView(after) as Record<string, unknown>;
  return Object.keys(b).filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
}

export function tenantSettingsService(deps: TenantSettingsDeps) {
  return {
    view: (tenant: Tenant): SettingsView => toSettingsView(tenant),

    /** Applies a partial change (admins only: the route's guard); answers the settings as they are now. */
    async update(tenant: Tenant, input: unknown, actor: Actor): Promise<SettingsView> {
      const updated = applyPatch(tenant, parsePatch(input));
      const fields = changedFields(tenant, updated);
      if (fields.length === 0) return toSettingsView(tenant);
      await deps.tenants.saveTenant(updated);
      await deps.audit.record(tenant.id, deps.clock.now(), {
        actorType: actor.type,
        actorId: actor.id,
        action: 'tenant.settings',
        subjectType: 'tenant',
        subjectId: tenant.id,
        detail: { fields },
      });
      return toSettingsView(updated);
    },
  };
}

export type TenantSettingsService = ReturnType<typeof tenantSettingsService>;
