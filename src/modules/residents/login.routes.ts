/** Resident login over HTTP: the CAPTCHA challenge, asking for a PIN, logging in with it, logging out. */
import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import { authOf, clearSessionCookie, setSessionCookie } from '../../http/session-cookie.js';
import type { Residents } from './residents.module.js';
import type { TenantService } from '../tenants/tenant.service.js';
import type { Auth } from '../auth/auth.module.js';
import {
  loginAnswerSchema,
  loginBody,
  phoneBody,
  phoneUnderstoodSchema,
  pinAnswerSchema,
  pinRequestBody,
} from '../../contracts/login.contract.js';

export interface AuthRouteDeps {
  tenants: TenantService;
  auth: Pick<Auth, 'captcha' | 'sessions' | 'pins'>;
  residents: Pick<Residents, 'login'>;
}

const params = z.object({ tenant: z.string().max(63) });

export const loginRoutes = routePlugin('login', (app, deps: AuthRouteDeps) => {
  const guard = app.requireResident;

  app.get(
    '/api/t/:tenant/captcha',
    {
      schema: {
        tags: ['login'],
        summary:
          'An ALTCHA proof-of-work challenge for the PIN request (or `{ enabled: false }` when the CAPTCHA is off)',
        params,
      },
    },
    async (request, reply) => {
      const tenant = await deps.tenants.resolveTenant(request.params.tenant);
      reply.header('cache-control', 'no-store');
      if (!deps.auth.captcha.enabled) return { enabled: false };
      return deps.auth.captcha.challenge({
        tenantId: tenant.id,
        pinRateShare: () => deps.auth.pins.hourlyShare(tenant),
      });
    },
  );

  app.post(
    '/api/t/:tenant/login/phone',
    {
      schema: {
        tags: ['login'],
        summary:
          "How a phone number reads here before a PIN goes to it: in the tenant's country, E.164, mobile (SMS) or landline (voice call); sends nothing",
        params,
        body: phoneBody,
        response: { 200: phoneUnderstoodSchema },
      },
    },
    async (request) => {
      const tenant = await deps.tenants.resolveTenant(request.params.tenant);
      return deps.residents.login.describePhone(tenant, request.body.phone);
    },
  );

  app.post(
    '/api/t/:tenant/login/pin',
    {
      schema: {
        tags: ['login'],
        summary:
          'Send a one-time PIN to a phone (SMS; voice call for a landline) or an email — 202 whether or not it is known',
        params,
        body: pinRequestBody,
        response: { 202: pinAnswerSchema },
      },
    },
    async (request, reply) => {
      const tenant = await deps.tenants.resolveTenant(request.params.tenant);
      const answer = await deps.residents.login.requestPin(tenant, request.body, request.ip);
      return reply.status(202).send(answer);
    },
  );

  app.post(
    '/api/t/:tenant/login',
    {
      schema: {
        tags: ['login'],
        summary: 'Log in with the PIN: starts a session (httpOnly cookie) and returns its CSRF token',
        params,
        body: loginBody,
        response: { 200: loginAnswerSchema },
      },
    },
    async (request, reply) => {
      const tenant = await deps.tenants.resolveTenant(request.params.tenant);
      const session = await deps.residents.login.login(tenant, request.body, request.ip);
      setSessionCookie(request, reply, session.token);
      return {
        csrfToken: session.csrfToken,
        expiresAt: new Date(session.expiresAt).toISOString(),
        known: session.known,
        registered: session.registered,
      };
    },
  );

  app.post(
    '/api/t/:tenant/logout',
    { schema: { tags: ['login'], summary: 'End the session', params, security: [{ session: [] }] }, preHandler: guard },
    async (request, reply) => {
      const { tenant, token } = authOf(request);
      await deps.auth.sessions.revoke(tenant.id, token);
      clearSessionCookie(request, reply);
      return reply.status(204).send();
    },
  );
});
