/**
 * Who is calling, in one plugin (`aviso-auth`): it decorates the app with the two guards of the tenant
 * routes — `requireOperator(role)` for the console and the API (a token, or a console session with its
 * CSRF header) and `requireResident` for the portal (a resident's session with its CSRF header) — and the
 * request with what they find (`request.operator`, `request.auth`). Route plugins declare it as a
 * dependency. The guards run before the body is validated (auth-first.ts).
 */
import type { preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { operatorGuard, type OperatorAuthDeps, type OperatorGuard } from './operator-guard.js';
import { requireSession } from './session-cookie.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** A guard admitting operators (and API tokens) with at least the given role. */
    requireOperator: OperatorGuard;
    /** A guard admitting the portal's logged-in residents. */
    requireResident: preHandlerAsyncHookHandler;
  }
}

export type AuthPluginDeps = OperatorAuthDeps;

export const authPlugin = fp<AuthPluginDeps>(
  async (app, deps) => {
    app.decorateRequest('operator', null);
    app.decorateRequest('auth', null);
    app.decorate('requireOperator', operatorGuard(deps));
    app.decorate('requireResident', requireSession(deps, 'resident'));
  },
  { name: 'aviso-auth', fastify: '5.x' },
);
