/**
 * The SQL of a register import. Reads are paged or per batch (never a query per row); writes are the
 * bulk statements of db/bulk-upsert.ts. Every function takes the tenant id first. Deletes touch rows with
 * source 'register' only.
 */
import { sql, type Kysely } from 'kysely';
import { bulkUpsert, type UpsertShape } from '../../db/bulk-upsert.js';
import type { Engine } from '../../db/engines/engine.js';
import type { Database } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { AddressKeyRow } from './register.address-index.js';
import type { NewContact, StoredContact, StoredEndpoint, StoredLink, WritePlan } from './register.diff.js';
import { bulkInsertTogether, type SharedInsertShape } from '../../db/bulk-insert.js';
import type { DeferrableIndex } from '../../db/engines/engine.js';

const CONTACT_UPSERT: UpsertShape = {
  table: 'contacts',
  columns: [
    ['id', 'text'],
    ['tenant_id', 'text'],
    ['kind', 'text'],
    ['source', 'text'],
    ['person_id', 'text'],
    ['first_name', 'text'],
    ['last_name', 'text'],
    ['birth_date', 'text'],
    ['language', 'text'],
    ['created_at', 'bigint'],
    ['updated_at', 'bigint'],
  ],
  conflict: ['id'],
  compared: ['first_name', 'last_name', 'birth_date'],
  touched: ['updated_at'],
  returning: 'id',
};

// New rows only (the plan never adds a row that is there already): plain inserts (COPY on PostgreSQL),
// the values every row of an import shares (tenant, source, times) given once (see db/bulk-insert.ts).
const CONTACT_INSERT: SharedInsertShape = {
  table: 'contacts',
  columns: [
    ['id', 'text'],
    ['person_id', 'text'],
    ['first_name', 'text'],
    ['last_name', 'text'],
    ['birth_date', 'text'],
    ['language', 'text'],
  ],
  shared: [
    ['tenant_id', 'text'],
    ['kind', 'text'],
    ['source', 'text'],
    ['created_at', 'bigint'],
    ['updated_at', 'bigint'],
  ],
};

const ENDPOINT_INSERT: SharedInsertShape = {
  table: 'contact_endpoints',
  columns: [
    ['id', 'text'],
    ['contact_id', 'text'],
    ['type', 'text'],
    ['value', 'text'],
  ],
  shared: [
    ['tenant_id', 'text'],
    ['source', 'text'],
    ['verified', 'integer'],
    ['created_at', 'bigint'],
    ['updated_at', 'bigint'],
  ],
};

const LINK_INSERT: SharedInsertShape = {
  table: 'contact_addresses',
  columns: [
    ['id', 'text'],
    ['contact_id', 'text'],
    ['address_id', 'text'],
    ['role', 'text'],
    ['active', 'integer'],
  ],
  shared: [
    ['tenant_id', 'text'],
    ['source', 'text'],
    ['created_at', 'bigint'],
    ['updated_at', 'bigint'],
  ],
};

/**
 * The indexes whose keys a register import writes in random order (a person id hash, a phone number, an
 * address id): the ones worth building in one sorted pass after a first import (db/engines/sqlite/deferred-indexes.ts).
 */
export const RANDOM_KEY_INDEXES: readonly DeferrableIndex[] = [
  { table: 'contacts', index: 'contacts_person_idx' },
  { table: 'contact_endpoints', index: 'contact_endpoints_value_idx' },
  { table: 'contact_addresses', index: 'contact_addresses_dispatch_idx' },
];

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

