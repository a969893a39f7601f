/**
 * The session cookie and the guard of every logged-in route: `aviso_session`, httpOnly, SameSite=Lax,
 * Secure over TLS (directly or behind a proxy that says so), path `/`, no max-age (the server keeps the
 * idle expiry). A state-changing request (POST/PUT/PATCH/DELETE) authenticated by the cookie must carry
 * `x-csrf-token` equal to its session's CSRF token.
 */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { authGuard } from './auth-first.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { safeEqual } from '../lib/crypto.js';
import type { Session, SessionService, SubjectType } from '../modules/auth/session.service.js';
import type { TenantService } from '../modules/tenants/tenant.service.js';
import type { Tenant } from '../modules/tenants/tenant.types.js';

export const SESSION_COOKIE = 'aviso_session';
export const CSRF_HEADER = 'x-csrf-token';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What a guarded route knows about its caller. */
export interface RequestAuth {
  tenant: Tenant;
  session: Session;
  /** The raw token from the cookie (to revoke or re-point this session). */
  token: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
  });
}

export function sessionTokenOf(request: FastifyRequest): string | undefined {
  const token = request.cookies[SESSION_COOKIE];
  return token && token.length <= 100 ? token : undefined;
}

/** A state-changing request authenticated by a session cookie must carry its session's CSRF token. */
export function requireCsrf(request: FastifyRequest, csrfToken: string): void {
  if (!STATE_CHANGING.has(request.method)) return;
  const given = request.headers[CSRF_HEADER];
  if (typeof given !== 'string' || !safeEqual(given, csrfToken))
    throw new ForbiddenError('csrf', { header: CSRF_HEADER });
}

/** The caller of a guarded route; throws when the route forgot its guard. */
export function authOf(request: FastifyRequest): RequestAuth {
  if (!request.auth) throw new UnauthorizedError();
  return request.auth;
}

export interface SessionGuardDeps {
  tenants: Pick<TenantService, 'resolveTenant'>;
  sessions: Pick<SessionService, 'read'>;
}

/**
 * A guard for routes under `/api/t/:tenant/…` (run before the body is validated: see auth-first.ts): resolves the tenant from the URL, reads the cookie's
 * session *in that tenant* (a session of another tenant is not found: 401, never its data), checks the
 * subject type and, on state-changing methods, the CSRF header; puts `{ tenant, session, token }` on
 * `request.auth`.
 */
export function requireSession(deps: SessionGuardDeps, subjectType: SubjectType): preHandlerAsyncHookHandler {
  return authGuard(async (request) => {
    const slug = (request.params as { tenant?: unknown }).tenant;
    if (typeof slug !== 'string') throw new UnauthorizedError();
    const tenant = await deps.tenants.resolveTenant(slug);
    const token = sessionTokenOf(request);
    if (!token) throw new UnauthorizedError();
    const session = await deps.sessions.read(tenant.id, token);
    if (!session || session.subject.type !== subjectType) throw new UnauthorizedError('session-ended');
    requireCsrf(request, session.csrfToken);
    request.auth = { tenant, session, token };
  });
}
