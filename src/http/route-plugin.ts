/**
 * A module's routes as one Fastify plugin: named `aviso-<name>`, registered by app.ts with only the
 * services the routes use, and declaring the plugins it needs (the auth plugin's guards by default), so a
 * missing one fails at start-up with Fastify's own message rather than at the first request.
 */
import type { FastifyPluginOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppInstance } from './app-instance.js';

export interface RoutePluginOptions {
  /** Plugins registered before this one; `aviso-auth` unless given. */
  dependencies?: string[];
}

export function routePlugin<Deps extends FastifyPluginOptions>(
  name: string,
  routes: (app: AppInstance, deps: Deps) => void | Promise<void>,
  options: RoutePluginOptions = {},
) {
  return fp<Deps>(async (app, deps) => routes(app.withTypeProvider<ZodTypeProvider>(), deps), {
    name: `aviso-${name}`,
    fastify: '5.x',
    dependencies: options.dependencies ?? ['aviso-auth'],
  });
}
