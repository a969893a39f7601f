/**
 * "Notify this browser" over HTTP: the VAPID public key browsers subscribe with (public), and a logged-in
 * resident's browser subscriptions (`/api/t/{tenant}/me/push-subscriptions`, changes with the CSRF header).
 */
import type { FastifyRequest } from 'fastify';
import { routePlugin } from '../../http/route-plugin.js';
import { authOf } from '../../http/session-cookie.js';
import type { TenantService } from '../tenants/tenant.service.js';
import { residentIdentity } from './resident.identity.js';
import type { PushSubscriptionService } from './push-subscription.service.js';
import {
  itemParams,
  pushKeyView,
  pushSubscriptionBody,
  pushSubscriptionsView,
  pushSubscriptionView,
  tenantParams,
} from './resident.schemas.js';

export interface PushSubscriptionRouteDeps {
  tenants: TenantService;
  push: PushSubscriptionService;
}

const security = [{ session: [] }];
const me = (request: FastifyRequest) => residentIdentity(authOf(request), request.ip);

export const pushSubscriptionRoutes = routePlugin('push-subscriptions', (app, deps: PushSubscriptionRouteDeps) => {
  const preHandler = app.requireResident;
  const tags = ['resident'];

  app.get(
    '/api/t/:tenant/push/public-key',
    {
      schema: {
        tags,
        summary:
          "The VAPID public key a browser subscribes to this server's notifications with (null where they are not offered)",
        params: tenantParams,
        response: { 200: pushKeyView },
      },
    },
    async (request) => {
      await deps.tenants.resolveTenant(request.params.tenant);
      return { publicKey: await deps.push.publicKey() };
    },
  );

  app.get(
    '/api/t/:tenant/me/push-subscriptions',
    {
      schema: {
        tags,
        security,
        summary: 'The browsers that get my notices',
        params: tenantParams,
        response: { 200: pushSubscriptionsView },
      },
      preHandler,
    },
    async (request) => ({ items: await deps.push.list(me(request)) }),
  );

  app.post(
    '/api/t/:tenant/me/push-subscriptions',
    {
      schema: {
        tags,
        security,
        summary: 'Notify this browser: its PushSubscription (201; 200 when it is kept already)',
        params: tenantParams,
        body: pushSubscriptionBody,
        response: { 200: pushSubscriptionView, 201: pushSubscriptionView },
      },
      preHandler,
    },
    async (request, reply) => {
      const { created, view } = await deps.push.add(me(request), request.body);
      return reply.status(created ? 201 : 200).send(view);
    },
  );

  app.delete(
    '/api/t/:tenant/me/push-subscriptions/:id',
    {
      schema: { tags, security, summary: 'Stop notifying a browser', params: itemParams },
      preHandler,
    },
    async (request, reply) => {
      await deps.push.remove(me(request), request.params.id);
      return reply.status(204).send();
    },
  );
});
