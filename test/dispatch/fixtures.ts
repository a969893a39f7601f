/**
 * Dispatch fixtures: a small town with people registered the ways SPEC's rules care about (a person with
 * two addresses, a 15- and a 16-year-old from the public register, a deactivated address, an unverified
 * number, a shared number, a priority subscriber, Swedish speakers, …), and API tokens for the routes.
 */
import { changeLogRepository } from '../../src/modules/register/change-log.repository.js';
import type { Context } from '../../src/context.js';
import type { EndpointType } from '../../src/db/schema.js';
import { newId } from '../../src/lib/ids.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { AVISO_HEADER, buildTenant, importCsv, square } from '../factories.js';

export const CENTER = { lon: 24.62, lat: 62.03 } as const;

/** `kk-N` Koulukatu N (west column), `pk-N` Puistokatu N (east column), `far-N` 2 km east. */
export function townRows(): string[] {
  const rows: string[] = [];
  const row = (
    id: string,
    street: string,
    streetSv: string,
    number: string,
    postal: string,
    lat: number,
    lon: number,
  ) => [id, street, streetSv, number, postal, 'Mänttä', 'Mänttä-Vilppula', '', '', lat, lon].join(',');
  for (let n = 1; n <= 12; n++) {
    rows.push(
      row(`kk-${n}`, 'Koulukatu', 'Skolgatan', String(n), '35800', CENTER.lat + n * 0.0002, CENTER.lon - 0.002),
    );
    rows.push(
      row(`pk-${n}`, 'Puistokatu', 'Parkgatan', String(n), '35820', CENTER.lat + n * 0.0002, CENTER.lon + 0.002),
    );
    rows.push(
      row(`far-${n}`, 'Kaukotie', 'Fjärrvägen', String(n), '35840', CENTER.lat + n * 0.0002, CENTER.lon + 0.04),
    );
  }
  return rows;
}

export interface PersonInput {
  source?: 'self' | 'register';
  kind?: 'person' | 'company';
  birthDate?: string | null;
  language?: string | null;
  priority?: boolean;
  endpoints: Array<{ type: EndpointType; value: string; verified?: boolean; source?: 'self' | 'register' }>;
  /** Address source ids (`kk-3`), optionally deactivated. */
  addresses: Array<string | { id: string; active: boolean }>;
}

export async function addressIds(context: Context, tenant: Tenant): Promise<Map<string, string>> {
  const rows = await context.db.kysely
    .selectFrom('addresses')
    .select(['id', 'source_id'])
    .where('tenant_id', '=', tenant.id)
    .execute();
  return new Map(rows.map((r) => [r.source_id, r.id]));
}

