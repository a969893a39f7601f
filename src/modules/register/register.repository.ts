/**
 * The SQL of a register import. Reads are paged or per batch (never a query per row); writes are the
 * bulk statements of db/bulk-upsert.ts. Every function takes the tenant id first. Deletes touch rows with
 * source 'register' only.
 */
import { sql, type Kysely } from 'kysely';
import { bulkUpsert, type UpsertShape } from '../../db/bulk-upsert.js';
import type { DialectInfo } from '../../db/dialect.js';
import type { Database } from '../../db/schema.js';
import type { TenantId } from '../../lib/tenant-id.js';
import type { AddressKeyRow } from './register.address-index.js';
import type { NewContact, StoredContact, StoredEndpoint, StoredLink, WritePlan } from './register.diff.js';
import { bulkInsert, type InsertShape } from '../../db/bulk-insert.js';

const CONTACT_UPSERT: UpsertShape = {
  table: 'contacts',
  columns: [
    ['id', 'text'], ['tenant_id', 'text'], ['kind', 'text'], ['source', 'text'], ['person_id', 'text'], ['first_name', 'text'],
    ['last_name', 'text'], ['birth_date', 'text'], ['language', 'text'], ['created_at', 'bigint'], ['updated_at', 'bigint'],
  ],
  conflict: ['id'],
  compared: ['first_name', 'last_name', 'birth_date'],
  touched: ['updated_at'],
  returning: 'id',
};

// New rows only (the plan never adds a row that is there already): plain INSERTs.
const CONTACT_INSERT: InsertShape = { table: 'contacts', columns: CONTACT_UPSERT.columns };

const ENDPOINT_INSERT: InsertShape = {
  table: 'contact_endpoints',
  columns: [
    ['id', 'text'], ['tenant_id', 'text'], ['contact_id', 'text'], ['type', 'text'], ['value', 'text'], ['source', 'text'],
    ['verified', 'integer'], ['created_at', 'bigint'], ['updated_at', 'bigint'],
  ],
};

const LINK_INSERT: InsertShape = {
  table: 'contact_addresses',
  columns: [
    ['id', 'text'], ['tenant_id', 'text'], ['contact_id', 'text'], ['address_id', 'text'], ['role', 'text'], ['source', 'text'],
    ['active', 'integer'], ['created_at', 'bigint'], ['updated_at', 'bigint'],
  ],
};

/** Ids per DELETE … IN (…): far below both engines' parameter limits. */
const IDS_PER_STATEMENT = 2000;

/**
 * `tenant_id = ?` as an expression no index serves. Beside a long `id IN (…)` list, SQLite's planner
 * (without statistics, as on every fresh database) otherwise walks a tenant_id index — every row of the
 * tenant — instead of looking the ids up; PostgreSQL plans the same either way.
 */
const ofTenant = (tenantId: TenantId) => sql<boolean>`(tenant_id || '') = ${tenantId}`;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

