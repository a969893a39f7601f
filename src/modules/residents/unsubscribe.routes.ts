/**
 * The one-click unsubscribe address of notice emails: `POST /api/t/{tenant}/unsubscribe?t=TOKEN` (what a
 * mail client sends for `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, RFC 8058) removes the
 * address; a GET (a person following the link, or a scanner fetching it) only shows a page whose button
 * posts, so that fetching the link never unsubscribes anyone.
 */
import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import { ValidationError } from '../../errors.js';
import { escapeHtml } from '../../lib/html.js';
import type { TenantService } from '../tenants/tenant.service.js';
import type { Language } from '../tenants/tenant.types.js';
import { readUnsubscribeToken, type UnsubscribeService } from './unsubscribe.service.js';

export interface UnsubscribeRouteDeps {
  tenants: Pick<TenantService, 'resolveTenant'>;
  unsubscribe: UnsubscribeService;
  secret: string;
}

const params = z.object({ tenant: z.string().max(63) });
const querystring = z.object({ t: z.string().max(600).describe('the signed token of the email link') });

const PAGE: Record<
  Language,
  { title: string; ask: (email: string, tenant: string) => string; button: string; done: (tenant: string) => string }
> = {
  fi: {
    title: 'Sähköposti-ilmoitusten peruminen',
    ask: (e, t) => `Lopetetaanko ilmoitukset osoitteeseen ${e} (${t})?`,
    button: 'Peru ilmoitukset',
    done: (t) => `Osoite on poistettu: ${t} ei lähetä siihen enää ilmoituksia.`,
  },
  sv: {
    title: 'Avsluta e-postaviseringar',
    ask: (e, t) => `Sluta skicka aviseringar till ${e} (${t})?`,
    button: 'Avsluta aviseringar',
    done: (t) => `Adressen är borttagen: ${t} skickar inga fler aviseringar dit.`,
  },
  en: {
    title: 'Unsubscribe from email notices',
    ask: (e, t) => `Stop sending notices to ${e} (${t})?`,
    button: 'Unsubscribe',
    done: (t) => `The address is removed: ${t} sends it no more notices.`,
  },
};

const page = (language: Language, title: string, body: string) =>
  `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;

/** The text fields of a multipart/form-data body; a body that is not one is the client's error (400). */
async function readMultipartFields(body: Buffer, contentType: string): Promise<Record<string, string>> {
  try {
    const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    const fields: Record<string, string> = {};
    for (const [name, value] of form) if (typeof value === 'string') fields[name] = value;
    return fields;
  } catch (error) {
    throw new ValidationError('body', 'upload-malformed', { reason: (error as Error).message });
  }
}

export const unsubscribeRoutes = routePlugin('unsubscribe', (app, deps: UnsubscribeRouteDeps) => {
  void app.register(async (scope) => {
    // RFC 8058: the client posts the form body `List-Unsubscribe=One-Click`, as multipart/form-data (what the
    // RFC asks for and mailbox providers send) or urlencoded (the page's own button); only that short field is
    // expected. Both are read whole within a small body limit (Fastify answers 413 past it, chunked or not), the
    // multipart one by the platform's own form parser (undici's Response.formData).
    const bodyLimit = 4 * 1024;
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
      readMultipartFields(body as Buffer, request.headers['content-type'] ?? '').then(
        (fields) => done(null, fields),
        (error: unknown) => done(error as Error),
      );
    });

    scope.post(
      '/api/t/:tenant/unsubscribe',
      {
        schema: {
          tags: ['public'],
          summary:
            "One-click unsubscribe (RFC 8058): removes the link's email from the tenant's contacts (a register email is also suppressed)",
          description: 'The body, if any, is `List-Unsubscribe=One-Click` (4 KB at most).',
          consumes: ['multipart/form-data', 'application/x-www-form-urlencoded'],
          params,
          querystring,
          response: {
            200: z.object({
              unsubscribed: z.literal(true),
              removed: z.number().describe('contacts that held the address'),
            }),
          },
        },
      },
      async (request, reply) => {
        const { tenant: slug } = request.params as z.infer<typeof params>;
        const { t } = request.query as z.infer<typeof querystring>;
        const tenant = await deps.tenants.resolveTenant(slug);
        const outcome = await deps.unsubscribe.unsubscribe(tenant, t);
        if (!outcome) throw new ValidationError('t', 'unsubscribe-link-invalid');
        // The page's own button (a browser) gets a page back; a mail client, JSON.
        if (request.headers.accept?.includes('text/html')) {
          const text = PAGE[tenant.languages[0] ?? 'fi'];
          return reply
            .type('text/html; charset=utf-8')
            .send(page(tenant.languages[0] ?? 'fi', text.title, `<p>${escapeHtml(text.done(tenant.name))}</p>`));
        }
        return { unsubscribed: true as const, removed: outcome.removed };
      },
    );

    scope.get(
      '/api/t/:tenant/unsubscribe',
      {
        schema: {
          tags: ['public'],
          summary: 'The unsubscribe page of the email link: a button that posts the one-click unsubscribe',
          params,
          querystring,
        },
      },
      async (request, reply) => {
        const { tenant: slug } = request.params as z.infer<typeof params>;
        const { t } = request.query as z.infer<typeof querystring>;
        const tenant = await deps.tenants.resolveTenant(slug);
        const email = readUnsubscribeToken(deps.secret, tenant.id, t);
        if (email === null) throw new ValidationError('t', 'unsubscribe-link-invalid');
        const language = tenant.languages[0] ?? 'fi';
        const text = PAGE[language];
        const action = `/api/t/${encodeURIComponent(tenant.slug)}/unsubscribe?t=${encodeURIComponent(t)}`;
        const form = `<p>${escapeHtml(text.ask(email, tenant.name))}</p><form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${escapeHtml(text.button)}</button></form>`;
        const html = page(language, text.title, form);
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
      },
    );
  });
});
