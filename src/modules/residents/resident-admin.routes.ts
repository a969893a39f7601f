/**
 * Residents for operators over HTTP (`/api/t/{tenant}/residents…`), behind the operator guard: search
 * and view for every role (each read audited by the service), alert switch and deletion for operators
 * and admins. Routes translate HTTP; resident-admin.service.ts holds the rules.
 */
import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import { operatorOf } from '../../http/operator-guard.js';
import type { ResidentAdminService } from './resident-admin.service.js';
import {
  residentAddressChangeBody,
  residentAddressSchema,
  residentSchema,
} from '../../contracts/resident-admin.contract.js';

const tenantParams = z.object({ tenant: z.string().max(63) });
const residentParams = tenantParams.extend({ id: z.string().min(1).max(100) });
const addressParams = residentParams.extend({ addressId: z.string().min(1).max(100) });
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];
const tags = ['residents (operators)'];

export const residentAdminRoutes = routePlugin('resident-admin', (app, deps: { residents: ResidentAdminService }) => {
  const { residents } = deps;
  const guard = app.requireOperator;

  app.get(
    '/api/t/:tenant/residents',
    {
      preHandler: guard('viewer'),
      schema: {
        tags,
        security,
        summary:
          'Search residents by name, phone number (national or E.164), email, address or business id; at most 50; every resident shown is audited',
        params: tenantParams,
        querystring: z.object({ q: z.string().trim().min(2, 'at least 2 characters').max(100) }),
        response: { 200: z.object({ items: z.array(residentSchema) }) },
      },
    },
    async (request) => {
      const caller = operatorOf(request);
      return { items: await residents.search(caller.tenant, request.query.q, caller.actor) };
    },
  );

  app.get(
    '/api/t/:tenant/residents/:id',
    {
      preHandler: guard('viewer'),
      schema: {
        tags,
        security,
        summary: 'One resident: names, numbers, emails, addresses with their alert switch (audited)',
        params: residentParams,
        response: { 200: residentSchema },
      },
    },
    async (request) => {
      const caller = operatorOf(request);
      return residents.view(caller.tenant, request.params.id, caller.actor);
    },
  );

  app.patch(
    '/api/t/:tenant/residents/:id/addresses/:addressId',
    {
      preHandler: guard('operator'),
      schema: {
        tags,
        security,
        summary:
          "Deactivate or reactivate the alerts of one of a resident's addresses (addressId is the link id from the resident's addresses)",
        params: addressParams,
        body: residentAddressChangeBody,
        response: { 200: residentAddressSchema },
      },
    },
    async (request) => {
      const caller = operatorOf(request);
      return residents.setAddressActive(
        caller.tenant,
        request.params.id,
        request.params.addressId,
        request.body.active,
        caller.actor,
      );
    },
  );

  app.delete(
    '/api/t/:tenant/residents/:id',
    {
      preHandler: guard('operator'),
      schema: {
        tags,
        security,
        summary: 'Delete a resident and all its data (a public-register resident stays opted out of re-imports)',
        params: residentParams,
      },
    },
    async (request, reply) => {
      const caller = operatorOf(request);
      await residents.remove(caller.tenant, request.params.id, caller.actor);
      return reply.status(204).send();
    },
  );
});
