/**
 * Two-way SMS over HTTP: operators list the replies to an incident; a resident sees which of their
 * numbers answered STOP (no notices go to them) and takes a number back.
 */
import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import { NotFoundError } from '../../errors.js';
import { authOf } from '../../http/session-cookie.js';
import type { IncidentService } from '../incidents/incident.service.js';
import { operatorOf } from '../../http/operator-guard.js';
import { residentIdentity } from '../residents/resident.identity.js';
import type { Residents } from '../residents/residents.module.js';
import type { SmsReplies } from './sms-replies.js';
import { smsOptOutsSchema, smsRepliesSchema } from '../../contracts/messages.contract.js';

export interface ReplyRouteDeps {
  replies: SmsReplies;
  incidents: IncidentService;
  residents: Residents;
}

export const replyRoutes = routePlugin('replies', (app, deps: ReplyRouteDeps) => {
  app.get(
    '/api/t/:tenant/incidents/:id/replies',
    {
      preHandler: app.requireOperator('viewer'),
      schema: {
        tags: ['messages'],
        summary:
          'SMS residents sent back to the notices of this incident (the last notice each number was sent), newest first',
        security: [{ bearer: [] }, { session: [] }],
        params: z.object({ tenant: z.string(), id: z.string().max(100) }),
        response: { 200: smsRepliesSchema },
      },
    },
    async (request) => {
      const { tenant } = operatorOf(request);
      const incident = await deps.incidents.getIncident(tenant, request.params.id);
      return { items: await deps.replies.repliesTo(tenant.id, incident.id) };
    },
  );

  const preHandler = app.requireResident;
  const tags = ['resident'];
  const security = [{ session: [] }];
  const numbersOf = async (request: Parameters<typeof authOf>[0]) => {
    const me = residentIdentity(authOf(request), request.ip);
    const view = await deps.residents.contacts.me(me);
    return {
      tenantId: me.tenant.id,
      numbers: view.endpoints.filter((e) => e.type === 'mobile' || e.type === 'landline').map((e) => e.value),
    };
  };

  app.get(
    '/api/t/:tenant/me/sms-opt-outs',
    {
      schema: {
        tags,
        security,
        summary: 'My numbers that answered STOP: no notices go to them',
        params: z.object({ tenant: z.string() }),
        response: { 200: smsOptOutsSchema },
      },
      preHandler,
    },
    async (request) => {
      const { tenantId, numbers } = await numbersOf(request);
      return { items: await deps.replies.optedOut(tenantId, numbers) };
    },
  );

  app.delete(
    '/api/t/:tenant/me/sms-opt-outs/:number',
    {
      schema: {
        tags,
        security,
        summary: 'Take back a number that answered STOP: notices go to it again',
        params: z.object({ tenant: z.string(), number: z.string().max(20) }),
      },
      preHandler,
    },
    async (request, reply) => {
      const { tenantId, numbers } = await numbersOf(request);
      const number = request.params.number;
      if (!numbers.includes(number) || !(await deps.replies.undo(tenantId, number)))
        throw new NotFoundError('opted-out number');
      return reply.status(204).send();
    },
  );
});
