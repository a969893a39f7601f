/**
 * /healthz (the process answers, and its database), /readyz (ready for traffic, with reasons) and, when
 * AVISO_METRICS is a token, /metrics on this port to that bearer token. The hooks that count requests
 * by route and PIN requests and logins by outcome live here too: the routes themselves know nothing of metrics.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MetricsSetting } from '../../config.js';
import type { AppInstance } from '../../http/app-instance.js';
import { routePlugin } from '../../http/route-plugin.js';
import type { Metrics } from './metrics.js';
import type { ReadinessService } from './readiness.service.js';

const PIN_REQUEST = '/api/t/:tenant/login/pin';
const PIN_LOGIN = '/api/t/:tenant/login';

/** The problem+json `code` of a refused request (a bounded label), else its status. */
function outcomeOf(reply: FastifyReply, payload: unknown): string {
  if (reply.statusCode < 300) return reply.statusCode === 202 ? 'sent' : 'ok';
  try {
    const code = (JSON.parse(String(payload)) as { code?: unknown }).code;
    if (typeof code === 'string' && /^[a-z0-9-]{1,40}$/.test(code)) return code;
  } catch {
    // not JSON: the status says enough
  }
  return String(reply.statusCode);
}

function countRequests(app: AppInstance, metrics: Metrics): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'POST') return payload;
    const route = request.routeOptions.url;
    if (route === PIN_REQUEST) metrics.countPinRequest(outcomeOf(reply, payload));
    if (route === PIN_LOGIN) metrics.countPinLogin(outcomeOf(reply, payload));
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
}

const sameToken = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

export interface OpsRouteDeps {
  readiness: ReadinessService;
  metrics: Metrics;
  /** AVISO_METRICS as read. */
  setting: MetricsSetting;
  /** The database engine's name, for /healthz. */
  database: string;
}

export const opsRoutes = routePlugin(
  'ops',
  (app, deps: OpsRouteDeps) => {
    app.get('/healthz', { schema: { hide: true } }, async () => {
      await deps.readiness.alive();
      return { status: 'ok', database: deps.database };
    });

    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      const { ready, checks } = await deps.readiness.check();
      reply.header('cache-control', 'no-store');
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
    });

    const setting = deps.setting;
    if (setting.mode === 'off') return;
    countRequests(app, deps.metrics);
    if (setting.mode !== 'token') return;
    app.get('/metrics', { schema: { hide: true } }, async (request: FastifyRequest, reply: FastifyReply) => {
      const auth = request.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || !sameToken(auth.slice(7), setting.token)) {
        return reply
          .status(401)
          .header('www-authenticate', 'Bearer')
          .type('text/plain')
          .send('metrics need the AVISO_METRICS token\n');
      }
      return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    });
  },
  { dependencies: [] },
);

/** AVISO_METRICS=HOST:PORT: a listener of its own that serves GET /metrics and nothing else. */
export async function listenForMetrics(metrics: Metrics, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only /metrics here\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) =>
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()));
  return server;
}
