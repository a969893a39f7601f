/**
 * The guard of every operator route under `/api/t/:tenant/…`: an API token (`Authorization: Bearer …`)
 * or an operator session cookie (with the CSRF header on state-changing requests), both valid only in
 * the tenant of the URL, and a role check (viewer < operator < admin). A session that still has to change
 * its one-time password or set up TOTP may only do that. Puts the caller on `request.operator`.
 */
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { authGuard } from './auth-first.js';
import { AppError, ForbiddenError, UnauthorizedError } from '../errors.js';
import { requireCsrf, sessionTokenOf } from './session-cookie.js';
import type { SessionService } from '../modules/auth/session.service.js';
import type { Actor } from '../kernel/actor.js';
import type { TenantService } from '../modules/tenants/tenant.service.js';
import type { Tenant } from '../modules/tenants/tenant.types.js';
import type { OperatorService, OperatorSessionData, Role } from '../modules/operators/operator.service.js';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export interface OperatorCaller {
  tenant: Tenant;
  actor: Actor;
  role: Role;
  /** The session cookie's token when the caller came with a session (not a token). */
  sessionToken?: string;
  csrfToken?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    operator: OperatorCaller | null;
  }
}

export interface OperatorAuthDeps {
  tenants: Pick<TenantService, 'resolveTenant'>;
  sessions: Pick<SessionService, 'read'>;
  operators: Pick<OperatorService, 'authenticateToken' | 'requireOperator'>;
}

export interface GuardOptions {
  /** Allowed while the session must still change its password or set up TOTP. */
  allowPending?: boolean;
}

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S{10,200})$/i.exec(header);
  return match?.[1];
}

/** The caller of a guarded route; throws when the route forgot its guard. */
export function operatorOf(request: FastifyRequest): OperatorCaller {
  if (!request.operator) throw new UnauthorizedError();
  return request.operator;
}

export function operatorGuard(deps: OperatorAuthDeps) {
  async function fromToken(tenant: Tenant, bearer: string): Promise<OperatorCaller> {
    const token = await deps.operators.authenticateToken(tenant, bearer);
    if (!token) throw new UnauthorizedError('token-unknown');
    return { tenant, actor: { type: 'token', id: token.id }, role: token.role };
  }

  async function fromSession(request: FastifyRequest, tenant: Tenant, options: GuardOptions): Promise<OperatorCaller> {
    const token = sessionTokenOf(request);
    const session = token ? await deps.sessions.read(tenant.id, token) : undefined;
    if (!token || !session || session.subject.type !== 'operator') throw new UnauthorizedError('session-ended');
    requireCsrf(request, session.csrfToken);
    const operator = await deps.operators.requireOperator(tenant, session.subject.id).catch(() => {
      throw new UnauthorizedError('account-gone');
    });
    const pending = session.data as OperatorSessionData;
    if (!options.allowPending && pending.mustChangePassword) throw new AppError('password-change-required', 403);
    if (!options.allowPending && pending.totpSetupRequired) throw new AppError('totp-setup-required', 403);
    return {
      tenant,
      actor: { type: 'operator', id: operator.id },
      role: operator.role,
      sessionToken: token,
      csrfToken: session.csrfToken,
    };
  }

  /** A guard admitting callers with at least `role` (run before the body is validated: see auth-first.ts). */
  return (role: Role, options: GuardOptions = {}): preHandlerAsyncHookHandler =>
    authGuard(async (request) => {
      const slug = (request.params as { tenant?: unknown }).tenant;
      if (typeof slug !== 'string') throw new UnauthorizedError();
      const tenant = await deps.tenants.resolveTenant(slug);
      const bearer = bearerOf(request);
      const caller = bearer ? await fromToken(tenant, bearer) : await fromSession(request, tenant, options);
      if (RANK[caller.role] < RANK[role]) throw new ForbiddenError('role-needed', { role });
      request.operator = caller;
    });
}

export type OperatorGuard = ReturnType<typeof operatorGuard>;
