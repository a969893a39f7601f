/**
 * buildApp(context) → a Fastify instance with every route, the error handler and the security headers.
 * It never listens: the CLI's `serve` does, and tests use `app.inject()`.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { TrustProxy } from './config.js';
import type { Context } from './context.js';
import type { AppInstance } from './http/app-instance.js';
import { installAuthFirst } from './http/auth-first.js';
import { authPlugin } from './http/auth.plugin.js';
import { basemapRoutes, basemapUrl } from './http/basemap.routes.js';
import { clientErrorHandler, frameworkErrors, installErrorHandler } from './http/error-handler.js';
import { installNulByteGuard } from './http/nul-bytes.js';
import { completeOpenApi } from './http/openapi-document.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { installWebRoutes } from './http/web.routes.js';
import { inboxRoutes } from './channels/inbox.routes.js';
import { webhookRoutes } from './channels/webhook.routes.js';
import { spokenAudioRoutes } from './channels/voice/spoken-audio.routes.js';
import { renderSpeech } from './channels/voice/speech.js';
import { addressRoutes } from './modules/addresses/address.routes.js';
import { loginRoutes } from './modules/residents/login.routes.js';
import { pinBudgetRoutes } from './modules/auth/pin-budget.routes.js';
import { messageRoutes } from './modules/dispatch/dispatch.routes.js';
import { feedRoutes } from './modules/feeds/feed.routes.js';
import { incidentRoutes } from './modules/incidents/incident.routes.js';
import { mapRoutes } from './modules/maps/map.routes.js';
import { networkRoutes } from './modules/network/network.routes.js';
import { operatorRoutes } from './modules/operators/operator.routes.js';
import { opsRoutes } from './modules/ops/ops.routes.js';
import { registerImportRoutes } from './modules/register/register.routes.js';
import { replyRoutes } from './modules/replies/replies.routes.js';
import { residentAdminRoutes } from './modules/residents/resident-admin.routes.js';
import { pushSubscriptionRoutes } from './modules/residents/push-subscription.routes.js';
import { residentRoutes } from './modules/residents/resident.routes.js';
import { unsubscribeRoutes } from './modules/residents/unsubscribe.routes.js';
import { tenantSettingsRoutes } from './modules/tenants/tenant-settings.routes.js';
import { tenantRoutes } from './modules/tenants/tenant.routes.js';

export type { AppInstance };

/**
 * AVISO_TRUST_PROXY as Fastify takes it: a hop count as proxy-addr counts hops (the N nearest are
 * trusted), addresses and CIDRs as a list. The client address is the right-most untrusted hop.
 */
function trustProxyOption(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false) return false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return [...trust];
}

export interface BuildAppOptions {
  logger: Logger | false;
  /** How long an upload may stop arriving before it is dropped (default a minute; tests: shorter). */
  uploadIdleMs?: number;
}

export async function buildApp(context: Context, options: BuildAppOptions): Promise<AppInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    },
    trustProxy: trustProxyOption(context.config.trustProxy),
    bodyLimit: 5 * 1024 * 1024,
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  installAuthFirst(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  installNulByteGuard(app);

  installSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // The pages add their tenants' tile and logo origins (web.routes.ts).
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // HSTS only over TLS (directly or behind a proxy that says so): sent over plain HTTP it would be wrong.
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
    frameguard: { action: 'deny' },
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });

  await app.register(cookie, { secret: context.config.secret });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Aviso API', version: '1', description: 'Disruption notices to residents, by address.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'aviso_session' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (document) =>
      completeOpenApi('openapiObject' in document ? document.openapiObject : document.swaggerObject, {
        publicUrl: context.config.publicUrl,
      }),
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const { tenants, dispatch, residents } = context;
  await app.register(authPlugin, { tenants, sessions: context.sessions, operators: context.operators });
  await app.register(opsRoutes, {
    readiness: context.readiness,
    metrics: context.metrics,
    setting: context.config.metrics,
    database: context.db.engine.name,
  });
  await app.register(tenantRoutes, { tenants, basemapUrl: (slug: string) => basemapUrl(context.config.basemap, slug) });
  await app.register(basemapRoutes, { setting: context.config.basemap, tenants });
  await app.register(addressRoutes, { tenants, addresses: context.addressSearch });
  await app.register(loginRoutes, { tenants, auth: context.auth, residents });
  await app.register(residentRoutes, { residents });
  await app.register(pushSubscriptionRoutes, { tenants, push: residents.push });
  await app.register(unsubscribeRoutes, { tenants, unsubscribe: residents.unsubscribe, secret: context.config.secret });
  await app.register(operatorRoutes, { operators: context.operators, tenants, sessions: context.sessions });
  await app.register(incidentRoutes, { incidents: dispatch.incidents });
  await app.register(messageRoutes, {
    incidents: dispatch.incidents,
    preview: dispatch.preview,
    messages: dispatch.messages,
  });
  await app.register(replyRoutes, { replies: dispatch.replies, incidents: dispatch.incidents, residents });
  await app.register(mapRoutes, { maps: dispatch.maps, tenants });
  await app.register(networkRoutes, { networks: context.networks });
  await app.register(feedRoutes, {
    tenants,
    feeds: context.feeds,
    publicUrl: context.config.publicUrl,
    now: () => context.clock.now(),
  });
  await app.register(registerImportRoutes, {
    register: context.register,
    ...(options.uploadIdleMs === undefined ? {} : { uploadIdleMs: options.uploadIdleMs }),
  });
  await app.register(residentAdminRoutes, { residents: residents.admin });
  await app.register(tenantSettingsRoutes, { settings: context.tenantSettings });
  await app.register(pinBudgetRoutes, { pins: context.auth.pins });
  if (context.inboxEnabled) await app.register(inboxRoutes, { inbox: context.inbox });
  await app.register(spokenAudioRoutes, { secret: context.config.secret, render: renderSpeech });
  await app.register(webhookRoutes, {
    channels: context.channels,
    publicUrl: context.config.publicUrl,
    acceptReceipts: (receipts) => dispatch.runtime.acceptReceipts(receipts),
    acceptInbound: (sms) => dispatch.runtime.acceptInbound(sms),
  });
  // The workers and the import runner this process started end with the app.
  app.addHook('onClose', async () => {
    await context.register.stop();
    await dispatch.runtime.stop();
  });
  await installWebRoutes(app, context);
  return app;
}
