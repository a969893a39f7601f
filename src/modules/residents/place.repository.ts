/** The SQL of a contact's addresses (main and extra, each with its alert switch). Tenant id first, always. */
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { precompile, type Param } from '../../db/precompiled.js';
import type { ContactAddressesTable, Database } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { AddressRow } from '../addresses/address.repository.js';
import { ADDRESS_VIEW_COLUMNS, type AddressViewRow } from '../addresses/address.search.js';

export type PlaceLinkRow = Selectable<ContactAddressesTable>;
export type PlaceChanges = Pick<Updateable<ContactAddressesTable>, 'role' | 'label' | 'active' | 'updated_at'>;

export interface PlaceWithAddress {
  link: PlaceLinkRow;
  address: AddressViewRow;
}

/**
 * The columns of a contact's address with its register row, as `contact_addresses as l` joined to
 * `addresses as a` (only what an address view shows of the register row): one list for every read of them.
 */
export const PLACE_COLUMNS = [
  'l.id as link_id',
  'l.contact_id',
  'l.address_id',
  'l.role',
  'l.label',
  'l.source',
  'l.active',
  'l.created_at',
  'l.updated_at as link_updated_at',
  ...ADDRESS_VIEW_COLUMNS.map((column) => `a.${column}` as const),
] as const;

/** One row of PLACE_COLUMNS. */
export type PlaceRow = Omit<PlaceLinkRow, 'id' | 'tenant_id' | 'updated_at'> &
  AddressViewRow & { link_id: string; link_updated_at: number };

export function toPlace(
  tenantId: TenantId,
  { link_id, contact_id, address_id, role, label, source, active, created_at, link_updated_at, ...address }: PlaceRow,
): PlaceWithAddress {
  return {
    link: {
      id: link_id,
      tenant_id: tenantId,
      contact_id,
      address_id,
      role,
      label,
      source,
      active,
      created_at,
      updated_at: link_updated_at,
    },
    address,
  };
}

export function placeRepository(db: Kysely<Database>) {
  // The operators' view of a resident reads it: compiled once.
  const linksOf = precompile(db, (db, p: Param<{ tenantId: TenantId; contactId: string }>) =>
    db
      .selectFrom('contact_addresses as l')
      .innerJoin('addresses as a', (join) =>
        join.onRef('a.id', '=', 'l.address_id').onRef('a.tenant_id', '=', 'l.tenant_id'),
      )
      .select(PLACE_COLUMNS)
      .where('l.tenant_id', '=', p('tenantId'))
      .where('l.contact_id', '=', p('contactId'))
      .orderBy('l.role', 'desc')
      .orderBy('l.created_at')
      .orderBy('l.id'),
  );
  return {
    /** The contact's addresses with the register rows they point at: main first, then by when added. */
    async listForContact(tenantId: TenantId, contactId: string): Promise<PlaceWithAddress[]> {
      const { rows } = await linksOf({ tenantId, contactId });
      return rows.map((row) => toPlace(tenantId, row));
    },

    async find(tenantId: TenantId, contactId: string, id: string): Promise<PlaceLinkRow | undefined> {
      return db
        .selectFrom('contact_addresses')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('contact_id', '=', contactId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async findByAddress(tenantId: TenantId, contactId: string, addressId: string): Promise<PlaceLinkRow | undefined> {
      return db
        .selectFrom('contact_addresses')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('contact_id', '=', contactId)
        .where('address_id', '=', addressId)
        .executeTakeFirst();
    },

    async insert(tenantId: TenantId, row: Omit<Insertable<ContactAddressesTable>, 'tenant_id'>): Promise<void> {
      await db
        .insertInto('contact_addresses')
        .values({ ...row, tenant_id: tenantId })
        .execute();
    },

    async update(tenantId: TenantId, id: string, changes: PlaceChanges): Promise<void> {
      await db
        .updateTable('contact_addresses')
        .set(changes)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
    },

    /** Makes every main address of the contact an extra one (before another becomes main). */
    async demoteMain(tenantId: TenantId, contactId: string, now: number): Promise<void> {
      await db
        .updateTable('contact_addresses')
        .set({ role: 'extra', updated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('contact_id', '=', contactId)
        .where('role', '=', 'main')
        .execute();
    },

    async delete(tenantId: TenantId, id: string): Promise<void> {
      await db.deleteFrom('contact_addresses').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    },

    /** How many addresses the contact has, and how many of them with alerts on. */
    async countLinks(tenantId: TenantId, contactId: string): Promise<{ total: number; active: number }> {
      const row = await db
        .selectFrom('contact_addresses')
        .select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.sum<number>('active').as('active')])
        .where('tenant_id', '=', tenantId)
        .where('contact_id', '=', contactId)
        .executeTakeFirstOrThrow();
      return { total: Number(row.total), active: Number(row.active ?? 0) };
    },

    /**
     * The same place in another tenant's own address register (register once): same folded street (either
     * language), same folded house number, same postal code.
     */
    async findMatchingAddress(tenantId: TenantId, like: AddressRow): Promise<AddressRow | undefined> {
      const keys = [like.street_key, ...(like.street_key_sv ? [like.street_key_sv] : [])];
      return db
        .selectFrom('addresses')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('postal_code', '=', like.postal_code)
        .where('number_key', '=', like.number_key)
        .where((eb) => eb.or([eb('street_key', 'in', keys), eb('street_key_sv', 'in', keys)]))
        .orderBy('id')
        .executeTakeFirst();
    },
  };
}

export type PlaceRepository = ReturnType<typeof placeRepository>;
