/** `GET /api/voice/audio?token=…`: the spoken message of a call, as a voice provider fetches it (8 kHz WAV). */
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import { routePlugin } from '../../http/route-plugin.js';
import { readSpokenAudioToken } from './spoken-audio.js';

export interface SpokenAudioRouteDeps {
  secret: string;
  render(text: string, language: string): Promise<Buffer>;
}

/** Renders kept at once: a notice to many landlines is one text, fetched once per call. */
const KEPT_RENDERS = 32;

export const spokenAudioRoutes = routePlugin(
  'spoken-audio',
  (app, deps: SpokenAudioRouteDeps) => {
    const renders = new Map<string, Promise<Buffer>>();
    const render = (token: string, text: string, language: string): Promise<Buffer> => {
      const kept = renders.get(token);
      if (kept) return kept;
      const audio = deps.render(text, language);
      renders.set(token, audio);
      // A failed render (tools missing) is not kept; the oldest goes when the list is full.
      audio.catch(() => renders.delete(token));
      if (renders.size > KEPT_RENDERS) renders.delete(renders.keys().next().value!);
      return audio;
    };
    app.get(
      '/api/voice/audio',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'The spoken message of a voice call, for the voice provider to play (a signed link in the call)',
          querystring: z.object({ token: z.string().max(8000) }),
        },
      },
      async (request, reply) => {
        const spoken = readSpokenAudioToken(deps.secret, request.query.token);
        if (!spoken) throw new NotFoundError('audio');
        const audio = await render(request.query.token, spoken.text, spoken.language);
        return reply.type('audio/wav').header('cache-control', 'private, max-age=3600').send(audio);
      },
    );
  },
  { dependencies: [] },
);
