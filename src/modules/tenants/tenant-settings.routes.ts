/**
 * Tenant settings over HTTP, behind the operator guard: read (any role), change (admin only; API token or
 * session with the CSRF header). Routes translate HTTP; tenant-settings.service.ts holds the rules.
 */
import { z } from 'zod';
import type { AppInstance } from '../../app.js';
import type { Context } from '../../context.js';
import type { PinService } from '../auth/pin.service.js';
import { operatorGuard, operatorOf, type OperatorGuard } from '../operators/operator-auth.js';
import { settingsPatchSchema, settingsViewSchema } from './tenant-settings.schemas.js';
import type { TenantSettingsService } from './tenant-settings.service.js';

const tenantParams = z.object({ tenant: z.string().max(63) });
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];
const tags = ['tenants'];

export function registerTenantSettingsRoutes(app: AppInstance, deps: { settings: TenantSettingsService; guard: OperatorGuard }): void {
  const { settings, guard } = deps;

  app.get(
    '/api/t/:tenant/settings',
    {
      preHandler: guard('viewer'),
      schema: { tags, security, summary: 'The tenant settings: name, languages, services, service area, SMS sender, contact details, PIN rules, quiet hours, branding', params: tenantParams, response: { 200: settingsViewSchema } },
    },
    async (request) => settings.view(operatorOf(request).tenant),
  );

  app.patch(
    '/api/t/:tenant/settings',
    {
      preHandler: guard('admin'),
      schema: { tags, security, summary: 'Change tenant settings (any subset of the fields); audited, effective at once', params: tenantParams, body: settingsPatchSchema, response: { 200: settingsViewSchema } },
    },
    async (request) => {
      const caller = operatorOf(request);
      return settings.update(caller.tenant, request.body, caller.actor);
    },
  );
}

const budgetWindow = z.object({ count: z.number(), limit: z.number() });
const pinBudgetSchema = z.object({
  tenant: z.object({ hour: budgetWindow, day: budgetWindow }),
  global: z.object({ hour: budgetWindow, day: budgetWindow }),
  voicePaused: z.boolean(),
  alert: z.boolean(),
});

/** The PIN budgets as they stand, for operators (the counts an alert watches). */
export function registerPinBudgetRoute(app: AppInstance, deps: { pins: Pick<PinService, 'budgetStatus'>; guard: OperatorGuard }): void {
  app.get(
    '/api/t/:tenant/pin-budget',
    {
      preHandler: deps.guard('viewer'),
      schema: {
        tags, security, params: tenantParams, response: { 200: pinBudgetSchema },
        summary: 'PINs sent by SMS or voice this hour and today, against the tenant\'s and the global budgets; `alert` from 80 %, `voicePaused` once voice PINs have stopped',
      },
    },
    async (request) => deps.pins.budgetStatus(operatorOf(request).tenant),
  );
}

/** From app.ts: the settings routes behind the operator guard. */
export function registerTenantSettingsApi(app: AppInstance, context: Context): void {
  const guard = operatorGuard(app, { tenants: context.tenants, sessions: context.sessions, operators: context.operators });
  registerTenantSettingsRoutes(app, { settings: context.tenantSettings, guard });
  registerPinBudgetRoute(app, { pins: context.auth.pins, guard });
}
