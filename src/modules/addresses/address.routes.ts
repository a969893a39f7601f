import { z } from 'zod';
import type { AppInstance } from '../../app.js';
import type { TenantService } from '../tenants/tenant.service.js';
import type { AddressRepository } from './address.repository.js';
import { addressViewSchema } from './address.schemas.js';
import { parseAddressQuery, searchAddresses, toAddressView } from './address.search.js';

export function registerAddressRoutes(app: AppInstance, deps: { tenants: TenantService; addresses: AddressRepository }): void {
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
      const query = parseAddressQuery(request.query.q, request.query.postalCode);
      const rows = await searchAddresses(deps.addresses, tenant.id, query, request.query.limit);
      return { items: rows.map(toAddressView) };
    },
  );
}
