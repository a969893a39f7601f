/**
 * Preview, send and follow messages over HTTP: the preview of an incident's recipients, its messages,
 * one message's delivery counts (also as server-sent events), approval, cancel, retry of the failed
 * ones, and the CSV export of its deliveries.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import { LANGUAGES } from '../tenants/tenant.types.js';
import { operatorOf } from '../../http/operator-guard.js';
import type { IncidentService } from '../incidents/incident.service.js';
import { MESSAGE_KINDS } from '../incidents/notice-text.js';
import type { MessageService, MessageView } from './message.service.js';
import type { PreviewService } from '../recipients/preview.service.js';

const incidentParams = z.object({ tenant: z.string(), id: z.string().max(100) });
const messageParams = incidentParams;
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];
const texts = z.object(Object.fromEntries(LANGUAGES.map((l) => [l, z.string().max(2000).optional()])) as Record<(typeof LANGUAGES)[number], z.ZodOptional<z.ZodString>>);

const countsSchema = { queued: z.number(), sent: z.number(), delivered: z.number(), failed: z.number(), expired: z.number(), total: z.number() };
const messageSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  kind: z.enum(MESSAGE_KINDS),
  status: z.string(),
  texts: z.record(z.string(), z.string()),
  rendered: z.record(z.string(), z.string()),
  warnings: z.array(z.string()),
  sendAt: z.string(),
  requestedAt: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  approvedBy: z.string().nullable(),
  ...countsSchema,
  providers: z.array(z.object({ provider: z.string(), queued: z.number().optional(), sent: z.number().optional(), delivered: z.number().optional(), failed: z.number().optional(), expired: z.number().optional() })),
  failovers: z.array(z.object({ reason: z.string(), count: z.number() })),
});

const previewSchema = z.object({
  frozen: z.boolean(),
  addresses: z.number(),
  contacts: z.number(),
  endpoints: z.object({ sms: z.number(), voice: z.number(), email: z.number(), push: z.number(), total: z.number() }),
  excluded: z.record(z.string(), z.number()),
  sample: z.array(z.object({ id: z.string(), label: z.string() })),
  sms: z.record(z.string(), z.object({ encoding: z.string(), segments: z.number(), characters: z.number() })),
  warnings: z.array(z.string()),
  cost: z.object({ cents: z.number(), currency: z.string(), segments: z.number() }),
});

export interface DispatchRouteDeps {
  incidents: IncidentService;
  preview: PreviewService;
  messages: MessageService;
}

/** A message is finished for its watchers when nothing is queued or waiting for a receipt. */
const finished = (m: MessageView) => (m.status === 'sent' || m.status === 'cancelled') && m.queued === 0 && m.sent === 0;
const counts = (m: MessageView) => ({ status: m.status, queued: m.queued, sent: m.sent, delivered: m.delivered, failed: m.failed, expired: m.expired, total: m.total });

export const messageRoutes = routePlugin('messages', (app, deps: DispatchRouteDeps) => {
  const { messages } = deps;
  const guard = app.requireOperator;

  app.post(
    '/api/t/:tenant/incidents/:id/preview',
    {
      preHandler: guard('viewer'),
      schema: {
        tags: ['messages'],
        summary: 'Who the incident reaches: addresses, contacts, endpoints per channel, exclusions with reasons, SMS segments and cost',
        security,
        params: incidentParams,
        body: z.object({ texts: texts.optional(), kind: z.enum(MESSAGE_KINDS).optional() }).optional(),
        response: { 200: previewSchema },
      },
    },
    async (request) => {
      const { tenant } = operatorOf(request);
      const incident = await deps.incidents.getIncident(tenant, request.params.id);
      return deps.preview.previewIncident(tenant, incident, request.body?.texts ?? {}, request.body?.kind ?? 'alert');
    },
  );

  app.get(
    '/api/t/:tenant/incidents/:id/messages',
    {
      preHandler: guard('viewer'),
      schema: { tags: ['messages'], summary: "The incident's messages with their delivery counts", security, params: incidentParams, response: { 200: z.object({ items: z.array(messageSchema) }) } },
    },
    async (request) => ({ items: await messages.listMessages(operatorOf(request).tenant, request.params.id) }),
  );

  app.post(
    '/api/t/:tenant/incidents/:id/messages',
    {
      preHandler: guard('operator'),
      schema: {
        tags: ['messages'],
        summary: 'Send (or schedule) a message to the incident\'s recipients; follow-ups go to the set frozen by the first',
        security,
        params: incidentParams,
        body: z.object({ texts: texts.optional(), kind: z.enum(MESSAGE_KINDS).optional(), sendAt: z.union([z.string().max(40), z.number().int()]).optional() }),
        response: { 201: messageSchema },
      },
    },
    async (request, reply) => {
      const { tenant, actor } = operatorOf(request);
      return reply.status(201).send(await messages.createMessage(tenant, request.params.id, request.body, actor));
    },
  );

  app.get(
    '/api/t/:tenant/messages/:id',
    {
      preHandler: guard('viewer'),
      schema: { tags: ['messages'], summary: 'A message and its delivery counts: queued, sent, delivered, failed, expired', security, params: messageParams, response: { 200: messageSchema } },
    },
    async (request) => messages.getMessage(operatorOf(request).tenant, request.params.id),
  );

  app.get(
    '/api/t/:tenant/messages/:id/events',
    {
      preHandler: guard('viewer'),
      schema: { tags: ['messages'], summary: 'Live delivery counts as server-sent events (one a second until done)', security, params: messageParams },
    },
    async (request, reply) => {
      const { tenant } = operatorOf(request);
      let current = await messages.getMessage(tenant, request.params.id);
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-request-id': request.id });
      let closed = false;
      request.raw.on('close', () => (closed = true));
      const until = Date.now() + 3_600_000;
      for (;;) {
        reply.raw.write(`data: ${JSON.stringify(counts(current))}\n\n`);
        if (finished(current) || closed || Date.now() > until) break;
        await sleep(1000);
        current = await messages.getMessage(tenant, request.params.id);
      }
      reply.raw.end();
    },
  );

  for (const [action, summary] of [
    ['approve', 'Approve a message written by another operator (when the tenant requires approval)'],
    ['cancel', 'Cancel a message: nothing more goes out; what is still queued expires'],
    ['retry', 'Send the failed deliveries of a message again'],
  ] as const) {
    app.post(
      `/api/t/:tenant/messages/:id/${action}`,
      { preHandler: guard('operator'), schema: { tags: ['messages'], summary, security, params: messageParams, response: { 200: messageSchema } } },
      async (request) => {
        const { tenant, actor } = operatorOf(request);
        if (action === 'approve') return messages.approveMessage(tenant, request.params.id, actor);
        if (action === 'cancel') return messages.cancelMessage(tenant, request.params.id, actor);
        return messages.retryFailed(tenant, request.params.id, actor);
      },
    );
  }

  app.get(
    '/api/t/:tenant/messages/:id/deliveries.csv',
    {
      preHandler: guard('operator'),
      schema: { tags: ['messages'], summary: 'Every delivery of a message as CSV (numbers included: the read is audited)', security, params: messageParams },
    },
    async (request, reply) => {
      const { tenant, actor } = operatorOf(request);
      const csv = await messages.exportDeliveries(tenant, request.params.id, actor);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="deliveries-${request.params.id}.csv"`)
        .header('cache-control', 'no-store')
        .send(csv);
    },
  );
});
