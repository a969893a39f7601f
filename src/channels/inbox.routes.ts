import { z } from 'zod';
import { routePlugin } from '../http/route-plugin.js';
import { NotFoundError } from '../errors.js';
import type { inboxRepository } from './inbox.provider.js';
import { inboxMessagesSchema } from '../contracts/inbox.contract.js';

export const inboxRoutes = routePlugin('inbox', (app, deps: { inbox: ReturnType<typeof inboxRepository> }) => {
  app.get(
    '/api/dev/inbox',
    {
      schema: {
        tags: ['dev'],
        summary: 'Every message the dev inbox holds (while a channel is `inbox`), oldest first',
        querystring: z.object({
          to: z.string().max(320).optional(),
          limit: z.coerce.number().int().min(1).max(10000).default(1000),
        }),
        response: { 200: inboxMessagesSchema },
      },
    },
    async (request) => ({ items: await deps.inbox.list({ ...request.query }) }),
  );

  app.get(
    '/api/dev/inbox/:id/audio',
    {
      schema: {
        tags: ['dev'],
        summary: 'The rendered audio (WAV) of a voice message in the dev inbox',
        params: z.object({ id: z.string().max(100) }),
      },
    },
    async (request, reply) => {
      const audio = await deps.inbox.audio(request.params.id);
      if (!audio) throw new NotFoundError('voice message audio');
      return reply.type('audio/wav').send(Buffer.from(audio, 'base64'));
    },
  );
});
