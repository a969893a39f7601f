/** Incidents over HTTP: list, open, read, change, discard a draft. Operators (session or API token) only. */
import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import { operatorOf } from '../../http/operator-guard.js';
import { incidentInputSchema, incidentPatchSchema, incidentViewSchema, toIncidentView } from './incident.schemas.js';
import type { IncidentService } from './incident.service.js';
import { INCIDENT_STATUSES } from './incident.types.js';

const tenantParams = z.object({ tenant: z.string() });
const incidentParams = z.object({ tenant: z.string(), id: z.string().max(100) });
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];

export const incidentRoutes = routePlugin('incidents', (app, deps: { incidents: IncidentService }) => {
  const { incidents } = deps;
  const guard = app.requireOperator;

  app.get(
    '/api/t/:tenant/incidents',
    {
      preHandler: guard('viewer'),
      schema: {
        tags: ['incidents'],
        summary: 'Incidents, most recently changed first',
        security,
        params: tenantParams,
        querystring: z.object({
          status: z.enum(INCIDENT_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(incidentViewSchema) }) },
      },
    },
    async (request) => {
      const { tenant } = operatorOf(request);
      const items = await incidents.listIncidents(tenant, request.query);
      return { items: items.map(toIncidentView) };
    },
  );

  app.post(
    '/api/t/:tenant/incidents',
    {
      preHandler: guard('operator'),
      schema: {
        tags: ['incidents'],
        summary:
          'Open an incident: service, kind, title, times and the affected area (GeoJSON shapes, streets, postal codes)',
        security,
        params: tenantParams,
        body: incidentInputSchema,
        response: { 201: incidentViewSchema },
      },
    },
    async (request, reply) => {
      const { tenant, actor } = operatorOf(request);
      const incident = await incidents.createIncident(tenant, request.body, actor);
      return reply.status(201).send(toIncidentView(incident));
    },
  );

  app.get(
    '/api/t/:tenant/incidents/:id',
    {
      preHandler: guard('viewer'),
      schema: {
        tags: ['incidents'],
        summary: 'One incident',
        security,
        params: incidentParams,
        response: { 200: incidentViewSchema },
      },
    },
    async (request) => toIncidentView(await incidents.getIncident(operatorOf(request).tenant, request.params.id)),
  );

  app.patch(
    '/api/t/:tenant/incidents/:id',
    {
      preHandler: guard('operator'),
      schema: {
        tags: ['incidents'],
        summary: 'Change an incident (the area only until the first message froze its recipients)',
        security,
        params: incidentParams,
        body: incidentPatchSchema,
        response: { 200: incidentViewSchema },
      },
    },
    async (request) => {
      const { tenant, actor } = operatorOf(request);
      return toIncidentView(await incidents.updateIncident(tenant, request.params.id, request.body, actor));
    },
  );

  app.delete(
    '/api/t/:tenant/incidents/:id',
    {
      preHandler: guard('operator'),
      schema: {
        tags: ['incidents'],
        summary: 'Discard a draft (409 incident-not-draft once it is open or a message was sent or scheduled)',
        security,
        params: incidentParams,
      },
    },
    async (request, reply) => {
      const { tenant, actor } = operatorOf(request);
      await incidents.deleteDraft(tenant, request.params.id, actor);
      return reply.status(204).send();
    },
  );
});
