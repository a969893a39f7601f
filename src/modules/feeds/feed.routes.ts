/**
 * The public feeds of a tenant, no login: GeoJSON of published incidents, CAP 1.2 (an alert per
 * incident, and the CAP feed listing them), Atom, and "is my address affected?".
 */
import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import { NotFoundError } from '../../errors.js';
import type { TenantService } from '../tenants/tenant.service.js';
import { rfc7946Feature } from '../../lib/geojson-output.js';
import { mapGeometry } from '../incidents/area.js';
import { atomFeed } from './atom.js';
import { incidentAlert } from './cap.js';
import { capIndex } from './cap-index.js';
import type { FeedService, PublicIncident } from './feed.service.js';

const tenantParams = z.object({ tenant: z.string() });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function properties(p: PublicIncident) {
  return {
    id: p.incident.id,
    service: p.incident.service,
    kind: p.incident.kind,
    title: p.incident.title,
    status: p.status,
    startsAt: iso(p.incident.startsAt),
    endsAt: iso(p.incident.endsAt),
    publicText: p.publicText,
    areaDescription: p.areaDescription,
    streets: p.incident.streets,
    postalCodes: p.incident.postalCodes,
    lastMessage: p.messages.at(-1)?.kind ?? null,
    updatedAt: iso(Math.max(p.incident.updatedAt, p.messages.at(-1)?.sentAt ?? 0)),
  };
}

export interface FeedRouteDeps {
  tenants: Pick<TenantService, 'resolveTenant'>;
  feeds: FeedService;
  publicUrl: string | undefined;
  now: () => number;
}

export const feedRoutes = routePlugin('feeds', (app, deps: FeedRouteDeps) => {
  // Links from the configured public URL, else relative: never from the request's Host (anyone sets that, and the answer is cached).
  const base = deps.publicUrl ?? '';
  const load = async (slug: string) => {
    const tenant = await deps.tenants.resolveTenant(slug);
    return { tenant, incidents: await deps.feeds.publicIncidents(tenant) };
  };

  app.get(
    '/api/t/:tenant/public/incidents.geojson',
    {
      schema: {
        tags: ['public'],
        summary: 'Published incidents as a GeoJSON FeatureCollection (area, times, service, status, public text)',
        params: tenantParams,
      },
    },
    async (request, reply) => {
      const { incidents } = await load(request.params.tenant);
      const collection = {
        type: 'FeatureCollection',
        features: incidents.map((p) => rfc7946Feature(p.incident.id, mapGeometry(p.incident), properties(p))),
      };
      return reply
        .type('application/geo+json')
        .header('cache-control', 'public, max-age=30')
        .send(JSON.stringify(collection));
    },
  );

  app.get(
    '/api/t/:tenant/public/cap.atom',
    {
      schema: {
        tags: ['public'],
        summary:
          'The CAP feed: an Atom feed with one entry per current CAP 1.2 alert (its identifier as the entry id, linked and inline), as CAP aggregators read them',
        params: tenantParams,
      },
    },
    async (request, reply) => {
      const { tenant, incidents } = await load(request.params.tenant);
      const xml = capIndex({ tenant, publicUrl: deps.publicUrl }, incidents, base, deps.now());
      return reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'public, max-age=30').send(xml);
    },
  );

  app.get(
    '/api/t/:tenant/public/cap.xml',
    // Left out of the API document: an old address kept for readers that still poll it.
    {
      schema: {
        tags: ['public'],
        summary: 'Moved to the CAP feed (cap.atom): one alert cannot stand for several incidents',
        params: tenantParams,
        hide: true,
      },
    },
    async (request, reply) =>
      reply.redirect(
        `${base.replace(/\/$/, '')}/api/t/${encodeURIComponent(request.params.tenant)}/public/cap.atom`,
        301,
      ),
  );

  app.get(
    '/api/t/:tenant/public/incidents/:id/cap.xml',
    {
      schema: {
        tags: ['public'],
        summary: 'One published incident as a CAP 1.2 alert',
        params: z.object({ tenant: z.string(), id: z.string().max(100) }),
      },
    },
    async (request, reply) => {
      const { tenant, incidents } = await load(request.params.tenant);
      const found = incidents.find((p) => p.incident.id === request.params.id);
      if (!found) throw new NotFoundError(`published incident ${request.params.id}`);
      return reply
        .type('application/cap+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=30')
        .send(incidentAlert({ tenant, publicUrl: deps.publicUrl }, found));
    },
  );

  app.get(
    '/api/t/:tenant/public/feed.atom',
    {
      schema: {
        tags: ['public'],
        summary: 'Published incidents as an Atom feed (entries link their CAP alerts)',
        params: tenantParams,
      },
    },
    async (request, reply) => {
      const { tenant, incidents } = await load(request.params.tenant);
      return reply
        .type('application/atom+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=30')
        .send(atomFeed(tenant, incidents, base, deps.now()));
    },
  );

  app.get(
    '/api/t/:tenant/public/check',
    {
      schema: {
        tags: ['public'],
        summary: 'Whether an address (its id, or a search text) is inside a current or planned published incident',
        params: tenantParams,
        querystring: z.object({ address: z.string().min(1).max(200) }),
      },
    },
    async (request) => {
      const tenant = await deps.tenants.resolveTenant(request.params.tenant);
      const result = await deps.feeds.checkAddress(tenant, request.query.address);
      return {
        address: result.address
          ? { id: result.address.id, label: result.address.label, lat: result.address.lat, lon: result.address.lon }
          : null,
        affected: result.incidents.length > 0,
        incidents: result.incidents.map(properties),
      };
    },
  );
});
