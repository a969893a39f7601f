/**
 * Map layers over HTTP: the tenant's address points as z/x/y tiles (operators), and the street lines
 * derived from its addresses (public, like the address search: names and centrelines, no one's data).
 */
import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import { ValidationError } from '../../errors.js';
import { operatorOf } from '../../http/operator-guard.js';
import type { TenantService } from '../tenants/tenant.service.js';
import type { MapService } from './map.service.js';

const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];
const MAX_ZOOM = 22;

/** `west,south,east,north` in degrees (WGS84). */
export const bboxSchema = z
  .string()
  .max(100)
  .transform((text, ctx) => {
    const parts = text.split(',').map(Number);
    const [w, s, e, n] = parts as [number, number, number, number];
    if (
      parts.length !== 4 ||
      parts.some((v) => !Number.isFinite(v)) ||
      w > e ||
      s > n ||
      w < -180 ||
      e > 180 ||
      s < -90 ||
      n > 90
    ) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected west,south,east,north in degrees (WGS84), west ≤ east, south ≤ north',
      });
      return z.NEVER;
    }
    return [w, s, e, n] as const;
  });

export const mapRoutes = routePlugin(
  'maps',
  (app, deps: { maps: MapService; tenants: Pick<TenantService, 'resolveTenant'> }) => {
    app.get(
      '/api/t/:tenant/map/streets',
      {
        schema: {
          tags: ['maps'],
          summary:
            'Street lines derived from the address register (houses 2k−1 and 2k averaged, in number order) that meet the box, with their names, as GeoJSON',
          params: z.object({ tenant: z.string() }),
          querystring: z.object({ bbox: bboxSchema }),
        },
      },
      async (request, reply) => {
        const tenant = await deps.tenants.resolveTenant(request.params.tenant);
        const lines = await deps.maps.streetLines(tenant, request.query.bbox);
        const collection = {
          type: 'FeatureCollection',
          features: lines.map((l) => ({
            type: 'Feature',
            bbox: l.bbox,
            geometry: { type: 'LineString', coordinates: l.coordinates },
            properties: { name: l.name },
          })),
        };
        return reply
          .type('application/geo+json')
          .header('cache-control', 'public, max-age=300')
          .send(JSON.stringify(collection));
      },
    );

    app.get(
      '/api/t/:tenant/map/addresses/:z/:x/:y',
      {
        preHandler: app.requireOperator('viewer'),
        schema: {
          tags: ['maps'],
          summary:
            'The address points of one map tile (Web Mercator z/x/y): below zoom 16 binned in 8 × 8 cells [lon, lat, count, inside], from 16 on the points [lon, lat, label, inside, number]; with `incident`, its addresses counted as inside',
          security,
          params: z.object({
            tenant: z.string(),
            z: z.coerce.number().int().min(0).max(MAX_ZOOM),
            x: z.coerce.number().int().min(0),
            y: z.coerce.number().int().min(0),
          }),
          querystring: z.object({ incident: z.string().max(100).optional(), v: z.string().max(40).optional() }),
        },
      },
      async (request, reply) => {
        const { z: zoom, x, y } = request.params;
        const tiles = 2 ** zoom;
        if (x >= tiles) throw new ValidationError('x', 'tile-out-of-range', { axis: 'x', zoom, tiles });
        if (y >= tiles) throw new ValidationError('y', 'tile-out-of-range', { axis: 'y', zoom, tiles });
        const tile = await deps.maps.addressTile(operatorOf(request).tenant, zoom, x, y, request.query.incident);
        // Private: the register is the tenant's; a short time because an import changes it.
        return reply.header('cache-control', 'private, max-age=60').send(tile);
      },
    );
  },
);