export async function addPerson(context: Context, tenant: Tenant, input: PersonInput): Promise<string> {
  const db = context.db.kysely;
  const now = context.clock.now();
  const id = newId();
  const source = input.source ?? 'self';
  await db
    .insertInto('contacts')
    .values({
      id,
      tenant_id: tenant.id,
      kind: input.kind ?? 'person',
      source,
      person_id: source === 'register' ? `p-${id}` : null,
      first_name: 'Test',
      last_name: 'Person',
      company_name: null,
      business_id: null,
      contact_person: null,
      birth_date: input.birthDate ?? null,
      language: input.language === undefined ? 'fi' : input.language,
      name_hidden: 0,
      priority: input.priority ? 1 : 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  for (const e of input.endpoints) {
    await db
      .insertInto('contact_endpoints')
      .values({
        id: newId(),
        tenant_id: tenant.id,
        contact_id: id,
        type: e.type,
        value: e.value,
        source: e.source ?? source,
        verified: e.verified === false ? 0 : 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  const ids = await addressIds(context, tenant);
  for (const [i, a] of input.addresses.entries()) {
    const { id: sourceId, active } = typeof a === 'string' ? { id: a, active: true } : a;
    await db
      .insertInto('contact_addresses')
      .values({
        id: newId(),
        tenant_id: tenant.id,
        contact_id: id,
        address_id: ids.get(sourceId)!,
        role: i === 0 ? 'main' : 'extra',
        label: null,
        source,
        active: active ? 1 : 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  // As every writer of the register does: the dispatch index reads the change.
  await changeLogRepository(db).record(tenant.id, [id], now);
  return id;
}

/** The date `years` years before `today` (YYYY-MM-DD), plus `days`. */
export function bornYearsAgo(today: string, years: number, days = 0): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y - years, m - 1, d + days));
  return date.toISOString().slice(0, 10);
}

export async function buildTown(context: Context, settings: Partial<Tenant['settings']> = {}): Promise<Tenant> {
  const tenant = await buildTenant(context, {
    languages: ['fi', 'sv'],
    serviceArea: square(CENTER.lon, CENTER.lat, 0.1),
    smsSender: 'MantanVesi',
  });
  await importCsv(context, tenant, [AVISO_HEADER, ...townRows()]);
  return Object.keys(settings).length ? context.tenants.updateSettings(tenant, settings) : tenant;
}

/** An API token of `role` as request headers. */
export async function tokenHeaders(
  context: Context,
  tenant: Tenant,
  role: 'admin' | 'operator' | 'viewer' = 'operator',
): Promise<Record<string, string>> {
  const { token } = await context.operators.createToken(tenant, { name: `test ${role}`, role }, null);
  return { authorization: `Bearer ${token}` };
}

/** What the dev inbox holds for one message: "channel to" lines, sorted. */
export async function inboxOf(context: Context, messageId: string): Promise<string[]> {
  const rows = await context.db.kysely
    .selectFrom('inbox_messages')
    .select(['channel', 'to'])
    .where('id', 'like', `${messageId}:%`)
    .execute();
  return rows.map((r) => `${r.channel} ${r.to}`).sort();
}

export async function inboxTexts(
  context: Context,
  messageId: string,
): Promise<Array<{ channel: string; to: string; text: string; from: string | null }>> {
  return context.db.kysely
    .selectFrom('inbox_messages')
    .select(['channel', 'to', 'text', 'from'])
    .where('id', 'like', `${messageId}:%`)
    .orderBy('to')
    .execute();
}

/** A square polygon of `half` degrees around a point. */
/** `count` people with a mobile each (`numberOf(i)`), spread over the twelve Koulukatu addresses, written in bulk. */
export async function addMobilesInBulk(
  context: Context,
  tenant: Tenant,
  count: number,
  numberOf: (i: number) => string,
): Promise<void> {
  const db = context.db.kysely;
  const now = context.clock.now();
  const addresses = await db
    .selectFrom('addresses')
    .select('id')
    .where('tenant_id', '=', tenant.id)
    .where('street', '=', 'Koulukatu')
    .execute();
  const contacts = [];
  const endpoints = [];
  const links = [];
  for (let i = 0; i < count; i++) {
    const id = newId();
    contacts.push({
      id,
      tenant_id: tenant.id,
      kind: 'person' as const,
      source: 'self' as const,
      language: 'fi',
      name_hidden: 0 as const,
      priority: 0 as const,
      created_at: now,
      updated_at: now,
    });
    endpoints.push({
      id: newId(),
      tenant_id: tenant.id,
      contact_id: id,
      type: 'mobile' as const,
      value: numberOf(i),
      source: 'self' as const,
      verified: 1 as const,
      created_at: now,
      updated_at: now,
    });
    links.push({
      id: newId(),
      tenant_id: tenant.id,
      contact_id: id,
      address_id: addresses[i % addresses.length]!.id,
      role: 'main' as const,
      source: 'self' as const,
      active: 1 as const,
      created_at: now,
      updated_at: now,
    });
  }
  for (let i = 0; i < count; i += 200) {
    await db
      .insertInto('contacts')
      .values(contacts.slice(i, i + 200))
      .execute();
    await db
      .insertInto('contact_endpoints')
      .values(endpoints.slice(i, i + 200))
      .execute();
    await db
      .insertInto('contact_addresses')
      .values(links.slice(i, i + 200))
      .execute();
  }
}

export { square };

/**
 * A sudden water incident over the Koulukatu block (where `addMobilesInBulk` puts its people) and its message,
 * created and started in this process: recipients frozen, deliveries and batch jobs written, nothing sent.
 */
export async function startedSend(context: Context, tenant: Tenant, title: string) {
  const incident = await context.dispatch.incidents.createIncident(
    tenant,
    { service: 'water', kind: 'sudden', title, area: square(CENTER.lon - 0.002, CENTER.lat + 0.0013, 0.0012) },
    { type: 'token', id: 'test' },
  );
  return context.dispatch.messages.createMessage(
    tenant,
    incident.id,
    { texts: { fi: `${title} {address}` } },
    { type: 'token', id: 'test' },
  );
}
