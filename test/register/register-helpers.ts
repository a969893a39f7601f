/** Helpers of the register import tests: a small address register, register rows, the stored state. */
import { Readable } from 'node:stream';
import type { Context } from '../../src/context.js';
import { newId } from '../../src/lib/ids.js';
import { keyedHash } from '../../src/lib/crypto.js';
import type { TenantId } from '../../src/kernel/tenant-id.js';
import { importRegister, personKey, type RegisterImportOptions } from '../../src/modules/register/register.import.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { AVISO_HEADER, buildTenant, importCsv } from '../factories.js';

export const REGISTER_HEADER =
  'person_id,first_name,last_name,birth_date,street,number,postal_code,postal_town,mobile,landline,language,protected';

export interface RegisterRow {
  person_id: string;
  first_name: string;
  last_name: string;
  birth_date: string;
  street: string;
  number: string;
  postal_code: string;
  postal_town: string;
  mobile: string;
  landline: string;
  language: string;
  protected: string;
}

const BASE: RegisterRow = {
  person_id: '',
  first_name: 'Matti',
  last_name: 'Virtanen',
  birth_date: '1970-05-17',
  street: 'Puistokatu',
  number: '12',
  postal_code: '35800',
  postal_town: 'Mänttä',
  mobile: '',
  landline: '',
  language: 'fi',
  protected: '0',
};

export const row = (fields: Partial<RegisterRow> & { person_id: string }): RegisterRow => ({ ...BASE, ...fields });

const field = (value: string, delimiter: string) =>
  value.includes(delimiter) || value.includes('"') ? `"${value.replace(/"/g, '""')}"` : value;

export function registerCsv(rows: RegisterRow[], delimiter = ','): string {
  const header = REGISTER_HEADER.split(',').join(delimiter);
  return (
    [
      header,
      ...rows.map((r) =>
        Object.values(r)
          .map((v) => field(v, delimiter))
          .join(delimiter),
      ),
    ].join('\n') + '\n'
  );
}

/** Mänttä-like addresses: Puistokatu/Parkgatan 12, 12 B, 14, 20; Tehtaankatu 3; Koulukatu 7 (35820); Järvitie 5. */
export async function buildRegisterTenant(
  context: Context,
  languages: Array<'fi' | 'sv' | 'en'> = ['fi', 'sv'],
): Promise<Tenant> {
  const tenant = await buildTenant(context, { languages });
  await importCsv(context, tenant, [
    AVISO_HEADER,
    'p12,Puistokatu,Parkgatan,12,35800,Mänttä,Mänttä-Vilppula,,,62.03,24.62',
    'p12b,Puistokatu,Parkgatan,12 B,35800,Mänttä,Mänttä-Vilppula,,,62.0301,24.62',
    'p14,Puistokatu,Parkgatan,14,35800,Mänttä,Mänttä-Vilppula,,,62.0302,24.62',
    'p20,Puistokatu,Parkgatan,20,35800,Mänttä,Mänttä-Vilppula,,,62.0303,24.62',
    't3,Tehtaankatu,Fabriksgatan,3,35800,Mänttä,Mänttä-Vilppula,,,62.031,24.621',
    'k7,Koulukatu,Skolgatan,7,35820,Vilppula,Mänttä-Vilppula,,,62.04,24.63',
    'j5,Järvitie,,5,35800,Mänttä,Mänttä-Vilppula,,,62.032,24.622',
  ]);
  return tenant;
}

export async function addressId(context: Context, tenant: Tenant, sourceId: string): Promise<string> {
  const row = await context.db.kysely
    .selectFrom('addresses')
    .select('id')
    .where('tenant_id', '=', tenant.id)
    .where('source_id', '=', sourceId)
    .executeTakeFirstOrThrow();
  return row.id;
}

export function importRows(
  context: Context,
  tenant: Tenant,
  rows: RegisterRow[],
  options: Partial<RegisterImportOptions> = {},
) {
  return importText(context, tenant, registerCsv(rows), options);
}

export function importText(
  context: Context,
  tenant: Tenant,
  text: string | Buffer,
  options: Partial<RegisterImportOptions> = {},
) {
  return importRegister({ db: context.db, secret: context.config.secret }, tenant, Readable.from([text]), {
    encoding: 'utf8',
    now: context.clock.now(),
    ...options,
  });
}

