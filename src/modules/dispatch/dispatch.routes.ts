/**
 * Preview, send and follow messages over HTTP: the preview of an incident's recipients, its messages,
 * one message's delivery counts (also as server-sent events), approval, cancel, retry of the failed
 * ones, and the CSV export of its deliveries.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import { operatorOf } from '../../http/operator-guard.js';
import type { IncidentService } from '../incidents/incident.service.js';
import { messageSchema, previewBody, previewSchema, sendBody } from '../../contracts/messages.contract.js';
import type { MessageService, MessageView } from './message.service.js';
import type { PreviewService } from '../recipients/preview.service.js';

const incidentParams = z.object({ tenant: z.string(), id: z.string().max(100) });
const messageParams = incidentParams;
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];

export interface DispatchRouteDeps {
  incidents: IncidentService;
  preview: PreviewService;
  messages: MessageService;
}

/** A message is finished for its watchers when nothing is queued or waiting for a receipt. */
const finished = (m: MessageView) =>
  (m.status === 'sent' || m.status === 'cancelled') && m.queued === 0 && m.sent === 0;
const counts = (m: MessageView) => ({
  status: m.status,
  outcome: m.outcome,
  queued: m.queued,
  sent: m.sent,
  delivered: m.delivered,
  acknowledged: m.acknowledged,
  failed: m.failed,
  expired: m.expired,
  total: m.total,
});

export const messageRoutes = routePlugin('messages', (app, deps: DispatchRouteDeps) => {
  const { messages } = deps;
  const guard = app.requireOperator;

  app.post(
    '/api/t/:tenant/incidents/:id/preview',
    {
      preHandler: guard('viewer'),
      schema: {
        tags: ['messages'],
        summary:
          'Who the incident reaches: addresses, contacts, endpoints per channel, exclusions with reasons, SMS segments and cost',
        security,
        params: incidentParams,
        body: previewBody,
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
      schema: {
        tags: ['messages'],
        summary: "The incident's messages with their delivery counts",
        security,
        params: incidentParams,
        response: { 200: z.object({ items: z.array(messageSchema) }) },
      },
    },
    async (request) => ({ items: await messages.listMessages(operatorOf(request).tenant, request.params.id) }),
  );

  app.post(
    '/api/t/:tenant/incidents/:id/messages',
    {
      preHandler: guard('operator'),
      schema: {
        tags: ['messages'],
        summary:
          "Send (or schedule) a message to the incident's recipients; follow-ups go to the set frozen by the first",
        security,
        params: incidentParams,
        body: sendBody,
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
      schema: {
        tags: ['messages'],
        summary: 'A message and its delivery counts: queued, sent, delivered, failed, expired',
        security,
        params: messageParams,
        response: { 200: messageSchema },
      },
    },
    async (request) => messages.getMessage(operatorOf(request).tenant, request.params.id),
  );

  app.get(
    '/api/t/:tenant/messages/:id/events',
    {
      preHandler: guard('viewer'),
      schema: {
        tags: ['messages'],
        summary: 'Live delivery counts as server-sent events (one a second until done)',
        security,
        params: messageParams,
      },
    },
    async (request, reply) => {
      const { tenant } = operatorOf(request);
      let current = await messages.getMessage(tenant, request.params.id);
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-request-id': request.id,
      });
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
      {
        preHandler: guard('operator'),
        schema: { tags: ['messages'], summary, security, params: messageParams, response: { 200: messageSchema } },
      },
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
      schema: {
        tags: ['messages'],
        summary: 'Every delivery of a message as CSV (numbers included: the read is audited)',
        security,
        params: messageParams,
      },
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
