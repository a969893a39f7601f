/**
 * buildApp(context) → a Fastify instance with every route, the error handler and the security headers.
 * It never listens: the CLI's `serve` does, and tests use `app.inject()`.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { TrustProxy } from './config.js';
import type { Context } from './context.js';
import { registerAuthFirst } from './http/auth-first.js';
import { basemapUrl, registerBasemapRoutes } from './http/basemap.routes.js';
import { clientErrorHandler, frameworkErrors, registerErrorHandler } from './http/error-handler.js';
import { registerNulByteGuard } from './http/nul-bytes.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { registerWebRoutes } from './http/web.routes.js';
import { registerInboxRoutes } from './channels/inbox.routes.js';
import { registerWebhookRoutes } from './channels/webhook.routes.js';
import { registerOpsRoutes } from './modules/ops/ops.routes.js';
import { registerAddressRoutes } from './modules/addresses/address.routes.js';
import { registerDispatchApi } from './modules/dispatch/dispatch.api.js';
import { registerRegisterApi } from './modules/register/register.routes.js';
import { registerAuthRoutes } from './modules/auth/auth.routes.js';
import { registerResidentAdminApi } from './modules/residents/resident-admin.routes.js';
import { registerResidentRoutes } from './modules/residents/resident.routes.js';
import { completeOpenApi } from './http/openapi-document.js';
import { registerUnsubscribeRoutes } from './modules/residents/unsubscribe.routes.js';
import { registerTenantSettingsApi } from './modules/tenants/tenant-settings.routes.js';
import { registerTenantRoutes } from './modules/tenants/tenant.routes.js';

export type AppInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

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

  registerAuthFirst(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerNulByteGuard(app);

  registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
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
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'aviso_session' } },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => completeOpenApi('openapiObject' in document ? document.openapiObject : document.swaggerObject, { publicUrl: context.config.publicUrl }),
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerOpsRoutes(app, context);
  registerTenantRoutes(app, { tenants: context.tenants, basemapUrl: (slug) => basemapUrl(context.config.basemap, slug) });
  registerBasemapRoutes(app, { setting: context.config.basemap, tenants: context.tenants });
  registerAddressRoutes(app, context);
  registerAuthRoutes(app, context);
  registerResidentRoutes(app, context);
  registerUnsubscribeRoutes(app, { tenants: context.tenants, unsubscribe: context.residents.unsubscribe, secret: context.config.secret });
  registerDispatchApi(app, context);
  registerRegisterApi(app, context, options.uploadIdleMs === undefined ? {} : { uploadIdleMs: options.uploadIdleMs });
  registerResidentAdminApi(app, context);
  registerTenantSettingsApi(app, context);
  if (context.inboxEnabled) registerInboxRoutes(app, context);
  registerWebhookRoutes(app, { channels: context.channels, publicUrl: context.config.publicUrl, acceptReceipts: (receipts) => context.dispatch.runtime.acceptReceipts(receipts), acceptInbound: (sms) => context.dispatch.runtime.acceptInbound(sms) });
  await registerWebRoutes(app, context);
  return app;
}
