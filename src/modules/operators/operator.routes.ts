/**
 * Operator accounts over HTTP: password (+ TOTP) login into a server-side session, the session itself,
 * password change, TOTP set-up; for admins the accounts, API tokens and the audit log.
 */
import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import { clearSessionCookie, setSessionCookie } from '../../http/session-cookie.js';
import type { SessionService } from '../auth/session.service.js';
import type { TenantService } from '../tenants/tenant.service.js';
import { operatorOf } from '../../http/operator-guard.js';
import { toOperatorView, type OperatorService } from './operator.service.js';
import {
  createdOperatorSchema,
  createdTokenSchema,
  newOperatorBody,
  newTokenBody,
  operatorLoginBody,
  operatorSchema,
  operatorSessionSchema as sessionSchema,
  passwordChangeBody,
  totpConfirmBody,
  totpSetupSchema,
} from '../../contracts/operators.contract.js';

const tenantParams = z.object({ tenant: z.string() });
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];

export interface OperatorRouteDeps {
  operators: OperatorService;
  tenants: Pick<TenantService, 'resolveTenant'>;
  sessions: Pick<SessionService, 'read' | 'revoke'>;
}

export const operatorRoutes = routePlugin('operators', (app, deps: OperatorRouteDeps) => {
  const { operators } = deps;
  const guard = app.requireOperator;
  const pending = { allowPending: true };

  app.post(
    '/api/t/:tenant/operators/login',
    {
      schema: {
        tags: ['operators'],
        summary:
          'Log in with email, password and (when set up) the TOTP code; starts a session (cookie) and returns its CSRF token',
        params: tenantParams,
        body: operatorLoginBody,
        response: { 200: sessionSchema },
      },
    },
    async (request, reply) => {
      const tenant = await deps.tenants.resolveTenant(request.params.tenant);
      const result = await operators.login(tenant, request.body, request.ip);
      setSessionCookie(request, reply, result.session.token);
      return {
        operator: result.operator,
        csrfToken: result.session.csrfToken,
        mustChangePassword: result.mustChangePassword === true,
        totpSetupRequired: result.totpSetupRequired === true,
      };
    },
  );

  app.get(
    '/api/t/:tenant/operators/me',
    {
      preHandler: guard('viewer', pending),
      schema: {
        tags: ['operators'],
        summary: 'The logged-in operator',
        security,
        params: tenantParams,
        response: { 200: sessionSchema },
      },
    },
    async (request) => {
      const caller = operatorOf(request);
      const row = await operators.requireOperator(caller.tenant, caller.actor.id);
      const session = caller.sessionToken ? await deps.sessions.read(caller.tenant.id, caller.sessionToken) : undefined;
      const data = (session?.data ?? {}) as { mustChangePassword?: boolean; totpSetupRequired?: boolean };
      return {
        operator: toOperatorView(row),
        csrfToken: caller.csrfToken ?? '',
        mustChangePassword: data.mustChangePassword === true,
        totpSetupRequired: data.totpSetupRequired === true,
      };
    },
  );

  app.post(
    '/api/t/:tenant/operators/logout',
    {
      preHandler: guard('viewer', pending),
      schema: { tags: ['operators'], summary: 'End the session', security, params: tenantParams },
    },
    async (request, reply) => {
      const caller = operatorOf(request);
      if (caller.sessionToken) await deps.sessions.revoke(caller.tenant.id, caller.sessionToken);
      clearSessionCookie(request, reply);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/t/:tenant/operators/me/password',
    {
      preHandler: guard('viewer', pending),
      schema: {
        tags: ['operators'],
        summary: 'Change the password (required after a one-time password); ends the other sessions',
        security,
        params: tenantParams,
        body: passwordChangeBody,
      },
    },
    async (request, reply) => {
      const caller = operatorOf(request);
      await operators.changePassword(
        caller.tenant,
        caller.actor.id,
        request.body.currentPassword,
        request.body.newPassword,
        caller.sessionToken,
      );
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/t/:tenant/operators/me/totp',
    {
      preHandler: guard('viewer', pending),
      schema: {
        tags: ['operators'],
        summary: 'Start setting up TOTP: the secret and the otpauth:// URI for an authenticator app',
        security,
        params: tenantParams,
        response: { 200: totpSetupSchema },
      },
    },
    async (request) => {
      const caller = operatorOf(request);
      return operators.beginTotp(caller.tenant, caller.actor.id);
    },
  );

  app.post(
    '/api/t/:tenant/operators/me/totp/confirm',
    {
      preHandler: guard('viewer', pending),
      schema: {
        tags: ['operators'],
        summary: 'Finish setting up TOTP with a code from the app',
        security,
        params: tenantParams,
        body: totpConfirmBody,
      },
    },
    async (request, reply) => {
      const caller = operatorOf(request);
      await operators.confirmTotp(caller.tenant, caller.actor.id, request.body.code, caller.sessionToken);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/t/:tenant/operators',
    {
      preHandler: guard('admin'),
      schema: {
        tags: ['operators'],
        summary: 'Operator accounts',
        security,
        params: tenantParams,
        response: { 200: z.object({ items: z.array(operatorSchema) }) },
      },
    },
    async (request) => ({ items: await operators.listOperators(operatorOf(request).tenant) }),
  );

  app.post(
    '/api/t/:tenant/operators',
    {
      preHandler: guard('admin'),
      schema: {
        tags: ['operators'],
        summary: 'Add an operator; without a password a one-time password is returned (to be changed at first login)',
        security,
        params: tenantParams,
        body: newOperatorBody,
        response: { 201: createdOperatorSchema },
      },
    },
    async (request, reply) => {
      const caller = operatorOf(request);
      const created = await operators.createOperator(caller.tenant, request.body, caller.actor.id);
      return reply.status(201).send(created);
    },
  );

  app.post(
    '/api/t/:tenant/tokens',
    {
      preHandler: guard('admin'),
      schema: {
        tags: ['operators'],
        summary: 'Create an API token (shown once) for an integration',
        security,
        params: tenantParams,
        body: newTokenBody,
        response: { 201: createdTokenSchema },
      },
    },
    async (request, reply) => {
      const caller = operatorOf(request);
      return reply.status(201).send(await operators.createToken(caller.tenant, request.body, caller.actor.id));
    },
  );

  app.delete(
    '/api/t/:tenant/tokens/:id',
    {
      preHandler: guard('admin'),
      schema: {
        tags: ['operators'],
        summary: 'Revoke an API token',
        security,
        params: z.object({ tenant: z.string(), id: z.string().max(100) }),
      },
    },
    async (request, reply) => {
      const caller = operatorOf(request);
      await operators.revokeToken(caller.tenant, request.params.id, caller.actor.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/t/:tenant/audit',
    {
      preHandler: guard('admin'),
      schema: {
        tags: ['operators'],
        summary: 'The audit log, newest first (who did what; never numbers or emails)',
        security,
        params: tenantParams,
        querystring: z.object({
          before: z.coerce.number().int().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      },
    },
    async (request) => {
      const { tenant } = operatorOf(request);
      return {
        items: await operators.auditLog(tenant, {
          limit: request.query.limit,
          ...(request.query.before ? { before: request.query.before } : {}),
        }),
      };
    },
  );
});
