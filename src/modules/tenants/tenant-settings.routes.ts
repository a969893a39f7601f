/**
 * Tenant settings over HTTP, behind the operator guard: read (any role), change (admin only; API token or
 * session with the CSRF header). Routes translate HTTP; tenant-settings.service.ts holds the rules.
 */
import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import { operatorOf } from '../../http/operator-guard.js';
import { settingsPatchSchema, settingsViewSchema } from './tenant-settings.schemas.js';
import type { TenantSettingsService } from './tenant-settings.service.js';

const tenantParams = z.object({ tenant: z.string().max(63) });
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];
const tags = ['tenants'];

export const tenantSettingsRoutes = routePlugin('tenant-settings', (app, deps: { settings: TenantSettingsService }) => {
  const { settings } = deps;
  const guard = app.requireOperator;

  app.get(
    '/api/t/:tenant/settings',
    {
      preHandler: guard('viewer'),
      schema: {
        tags,
        security,
        summary:
          'The tenant settings: name, languages, services, service area, SMS sender, contact details, PIN rules, quiet hours, branding',
        params: tenantParams,
        response: { 200: settingsViewSchema },
      },
    },
    async (request) => settings.view(operatorOf(request).tenant),
  );

  app.patch(
    '/api/t/:tenant/settings',
    {
      preHandler: guard('admin'),
      schema: {
        tags,
        security,
        summary: 'Change tenant settings (any subset of the fields); audited, effective at once',
        params: tenantParams,
        body: settingsPatchSchema,
        response: { 200: settingsViewSchema },
      },
    },
    async (request) => {
      const caller = operatorOf(request);
      return settings.update(caller.tenant, request.body, caller.actor);
    },
  );
});
