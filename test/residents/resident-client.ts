/**
 * A resident's side of the HTTP API for tests: ask for a PIN, read it from the dev inbox, log in, then
 * call the logged-in routes with the session cookie and the CSRF header.
 */
import { expect } from 'vitest';
import type { AppInstance } from '../../src/app.js';
import type { Context } from '../../src/context.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { AVISO_HEADER, buildTenant, importCsv, square } from '../factories.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface InjectAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The newest PIN the dev inbox holds for `to` (4–8 digits; a voice call reads them out one by one). */
export async function readPin(app: AppInstance, to: string): Promise<string> {
  const items = (await app.inject({ url: `/api/dev/inbox?to=${encodeURIComponent(to)}` })).json().items as Array<{
    text: string;
  }>;
  const text = items.at(-1)?.text ?? '';
  const match = /\b(\d{4,8})\b/.exec(text) ?? /((?:\d, ){3,7}\d)\./.exec(text);
  if (!match) throw new Error(`no PIN in the inbox for ${to}`);
  return match[1]!.replace(/, /g, '');
}

export async function inboxFor(
  app: AppInstance,
  to: string,
): Promise<Array<{ channel: string; text: string; subject: string | null; from: string | null; hasAudio: boolean }>> {
  return (await app.inject({ url: `/api/dev/inbox?to=${encodeURIComponent(to)}` })).json().items;
}

export function requestPin(
  app: AppInstance,
  slug: string,
  body: Record<string, unknown>,
  ip = '10.0.0.1',
): Promise<InjectAnswer> {
  return app.inject({ method: 'POST', url: `/api/t/${slug}/login/pin`, payload: body, remoteAddress: ip });
}

export function submitPin(
  app: AppInstance,
  slug: string,
  body: Record<string, unknown>,
  ip = '10.0.0.1',
): Promise<InjectAnswer> {
  return app.inject({ method: 'POST', url: `/api/t/${slug}/login`, payload: body, remoteAddress: ip });
}

export interface ResidentSession {
  slug: string;
  cookie: string;
  csrf: string;
  login: { known: boolean; registered: boolean };
  call(method: Method, path: string, payload?: unknown, options?: { csrf?: string | null }): Promise<InjectAnswer>;
}

/** The `aviso_session=…` pair from a login answer's Set-Cookie. */
export function sessionCookieOf(answer: InjectAnswer): string {
  const header = answer.headers['set-cookie'];
  const cookies = Array.isArray(header) ? header : [String(header)];
  const pair = cookies.find((c) => c.startsWith('aviso_session='))?.split(';')[0];
  if (!pair) throw new Error('no session cookie');
  return pair;
}

export function sessionFor(
  app: AppInstance,
  slug: string,
  cookie: string,
  csrf: string,
  login = { known: false, registered: false },
): ResidentSession {
  return {
    slug,
    cookie,
    csrf,
    login,
    call: (method, path, payload, options = {}) => {
      const csrfHeader = options.csrf === undefined ? csrf : options.csrf;
      return app.inject({
        method,
        url: `/api/t/${slug}${path}`,
        headers: { cookie, ...(csrfHeader ? { 'x-csrf-token': csrfHeader } : {}) },
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
    },
  };
}

/** The whole login: PIN request, PIN from the inbox, login. `login` is `{ phone }` or `{ email }`; `to` its stored form. */
export async function logIn(
  app: AppInstance,
  slug: string,
  login: { phone?: string; email?: string },
  to: string,
  ip = '10.0.0.1',
): Promise<ResidentSession> {
  const asked = await requestPin(app, slug, login, ip);
  expect(asked.statusCode, asked.body).toBe(202);
  const pin = await readPin(app, to);
  const answer = await submitPin(app, slug, { ...login, pin }, ip);
  expect(answer.statusCode, answer.body).toBe(200);
  const body = answer.json();
  return sessionFor(app, slug, sessionCookieOf(answer), body.csrfToken, {
    known: body.known,
    registered: body.registered,
  });
}

export const CENTER = { lon: 24.62, lat: 62.03 } as const;

/** A tenant with a small square service area and a few addresses, one of them outside the area. */
export async function buildTown(
  context: Context,
  input: { center?: { lon: number; lat: number }; name?: string; languages?: Array<'fi' | 'sv' | 'en'> } = {},
): Promise<Tenant> {
  const center = input.center ?? CENTER;
  const tenant = await buildTenant(context, {
    name: input.name ?? 'Mäntän Vesi',
    languages: input.languages ?? ['fi', 'sv'],
    serviceArea: square(center.lon, center.lat, 0.05),
  });
  const row = (id: string, street: string, number: string, lat: number, lon: number) =>
    [id, street, '', number, '35800', 'Mänttä', 'Mänttä-Vilppula', '', '', lat, lon].join(',');
  await importCsv(context, tenant, [
    AVISO_HEADER,
    row('kk-1', 'Koulukatu', '1', center.lat + 0.001, center.lon),
    row('kk-2', 'Koulukatu', '2', center.lat + 0.002, center.lon),
    row('kk-3', 'Koulukatu', '3', center.lat + 0.003, center.lon),
  ]);
  // An address the register holds outside the service area (the import refuses those, so put it in directly:
  // a service area made smaller after an import leaves such rows behind).
  await context.db.kysely
    .insertInto('addresses')
    .values({
      id: `far-${tenant.id}`,
      tenant_id: tenant.id,
      source_id: 'far-1',
      street: 'Kaukotie',
      street_sv: null,
      number: '1',
      number_int: 1,
      number_key: '1',
      postal_code: '35800',
      postal_town: 'Mänttä',
      municipality: 'Mänttä-Vilppula',
      property_id: null,
      building_id: null,
      lat: center.lat + 0.2,
      lon: center.lon,
      street_key: 'kaukotie',
      street_key_sv: null,
      updated_at: Date.now(),
    })
    .execute();
  return tenant;
}

/** The register id → address id of a town built by buildTown. */
export async function addressIdOf(context: Context, tenant: Tenant, sourceId: string): Promise<string> {
  const row = await context.db.kysely
    .selectFrom('addresses')
    .select('id')
    .where('tenant_id', '=', tenant.id)
    .where('source_id', '=', sourceId)
    .executeTakeFirstOrThrow();
  return row.id;
}
