/**
 * The security headers of every response (CSP, frame, referrer, nosniff, …), as helmet writes them —
 * computed once. Our policy is static (no nonces, no per-request directives), so helmet's answer is the
 * same for every request; @fastify/helmet instead rebuilt helmet from the options on each request
 * (parsing the CSP directives anew), about 5 % of a resident login's CPU.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import type { FastifyInstance } from 'fastify';

/** The headers helmet sets for these options, as [name, value] pairs (helmet's header removals included as null). */
export function securityHeaders(options: Readonly<HelmetOptions>): ReadonlyArray<readonly [string, string | null]> {
  const headers = new Map<string, string | null>();
  const recorder = {
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), value),
    removeHeader: (name: string) => headers.set(name.toLowerCase(), null),
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return [...headers];
}

/** Sets helmet's headers (computed once from `options`) on every response, before any route runs. */
export function installSecurityHeaders(app: Pick<FastifyInstance, 'addHook'>, options: Readonly<HelmetOptions>): void {
  const headers = securityHeaders(options);
  app.addHook('onRequest', (_request, reply, done) => {
    // On the raw response, as helmet does: kept on every answer, the error handler's included.
    for (const [name, value] of headers) {
      if (value === null) reply.raw.removeHeader(name);
      else reply.raw.setHeader(name, value);
    }
    done();
  });
}
