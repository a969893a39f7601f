/** Operator map layers over HTTP: the tenant's address points as z/x/y tiles. */
import { z } from 'zod';
import type { AppInstance } from '../../app.js';
import { ValidationError } from '../../errors.js';
import { operatorOf, type OperatorGuard } from '../operators/operator-auth.js';
import type { MapService } from './map.service.js';

const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];
const MAX_ZOOM = 22;

export function registerMapRoutes(app: AppInstance, deps: { maps: MapService; guard: OperatorGuard }): void {
  app.get(
    '/api/t/:tenant/map/addresses/:z/:x/:y',
    {
      preHandler: deps.guard('viewer'),
      schema: {
        tags: ['maps'],
        summary: 'The address points of one map tile (Web Mercator z/x/y): below zoom 16 binned in 8 × 8 cells [lon, lat, count, inside], from 16 on the points [lon, lat, label, inside, number]; with `incident`, its addresses counted as inside',
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
      if (x >= tiles) throw new ValidationError('x', `a tile column at zoom ${zoom} is below ${tiles}`);
      if (y >= tiles) throw new ValidationError('y', `a tile row at zoom ${zoom} is below ${tiles}`);
      const tile = await deps.maps.addressTile(operatorOf(request).tenant, zoom, x, y, request.query.incident);
      // Private: the register is the tenant's; a short time because an import changes it.
      return reply.header('cache-control', 'private, max-age=60').send(tile);
    },
  );
}
