/**
 * The web pages (built by Vite into web/dist): resident portal, public map and its embed, operator
 * console, dev inbox. They carry the same strict security headers as the API (helmet in app.ts); a
 * tenant's pages load images (map tiles, logo) only from this server and the tenant's own tile and logo
 * origins, the console from those of every tenant; only the embed page may be framed, and only by the tenant's own origins (`settings.embedOrigins`).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppInstance } from './app-instance.js';
import { NotFoundError } from '../errors.js';
import { packageRoot } from '../lib/package-root.js';
import { listedTenants } from '../modules/tenants/tenant.routes.js';
import type { TenantService } from '../modules/tenants/tenant.service.js';

type Page = 'portal' | 'admin' | 'map' | 'inbox' | 'landing';

export interface WebRoutesDeps {
  tenants: TenantService;
  inboxEnabled: boolean;
}

/** web/dist of the package this file belongs to (from src/http or from the compiled dist/src/http). */
export function defaultWebDist(): string {
  return join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'web', 'dist');
}

/** Only well-formed http(s) origins reach the header; anything else in the settings is dropped. */
export function frameAncestors(origins: readonly string[]): string {
  const valid = origins.filter((origin) => {
    try {
      const url = new URL(origin);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === origin.replace(/\/$/, '');
    } catch {
      return false;
    }
  });
  return ["'self'", ...valid.map((o) => o.replace(/\/$/, ''))].join(' ');
}

/**
 * The CSP source of an https URL (a tile template's `{s}` subdomain as `*`), or null for a path on this
 * server or anything that is not a plain https origin.
 */
export function imageSource(url: string | null): string | null {
  const host = url ? /^https:\/\/([^/?#]+)/.exec(url)?.[1] : undefined;
  if (!host) return null;
  const source = host.replace(/^\{s\}\./, '*.');
  return /^(\*\.)?[a-z0-9.-]+(:\d+)?$/i.test(source) ? `https://${source}` : null;
}

/**
 * The console lists at most this many image origins (a header stays well under proxies' limits); an
 * installation whose tenants use more allows any https image there.
 */
export const MAX_CONSOLE_IMAGE_SOURCES = 50;

/** A page loads images from this server and from these tile and logo origins only (`https:`: any https image). */
function allowImages(reply: FastifyReply, urls: ReadonlyArray<string | null>, limit = Infinity): void {
  const csp = String(reply.getHeader('content-security-policy') ?? '');
  const found = [...new Set(urls.map(imageSource).filter((s) => s !== null))];
  const sources = found.length > limit ? ['https:'] : found;
  reply.header(
    'content-security-policy',
    csp.replace(/img-src [^;]*/, ["img-src 'self' data: blob:", ...sources].join(' ')),
  );
}

/** Lets the tenant's origins frame this answer: CSP frame-ancestors instead of 'none', no X-Frame-Options. */
function allowFraming(reply: FastifyReply, origins: readonly string[]): void {
  const csp = String(reply.getHeader('content-security-policy') ?? '');
  reply.header(
    'content-security-policy',
    csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${frameAncestors(origins)}`),
  );
  reply.removeHeader('x-frame-options');
}

export async function installWebRoutes(
  app: AppInstance,
  deps: WebRoutesDeps,
  distDir = defaultWebDist(),
): Promise<void> {
  const assets = join(distDir, 'assets');
  if (existsSync(assets)) {
    // File names carry a content hash, so browsers may keep them for good.
    await app.register(fastifyStatic, {
      root: assets,
      prefix: '/assets/',
      decorateReply: false,
      immutable: true,
      maxAge: '365d',
      index: false,
    });
  } else {
    app.log.warn({ distDir }, 'web pages not built: run `npm run build`');
  }

  async function sendPage(reply: FastifyReply, page: Page, status = 200) {
    let html: string;
    try {
      html = await readFile(join(distDir, `${page}.html`), 'utf8');
    } catch {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web pages are not built: run `npm run build`.');
    }
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  }

  const tenantParams = { schema: { hide: true, params: z.object({ tenant: z.string().max(100) }) } };

  /** The page for a tenant; 404 (still the page, which explains) when there is no such tenant. */
  async function tenantPage(slug: string, reply: FastifyReply, page: Page, embed = false) {
    const tenant = await deps.tenants.resolveTenant(slug).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
    if (tenant) allowImages(reply, [tenant.settings.tileUrl, tenant.settings.logoUrl]);
    if (tenant && embed) allowFraming(reply, tenant.settings.embedOrigins);
    return sendPage(reply, page, tenant ? 200 : 404);
  }

  // The service worker of browser notifications (web/public): at the root, so that its scope covers the portal
  // and the map it opens; never cached for long, so that a new version reaches browsers at their next visit.
  app.get('/push-worker.js', { schema: { hide: true } }, async (_request, reply) => {
    const script = await readFile(join(distDir, 'push-worker.js'), 'utf8').catch(() => null);
    if (script === null) throw new NotFoundError('push-worker.js');
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(script);
  });

  // The landing page lists the tenants; with only one, it is that tenant's portal.
  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    const listed = await listedTenants(deps.tenants);
    if (listed.length === 1) return reply.redirect(`/t/${encodeURIComponent(listed[0]!.slug)}`, 302);
    return sendPage(reply, 'landing');
  });
  app.get('/t/:tenant', tenantParams, (request, reply) => tenantPage(request.params.tenant, reply, 'portal'));
  app.get('/t/:tenant/map', tenantParams, (request, reply) => tenantPage(request.params.tenant, reply, 'map'));
  app.get('/t/:tenant/embed', tenantParams, (request, reply) => tenantPage(request.params.tenant, reply, 'map', true));
  /** The console: its tenant is known only after login, so images from every tenant's tile and logo origins. */
  async function consolePage(reply: FastifyReply) {
    allowImages(reply, await deps.tenants.allImageUrls(), MAX_CONSOLE_IMAGE_SOURCES);
    return sendPage(reply, 'admin');
  }

  app.get('/admin', { schema: { hide: true } }, (_request, reply) => consolePage(reply));
  app.get('/admin/*', { schema: { hide: true } }, (_request, reply) => consolePage(reply));
  if (deps.inboxEnabled)
    app.get('/dev/inbox', { schema: { hide: true } }, (_request, reply) => sendPage(reply, 'inbox'));
}
