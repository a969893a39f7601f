/** The SQL of contacts, their endpoints (numbers, emails) and suppression entries. Tenant id first, always. */
import { type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import { precompile, type Param } from '../../db/precompiled.js';
import type { ContactEndpointsTable, ContactsTable, Database } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import { loginContactColumns, toLoginContact, type LoginContact } from '../auth/login-contact.js';

export type ContactRow = Selectable<ContactsTable>;
export type EndpointRow = Selectable<ContactEndpointsTable>;
export type ContactChanges = Omit<Updateable<ContactsTable>, 'id' | 'tenant_id' | 'created_at'>;
export type EndpointChanges = Pick<
  Updateable<ContactEndpointsTable>,
  'type' | 'value' | 'source' | 'verified' | 'updated_at'
>;

export function contactRepository(db: Kysely<Database>) {
  // Reads of many logged-in requests, compiled once.
  const findContact = precompile(db, (db, p: Param<{ tenantId: TenantId; id: string }>) =>
    db.selectFrom('contacts').selectAll().where('tenant_id', '=', p('tenantId')).where('id', '=', p('id')),
  );
  const endpointsOf = precompile(db, (db, p: Param<{ tenantId: TenantId; contactId: string }>) =>
    db
      .selectFrom('contact_endpoints')
      .selectAll()
      .where('tenant_id', '=', p('tenantId'))
      .where('contact_id', '=', p('contactId'))
      .orderBy('created_at')
      .orderBy('id'),
  );
  return {
    /** What logging in with this endpoint opens (`loginContactColumns`: the rule a login follows). */
    async findLoginContact(tenantId: TenantId, value: string): Promise<LoginContact> {
      return toLoginContact(await db.selectNoFrom(loginContactColumns(tenantId, value)).executeTakeFirstOrThrow());
    },

    async find(tenantId: TenantId, id: string): Promise<ContactRow | undefined> {
      return (await findContact({ tenantId, id })).rows[0];
    },

    async insert(tenantId: TenantId, row: Omit<Insertable<ContactsTable>, 'tenant_id'>): Promise<void> {
      await db
        .insertInto('contacts')
        .values({ ...row, tenant_id: tenantId })
        .execute();
    },

    async update(tenantId: TenantId, id: string, changes: ContactChanges): Promise<void> {
      await db.updateTable('contacts').set(changes).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    },

    /**
     * Hard delete: the contact's endpoints and places first, then the contact (PostgreSQL has no
     * foreign key to cascade them: migration 014). Callers run it in a transaction.
     */
    async delete(tenantId: TenantId, id: string): Promise<void> {
      await db.deleteFrom('contact_endpoints').where('tenant_id', '=', tenantId).where('contact_id', '=', id).execute();
      await db.deleteFrom('contact_addresses').where('tenant_id', '=', tenantId).where('contact_id', '=', id).execute();
      await db.deleteFrom('contacts').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    },

    async listEndpoints(tenantId: TenantId, contactId: string): Promise<EndpointRow[]> {
      return (await endpointsOf({ tenantId, contactId })).rows;
    },

    async findEndpoint(tenantId: TenantId, contactId: string, id: string): Promise<EndpointRow | undefined> {
      return db
        .selectFrom('contact_endpoints')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('contact_id', '=', contactId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async findEndpointByValue(tenantId: TenantId, contactId: string, value: string): Promise<EndpointRow | undefined> {
      return db
        .selectFrom('contact_endpoints')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('contact_id', '=', contactId)
        .where('value', '=', value)
        .executeTakeFirst();
    },

    /** Every contact's endpoint of this type and value in the tenant (an email several contacts gave). */
    async endpointsWithValue(tenantId: TenantId, type: EndpointRow['type'], value: string): Promise<EndpointRow[]> {
      return db
        .selectFrom('contact_endpoints')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('value', '=', value)
        .where('type', '=', type)
        .execute();
    },

    async insertEndpoint(tenantId: TenantId, row: Omit<Insertable<ContactEndpointsTable>, 'tenant_id'>): Promise<void> {
      await db
        .insertInto('contact_endpoints')
        .values({ ...row, tenant_id: tenantId })
        .execute();
    },

    async updateEndpoint(tenantId: TenantId, id: string, changes: EndpointChanges): Promise<void> {
      await db
        .updateTable('contact_endpoints')
        .set(changes)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
    },

    async deleteEndpoint(tenantId: TenantId, id: string): Promise<void> {
      await db.deleteFrom('contact_endpoints').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    },

    /** Suppression entries (keyed hashes only): the register import skips these numbers and emails. */
    async suppress(tenantId: TenantId, hashes: string[], now: number): Promise<void> {
      if (hashes.length === 0) return;
      await db
        .insertInto('suppressions')
        .values(hashes.map((endpoint_hash) => ({ tenant_id: tenantId, endpoint_hash, created_at: now })))
        .onConflict((oc) => oc.columns(['tenant_id', 'endpoint_hash']).doNothing())
        .execute();
    },

    async unsuppress(tenantId: TenantId, hashes: string[]): Promise<void> {
      if (hashes.length === 0) return;
      await db
        .deleteFrom('suppressions')
        .where('tenant_id', '=', tenantId)
        .where('endpoint_hash', 'in', hashes)
        .execute();
    },

    async isSuppressed(tenantId: TenantId, hash: string): Promise<boolean> {
      const row = await db
        .selectFrom('suppressions')
        .select('endpoint_hash')
        .where('tenant_id', '=', tenantId)
        .where('endpoint_hash', '=', hash)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

export type ContactRepository = ReturnType<typeof contactRepository>;
