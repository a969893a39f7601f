/**
 * Pipe networks over HTTP: the isolation trace (stable, for integrations such as a SCADA alarm) and the
 * list of a tenant's networks with their import counts. Behind the operator guard.
 */
import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import { operatorOf } from '../../http/operator-guard.js';
import { bboxSchema } from '../maps/map.routes.js';
import { NETWORK_SERVICES, traceInputSchema, traceViewSchema } from './network.schemas.js';
import type { NetworkService } from './network.service.js';

export interface NetworkRouteDeps {
  networks: Pick<NetworkService, 'traceView' | 'listNetworks' | 'networkFeatures'>;
}

const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];

export const networkRoutes = routePlugin('network', (app, deps: NetworkRouteDeps) => {
  app.post(
    '/api/t/:tenant/network/:service/trace',
    {
      preHandler: app.requireOperator('viewer'),
      schema: {
        tags: ['network'],
        summary:
          'Isolation trace from a break at `at` ([lon, lat], on the nearest pipe within 50 m), or the pipes downstream of the valve `downstreamOf`: the valves to close, the isolated and cut-off pipes, the connected addresses (count and a sample) and the outline. Valves in `failedValves` do not close: the trace goes on past them',
        security,
        params: z.object({ tenant: z.string(), service: z.enum(NETWORK_SERVICES) }),
        body: traceInputSchema,
        response: { 200: traceViewSchema },
      },
    },
    async (request) => deps.networks.traceView(operatorOf(request).tenant, request.params.service, request.body),
  );

  app.get(
    '/api/t/:tenant/network/:service/features',
    {
      preHandler: app.requireOperator('viewer'),
      schema: {
        tags: ['network'],
        summary:
          'The pipes (pieces between junctions and valves, with their diameter) and valves that meet the box, as GeoJSON, for drawing the network; at most 5,000 pipes (`truncated` when more)',
        security,
        params: z.object({ tenant: z.string(), service: z.enum(NETWORK_SERVICES) }),
        querystring: z.object({ bbox: bboxSchema }),
      },
    },
    async (request, reply) => {
      const collection = await deps.networks.networkFeatures(
        operatorOf(request).tenant,
        request.params.service,
        request.query.bbox,
      );
      return reply
        .type('application/geo+json')
        .header('cache-control', 'private, max-age=60')
        .send(JSON.stringify(collection));
    },
  );

  app.get(
    '/api/t/:tenant/network',
    {
      preHandler: app.requireOperator('viewer'),
      schema: {
        tags: ['network'],
        summary:
          'The tenant’s pipe networks: per service the revision, when it was imported and what the import counted',
        security,
        params: z.object({ tenant: z.string() }),
      },
    },
    async (request) => {
      const items = await deps.networks.listNetworks(operatorOf(request).tenant);
      return { items: items.map((n) => ({ ...n, importedAt: new Date(n.importedAt).toISOString() })) };
    },
  );
});
