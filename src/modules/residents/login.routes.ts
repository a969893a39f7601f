/** Resident login over HTTP: the CAPTCHA challenge, asking for a PIN, logging in with it, logging out. */
import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import { authOf, clearSessionCookie, setSessionCookie } from '../../http/session-cookie.js';
import type { Residents } from './residents.module.js';
import type { TenantService } from '../tenants/tenant.service.js';
import { LANGUAGES } from '../tenants/tenant.types.js';
import type { Auth } from '../auth/auth.module.js';

export interface AuthRouteDeps {
  tenants: TenantService;
  auth: Pick<Auth, 'captcha' | 'sessions' | 'pins'>;
  residents: Pick<Residents, 'login'>;
}

const params = z.object({ tenant: z.string().max(63) });
const phone = z.string().max(40).optional().describe('national (0401234567, 070-123 45 67) or E.164 (+358401234567)');
const email = z.string().max(254).optional();

export const loginRoutes = routePlugin('login', (app, deps: AuthRouteDeps) => {
  const guard = app.requireResident;

  app.get(
    '/api/t/:tenant/captcha',
    {
      schema: {
        tags: ['login'],
        summary: 'An ALTCHA proof-of-work challenge for the PIN request (or `{ enabled: false }` when the CAPTCHA is off)',
        params,
      },
    },
    async (request, reply) => {
      const tenant = await deps.tenants.resolveTenant(request.params.tenant);
      reply.header('cache-control', 'no-store');
      if (!deps.auth.captcha.enabled) return { enabled: false };
      return deps.auth.captcha.challenge({ tenantId: tenant.id, pinRateShare: () => deps.auth.pins.hourlyShare(tenant) });
    },
  );

  app.post(
    '/api/t/:tenant/login/phone',
    {
      schema: {
        tags: ['login'],
        summary: 'How a phone number reads here before a PIN goes to it: in the tenant\'s country, E.164, mobile (SMS) or landline (voice call); sends nothing',
        params,
        body: z.object({ phone: z.string().max(40).describe('as typed: national (040 123 4567) or international (+46 70 123 45 67)') }),
        response: {
          200: z.object({
            number: z.string().describe('E.164'),
            formatted: z.string().describe('international format, for showing'),
            country: z.string().describe('ISO 3166 alpha-2 (AX for Åland)'),
            type: z.enum(['mobile', 'landline']),
            channel: z.enum(['sms', 'voice']),
          }),
        },
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
        summary: 'Send a one-time PIN to a phone (SMS; voice call for a landline) or an email — 202 whether or not it is known',
        params,
        body: z.object({ phone, email, captcha: z.string().max(4000).optional(), language: z.enum(LANGUAGES).optional() }),
        response: {
          202: z.object({
            channel: z.enum(['sms', 'voice', 'email']),
            pinLength: z.number(),
            expiresInSeconds: z.number(),
            resendAfterSeconds: z.number(),
          }),
        },
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
        body: z.object({ phone, email, pin: z.string().regex(/^\d{4,8}$/, '4 to 8 digits') }),
        response: { 200: z.object({ csrfToken: z.string(), expiresAt: z.string(), known: z.boolean(), registered: z.boolean() }) },
      },
    },
    async (request, reply) => {
      const tenant = await deps.tenants.resolveTenant(request.params.tenant);
      const session = await deps.residents.login.login(tenant, request.body, request.ip);
      setSessionCookie(request, reply, session.token);
      return { csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString(), known: session.known, registered: session.registered };
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