export const keyOf = (context: Context, personId: string): string => personKey(context.config.secret, personId);

export interface StoredPersonView {
  contactId: string;
  source: string;
  firstName: string | null;
  lastName: string | null;
  birthDate: string | null;
  language: string | null;
  phones: Array<{ type: string; value: string; source: string }>;
  addresses: Array<{ source: string; sourceId: string; role: string; active: number }>;
  updatedAt: number;
}

/** The tenant's contacts with their numbers and addresses (by address source id), sorted for comparison. */
export async function storedPersons(context: Context, tenantId: TenantId): Promise<Map<string, StoredPersonView[]>> {
  const db = context.db.kysely;
  const contacts = await db
    .selectFrom('contacts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .execute();
  const endpoints = await db
    .selectFrom('contact_endpoints')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('value')
    .execute();
  const links = await db
    .selectFrom('contact_addresses as ca')
    .innerJoin('addresses as a', 'a.id', 'ca.address_id')
    .select(['ca.contact_id', 'ca.source', 'ca.role', 'ca.active', 'a.source_id'])
    .where('ca.tenant_id', '=', tenantId)
    .orderBy('a.source_id')
    .execute();
  const byKey = new Map<string, StoredPersonView[]>();
  for (const c of contacts) {
    const view: StoredPersonView = {
      contactId: c.id,
      source: c.source,
      firstName: c.first_name,
      lastName: c.last_name,
      birthDate: c.birth_date,
      language: c.language,
      phones: endpoints
        .filter((e) => e.contact_id === c.id)
        .map((e) => ({ type: e.type, value: e.value, source: e.source })),
      addresses: links
        .filter((l) => l.contact_id === c.id)
        .map((l) => ({ source: l.source, sourceId: l.source_id, role: l.role, active: Number(l.active) })),
      updatedAt: Number(c.updated_at),
    };
    const key = c.person_id ?? `self:${c.id}`;
    byKey.set(key, [...(byKey.get(key) ?? []), view]);
  }
  return byKey;
}

/** Every row of the tables an import may write, for "nothing changed" comparisons. */
export async function tableSnapshot(context: Context, tenantId: TenantId): Promise<unknown> {
  const db = context.db.kysely;
  const all = async (table: 'contacts' | 'contact_endpoints' | 'contact_addresses' | 'audit_log') =>
    (await db.selectFrom(table).selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute()).map((r) =>
      JSON.stringify(r),
    );
  return {
    contacts: await all('contacts'),
    endpoints: await all('contact_endpoints'),
    links: await all('contact_addresses'),
    audit: await all('audit_log'),
  };
}

/** A self-registered contact (supplementary register) with numbers at addresses, as the residents module makes one. */
export async function insertSelfContact(
  context: Context,
  tenant: Tenant,
  input: { phones: string[]; addressIds: string[]; personKey?: string; active?: 0 | 1 },
): Promise<string> {
  const now = context.clock.now();
  const id = newId();
  const db = context.db.kysely;
  await db
    .insertInto('contacts')
    .values({
      id,
      tenant_id: tenant.id,
      kind: 'person',
      source: 'self',
      person_id: input.personKey ?? null,
      first_name: 'Oma',
      last_name: 'Asukas',
      language: 'fi',
      name_hidden: 0,
      priority: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  for (const value of input.phones) {
    await db
      .insertInto('contact_endpoints')
      .values({
        id: newId(),
        tenant_id: tenant.id,
        contact_id: id,
        type: 'mobile',
        value,
        source: 'self',
        verified: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  for (const addressId of input.addressIds) {
    await db
      .insertInto('contact_addresses')
      .values({
        id: newId(),
        tenant_id: tenant.id,
        contact_id: id,
        address_id: addressId,
        role: 'main',
        source: 'self',
        active: input.active ?? 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  return id;
}

export async function suppress(context: Context, tenant: Tenant, e164: string): Promise<void> {
  await context.db.kysely
    .insertInto('suppressions')
    .values({
      tenant_id: tenant.id,
      endpoint_hash: keyedHash(context.config.secret, e164),
      created_at: context.clock.now(),
    })
    .execute();
}

export { buildTenant };