export function registerRepository(db: Kysely<Database>, dialect: DialectInfo) {
  /**
   * Removes persons' register data: their register endpoints and address links, and the contact itself
   * unless a resident added something of their own to it (then that stays, with the contact).
   */
  async function removePersons(tenantId: TenantId, contactIds: readonly string[]): Promise<void> {
    for (const ids of chunks(contactIds, IDS_PER_STATEMENT)) {
      await db.deleteFrom('contact_endpoints').where('tenant_id', '=', tenantId).where('source', '=', 'register').where('contact_id', 'in', ids).execute();
      await db.deleteFrom('contact_addresses').where('tenant_id', '=', tenantId).where('source', '=', 'register').where('contact_id', 'in', ids).execute();
      await db
        .deleteFrom('contacts')
        .where(ofTenant(tenantId))
        .where('source', '=', 'register')
        .where('id', 'in', ids)
        .where((eb) =>
          eb.and([
            eb.not(eb.exists(eb.selectFrom('contact_endpoints as e').select('e.id').whereRef('e.contact_id', '=', 'contacts.id'))),
            eb.not(eb.exists(eb.selectFrom('contact_addresses as ca').select('ca.id').whereRef('ca.contact_id', '=', 'contacts.id'))),
          ]),
        )
        .execute();
    }
  }

  return {
    removePersons,

    /**
     * Serialises imports of one tenant: the first statement of the transaction writes the tenant's row,
     * which a second import then waits on (PostgreSQL row lock; SQLite's one writer).
     */
    async lockTenant(tenantId: TenantId): Promise<void> {
      await db.updateTable('tenants').set({ updated_at: sql<number>`updated_at` }).where('id', '=', tenantId).execute();
    },

    /** One page of the address register, in source-id order (the tenant's unique index). */
    async addressKeys(tenantId: TenantId, afterSourceId: string, limit: number): Promise<Array<AddressKeyRow & { source_id: string }>> {
      return db
        .selectFrom('addresses')
        .select(['id', 'source_id', 'postal_code', 'street', 'street_key', 'street_key_sv', 'number_key'])
        .where('tenant_id', '=', tenantId)
        .where('source_id', '>', afterSourceId)
        .orderBy('source_id')
        .limit(limit)
        .execute();
    },

    /** Whether the tenant has any suppression (the import then hashes every number). */
    async hasSuppressions(tenantId: TenantId): Promise<boolean> {
      const row = await db.selectFrom('suppressions').select('endpoint_hash').where('tenant_id', '=', tenantId).limit(1).executeTakeFirst();
      return row !== undefined;
    },

    async suppressionHashes(tenantId: TenantId): Promise<Set<string>> {
      const rows = await db.selectFrom('suppressions').select('endpoint_hash').where('tenant_id', '=', tenantId).execute();
      return new Set(rows.map((r) => r.endpoint_hash));
    },

    /**
     * Numbers the supplementary register holds per address: endpoints of self-registered contacts, and
     * endpoints a resident added to any contact, paired with every address of that contact (switched
     * off ones too: a resident who turned alerts off there must not get them through the register).
     */
    async selfCoverage(tenantId: TenantId): Promise<Array<{ address_id: string; value: string }>> {
      return db
        .selectFrom('contact_endpoints as e')
        .innerJoin('contacts as c', 'c.id', 'e.contact_id')
        .innerJoin('contact_addresses as ca', 'ca.contact_id', 'e.contact_id')
        .select(['ca.address_id', 'e.value'])
        .where('e.tenant_id', '=', tenantId)
        .where('e.type', 'in', ['mobile', 'landline'])
        .where((eb) => eb.or([eb('c.source', '=', 'self'), eb('e.source', '=', 'self')]))
        .execute();
    },

    /** Person keys of self-registered contacts that carry one: the resident's entry replaces the register's. */
    async selfClaimedPersons(tenantId: TenantId): Promise<Set<string>> {
      const rows = await db
        .selectFrom('contacts')
        .select('person_id')
        .where('tenant_id', '=', tenantId)
        .where('source', '=', 'self')
        .where('person_id', 'is not', null)
        .execute();
      return new Set(rows.map((r) => r.person_id!));
    },

    /** The register contacts of these persons, with all their endpoints and address links (any source). */
    async storedPersons(tenantId: TenantId, personKeys: string[]) {
      const contacts: StoredContact[] = await db
        .selectFrom('contacts')
        .select(['id', 'person_id', 'first_name', 'last_name', 'birth_date'])
        .where('tenant_id', '=', tenantId)
        .where('source', '=', 'register')
        .where('person_id', 'in', personKeys)
        .orderBy('created_at')
        .execute();
      if (contacts.length === 0) return { contacts, endpoints: [], links: [] };
      const ids = contacts.map((c) => c.id);
      const endpoints: StoredEndpoint[] = await db
        .selectFrom('contact_endpoints')
        .select(['id', 'contact_id', 'value', 'source'])
        .where('tenant_id', '=', tenantId)
        .where('contact_id', 'in', ids)
        .execute();
      const links: StoredLink[] = await db
        .selectFrom('contact_addresses')
        .select(['id', 'contact_id', 'address_id', 'role', 'source', 'active'])
        .where('tenant_id', '=', tenantId)
        .where('contact_id', 'in', ids)
        .execute();
      return { contacts, endpoints, links };
    },

    /**
     * One page of the tenant's register contacts in id order (for the snapshot). Walked along the
     * primary key: with a usable tenant index SQLite would read and sort every register contact per page.
     */
    async registerContactsPage(tenantId: TenantId, after: string, limit: number) {
      const rows = await db
        .selectFrom('contacts')
        .select(['id', 'person_id', 'first_name', 'last_name', 'birth_date'])
        .where(ofTenant(tenantId))
        .where(sql<boolean>`(source || '') = 'register'`)
        .where('id', '>', after)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ ...r, person_id: r.person_id ?? '' }));
    },

    /** Register numbers of the contacts with ids in [from, to] (a range scan of the contact index). */
    async registerEndpointsIn(tenantId: TenantId, range: { from: string; to: string }) {
      return db
        .selectFrom('contact_endpoints')
        .select(['contact_id', 'value'])
        .where('tenant_id', '=', tenantId)
        .where('contact_id', '>=', range.from)
        .where('contact_id', '<=', range.to)
        .where('source', '=', 'register')
        .execute();
    },

    /** Register addresses of the contacts with ids in [from, to]. */
    async registerLinksIn(tenantId: TenantId, range: { from: string; to: string }) {
      return db
        .selectFrom('contact_addresses')
        .select(['contact_id', 'address_id'])
        .where('tenant_id', '=', tenantId)
        .where('contact_id', '>=', range.from)
        .where('contact_id', '<=', range.to)
        .where('source', '=', 'register')
        .execute();
    },

    /** Removes the register data of the persons with these keys (see removePersons). */
    async removePersonsByKey(tenantId: TenantId, personKeys: readonly string[]): Promise<void> {
      for (const keys of chunks(personKeys, IDS_PER_STATEMENT)) {
        const rows = await db
          .selectFrom('contacts')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('source', '=', 'register')
          .where('person_id', 'in', keys)
          .execute();
        await removePersons(tenantId, rows.map((r) => r.id));
      }
    },

    /** Fresh planner statistics after a large import (PostgreSQL's autovacuum would lag behind by a minute). */
    async refreshStatistics(): Promise<void> {
      for (const table of ['contacts', 'contact_endpoints', 'contact_addresses'] as const) await sql`analyze ${sql.table(table)}`.execute(db);
    },

    async apply(tenantId: TenantId, plan: WritePlan, now: number): Promise<void> {
      await removePersons(tenantId, plan.duplicateContacts);
      for (const ids of chunks(plan.endpointsToDelete, IDS_PER_STATEMENT)) {
        await db.deleteFrom('contact_endpoints').where(ofTenant(tenantId)).where('source', '=', 'register').where('id', 'in', ids).execute();
      }
      for (const ids of chunks(plan.linksToDelete, IDS_PER_STATEMENT)) {
        await db.deleteFrom('contact_addresses').where(ofTenant(tenantId)).where('source', '=', 'register').where('id', 'in', ids).execute();
      }
      const contactValues = (c: NewContact) => [c.id, tenantId, 'person', 'register', c.personKey, c.firstName, c.lastName, c.birthDate, c.language, now, now];
      await bulkUpsert(db, dialect.compileUpsert, CONTACT_UPSERT, plan.contactsToUpdate.map(contactValues));
      await bulkInsert(db, dialect, CONTACT_INSERT, plan.contactsToInsert.map(contactValues));
      const endpoints = plan.endpointsToInsert.map((e) => [e.id, tenantId, e.contactId, e.phone.type, e.phone.value, 'register', 0, now, now]);
      await bulkInsert(db, dialect, ENDPOINT_INSERT, endpoints);
      const links = plan.linksToInsert.map((l) => [l.id, tenantId, l.contactId, l.addressId, l.role, 'register', l.active, now, now]);
      await bulkInsert(db, dialect, LINK_INSERT, links);
    },
  };
}

export type RegisterRepository = ReturnType<typeof registerRepository>;
