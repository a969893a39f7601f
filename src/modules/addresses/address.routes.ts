import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import type { TenantService } from '../tenants/tenant.service.js';
import { addressViewSchema } from './address.schemas.js';
import type { AddressSearch } from './address.search.js';

export const addressRoutes = routePlugin(
  'addresses',
  (app, deps: { tenants: TenantService; addresses: AddressSearch }) => {
    app.get(
      '/api/t/:tenant/addresses',
      {
        schema: {
          tags: ['addresses'],
          summary: 'Address autocomplete (top 10): postal code, street prefix in either language, house number',
          params: z.object({ tenant: z.string() }),
          querystring: z.object({
            q: z.string().max(200).default(''),
            postalCode: z
              .string()
              .regex(/^[0-9 ]{3,10}$/, 'digits only, e.g. 35800')
              .optional(),
            limit: z.coerce.number().int().min(1).max(50).default(10),
          }),
          response: { 200: z.object({ items: z.array(addressViewSchema) }) },
        },
      },
      async (request) => {
        const tenant = await deps.tenants.resolveTenant(request.params.tenant);
        return {
          items: await deps.addresses.search(tenant.id, request.query.q, request.query.postalCode, request.query.limit),
        };
      },
    );
  },
);
