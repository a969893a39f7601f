/**
 * Authentication before validation: Fastify validates a body before the route's preHandlers run, so an
 * unauthenticated caller would learn a route's field rules (400 with details) instead of getting 401.
 * Guards marked here are moved from a route's preHandler to its onRequest (the URL's params are known
 * then; the body is not read yet), for every route declared after `installAuthFirst`.
 */
import type { FastifyInstance, onRequestAsyncHookHandler, preHandlerAsyncHookHandler } from 'fastify';

const GUARDS = new WeakSet<object>();

/** Marks `guard` to run before the body is read and validated. */
export function authGuard<T extends preHandlerAsyncHookHandler>(guard: T): T {
  GUARDS.add(guard);
  return guard;
}

export function installAuthFirst(app: Pick<FastifyInstance, 'addHook'>): void {
  app.addHook('onRoute', (route) => {
    const handlers =
      route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
    const guards = handlers.filter((h) => GUARDS.has(h));
    if (guards.length === 0) return;
    const onRequest =
      route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...onRequest, ...(guards as unknown as onRequestAsyncHookHandler[])];
    route.preHandler = handlers.filter((h) => !GUARDS.has(h));
  });
}
