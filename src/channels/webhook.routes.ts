/**
 * Where HTTP providers post delivery reports: `POST /api/webhooks/sms/{key}[/{token}]`. The provider's
 * webhook reads and checks what arrives (its signature, or the path's token); what it refuses is logged
 * and answered 403, what it accepts goes to the dispatch's receipt writer, in this process whether or
 * not it runs dispatch workers.
 */
import { z } from 'zod';
import { routePlugin } from '../http/route-plugin.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { Channels, DeliveryReceipt, InboundSms, ProviderWebhook } from './channel.js';

export interface WebhookRouteDeps {
  channels: Channels;
  /** The public base URL: signatures cover the URL the provider posted to, as it knows it. */
  publicUrl: string | undefined;
  acceptReceipts(receipts: DeliveryReceipt[]): void;
  acceptInbound(sms: InboundSms[]): Promise<void>;
}

export const webhookRoutes = routePlugin('webhooks', (app, deps: WebhookRouteDeps) => {
  const webhooks = new Map<string, ProviderWebhook>();
  for (const provider of new Set(Object.values(deps.channels)))
    for (const w of provider.webhooks ?? []) webhooks.set(w.key, w);
  if (webhooks.size === 0) return;
  const base = (deps.publicUrl ?? '').replace(/\/$/, '');

  void app.register(async (scope) => {
    // Providers post forms (46elks, Twilio) or JSON (GatewayAPI); a form becomes an object of strings.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    const params = z.object({ key: z.string().max(100), token: z.string().max(100).optional() });
    for (const path of ['/api/webhooks/sms/:key', '/api/webhooks/sms/:key/:token']) {
      scope.post(
        path,
        {
          schema: {
            tags: ['webhooks'],
            summary:
              'Delivery reports of an HTTP SMS or voice provider, and the steps of a call (signed, or with the path token)',
            params,
            hide: path.endsWith(':token'),
          },
        },
        async (request, reply) => {
          const { key, token } = request.params as z.infer<typeof params>;
          const webhook = webhooks.get(key);
          if (!webhook) throw new NotFoundError(`webhook ${key}`);
          const outcome = webhook.handle({
            url: base + request.url,
            headers: request.headers,
            body: request.body,
            token,
          });
          if (!outcome.ok) {
            request.log.warn({ webhook: key, reason: outcome.reason }, 'provider callback refused');
            throw new ForbiddenError('webhook-refused', { reason: outcome.reason });
          }
          deps.acceptReceipts(outcome.receipts);
          if (outcome.inbound?.length) await deps.acceptInbound(outcome.inbound);
          // A call's provider asks what the call does next (TwiML, a 46elks action): the webhook's answer.
          if (outcome.reply) return reply.code(200).type(outcome.reply.contentType).send(outcome.reply.body);
          return reply.code(204).send();
        },
      );
    }
  });
});