export function registerRepository(db: Kysely<Database>, engine: Engine) {
  /**
   * Removes persons' register data: their register endpoints and places, and the contact itself
   * unless a resident added something of their own to it (then that stays, with the contact).
   */
  async function removePersons(tenantId: TenantId, contactIds: readonly string[]): Promise<void> {
    for (const ids of chunks(contactIds, IDS_PER_STATEMENT)) {
      await db
        .deleteFrom('contact_endpoints')
        .where('tenant_id', '=', tenantId)
        .where('source', '=', 'register')
        .where('contact_id', 'in', ids)
        .execute();
      await db
        .deleteFrom('contact_addresses')
        .where('tenant_id', '=', tenantId)
        .where('source', '=', 'register')
        .where('contact_id', 'in', ids)
        .execute();
      await db
        .deleteFrom('contacts')
        .where(ofTenant(tenantId))
        .where('source', '=', 'register')
        .where('id', 'in', ids)
        .where((eb) =>
          eb.and([
            eb.not(
              eb.exists(
                eb.selectFrom('contact_endpoints as e').select('e.id').whereRef('e.contact_id', '=', 'contacts.id'),
              ),
            ),
            eb.not(
              eb.exists(
                eb.selectFrom('contact_addresses as ca').select('ca.id').whereRef('ca.contact_id', '=', 'contacts.id'),
              ),
            ),
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
      await db
        .updateTable('tenants')
        .set({ updated_at: sql<number>`updated_at` })
        .where('id', '=', tenantId)
        .execute();
    },

    /** One page of the address register, in source-id order (the tenant's unique index). */
    async addressKeys(
      tenantId: TenantId,
      afterSourceId: string,
      limit: number,
    ): Promise<Array<AddressKeyRow & { source_id: string }>> {
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
      const row = await db
        .selectFrom('suppressions')
        .select('endpoint_hash')
        .where('tenant_id', '=', tenantId)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    async suppressionHashes(tenantId: TenantId): Promise<Set<string>> {
      const rows = await db
        .selectFrom('suppressions')
        .select('endpoint_hash')
        .where('tenant_id', '=', tenantId)
        .execute();
      return new Set(rows.map((r) => r.endpoint_hash));
    },

    /**
     * Numbers the supplementary register holds per address: endpoints of self-registered contacts, and
     * endpoints a resident added to any contact, paired with every address of that contact (switched
     * off ones too: a resident who turned alerts off there must not get them through the register).
     */
    async selfCoverage(tenantId: TenantId): Promise<Array<{ address_id: string; value: string }>> {
      // Two seeks instead of one join over every endpoint of the tenant: the self-registered contacts
      // (contacts_person_idx begins with tenant and source) and the self-entered endpoints (the partial
      // contact_endpoints_self_idx). The caller puts the pairs in a set: a pair found by both counts once.
      const ofSelfContacts = await db
        .selectFrom('contacts as c')
        .innerJoin('contact_endpoints as e', 'e.contact_id', 'c.id')
        .innerJoin('contact_addresses as ca', 'ca.contact_id', 'c.id')
        .select(['ca.address_id', 'e.value'])
        .where('c.tenant_id', '=', tenantId)
        .where('c.source', '=', 'self')
        .where('e.type', 'in', ['mobile', 'landline'])
        .execute();
      const selfEntered = await db
        .selectFrom('contact_endpoints as e')
        .innerJoin('contact_addresses as ca', 'ca.contact_id', 'e.contact_id')
        .select(['ca.address_id', 'e.value'])
        .where('e.tenant_id', '=', tenantId)
        // A literal, not a parameter: only then can either planner tell that the partial index applies.
        .where(sql<boolean>`e.source = 'self'`)
        .where('e.type', 'in', ['mobile', 'landline'])
        .execute();
      return [...ofSelfContacts, ...selfEntered];
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

    /** The register contacts of these persons, with all their endpoints and places (any source). */
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
        await removePersons(
          tenantId,
          rows.map((r) => r.id),
        );
      }
    },

    /** Fresh planner statistics after a large import (PostgreSQL's autovacuum would lag behind by a minute). */
    async refreshStatistics(): Promise<void> {
      for (const table of ['contacts', 'contact_endpoints', 'contact_addresses'] as const)
        await sql`analyze ${sql.table(table)}`.execute(db);
    },

    async apply(tenantId: TenantId, plan: WritePlan, now: number): Promise<void> {
      await removePersons(tenantId, plan.duplicateContacts);
      for (const ids of chunks(plan.endpointsToDelete, IDS_PER_STATEMENT)) {
        await db
          .deleteFrom('contact_endpoints')
          .where(ofTenant(tenantId))
          .where('source', '=', 'register')
          .where('id', 'in', ids)
          .execute();
      }
      for (const ids of chunks(plan.linksToDelete, IDS_PER_STATEMENT)) {
        await db
          .deleteFrom('contact_addresses')
          .where(ofTenant(tenantId))
          .where('source', '=', 'register')
          .where('id', 'in', ids)
          .execute();
      }
      const contactValues = (c: NewContact) => [
        c.id,
        tenantId,
        'person',
        'register',
        c.personKey,
        c.firstName,
        c.lastName,
        c.birthDate,
        c.language,
        now,
        now,
      ];
      await bulkUpsert(db, engine.compileUpsert, CONTACT_UPSERT, plan.contactsToUpdate.map(contactValues));
      await bulkInsertTogether(db, engine, [
        {
          shape: CONTACT_INSERT,
          shared: [tenantId, 'person', 'register', now, now],
          rows: plan.contactsToInsert.map((c) => [c.id, c.personKey, c.firstName, c.lastName, c.birthDate, c.language]),
        },
        {
          shape: ENDPOINT_INSERT,
          shared: [tenantId, 'register', 0, now, now],
          rows: plan.endpointsToInsert.map((e) => [e.id, e.contactId, e.phone.type, e.phone.value]),
        },
        {
          shape: LINK_INSERT,
          shared: [tenantId, 'register', now, now],
          rows: plan.linksToInsert.map((l) => [l.id, l.contactId, l.addressId, l.role, l.active]),
        },
      ]);
    },
  };
}

export type RegisterRepository = ReturnType<typeof registerRepository>;
