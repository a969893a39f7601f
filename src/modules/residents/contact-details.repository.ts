/**
 * A contact with its numbers and emails and its addresses, in one statement: GET /me and the operators'
 * view of a resident read all three every time, and on PostgreSQL three statements are three round trips
 * (a login's statements are most of its cost). The children come back as JSON arrays (src/db/json.ts).
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../../db/engines/engine.js';
import { jsonRows } from '../../db/json.js';
import { precompile, type Param } from '../../db/precompiled.js';
import type { Database } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import { PLACE_COLUMNS, toPlace, type PlaceWithAddress } from './place.repository.js';
import type { ContactRow, EndpointRow } from './contact.repository.js';

export interface ContactDetails {
  contact: ContactRow;
  /** Oldest first. */
  endpoints: EndpointRow[];
  /** Main first, then by when added. */
  places: PlaceWithAddress[];
}

const ENDPOINT_COLUMNS = [
  'e.id',
  'e.tenant_id',
  'e.contact_id',
  'e.type',
  'e.value',
  'e.source',
  'e.verified',
  'e.created_at',
  'e.updated_at',
] as const;

export function contactDetailsRepository(db: Kysely<Database>, engine: Pick<Engine, 'jsonArrayFrom'>) {
  const detailsOf = precompile(db, (db, p: Param<{ tenantId: TenantId; id: string }>) =>
    db
      .selectFrom('contacts as c')
      .selectAll('c')
      .select((eb) => [
        engine
          .jsonArrayFrom(
            eb
              .selectFrom('contact_endpoints as e')
              .select(ENDPOINT_COLUMNS)
              .whereRef('e.tenant_id', '=', 'c.tenant_id')
              .whereRef('e.contact_id', '=', 'c.id')
              .orderBy('e.created_at')
              .orderBy('e.id'),
          )
          .as('endpoints'),
        engine
          .jsonArrayFrom(
            eb
              .selectFrom('contact_addresses as l')
              .innerJoin('addresses as a', (join) =>
                join.onRef('a.id', '=', 'l.address_id').onRef('a.tenant_id', '=', 'l.tenant_id'),
              )
              .select(PLACE_COLUMNS)
              .whereRef('l.tenant_id', '=', 'c.tenant_id')
              .whereRef('l.contact_id', '=', 'c.id')
              .orderBy('l.role', 'desc')
              .orderBy('l.created_at')
              .orderBy('l.id'),
          )
          .as('places'),
      ])
      .where('c.tenant_id', '=', p('tenantId'))
      .where('c.id', '=', p('id')),
  );

  return {
    /** The contact `id` of this tenant with its endpoints and addresses; undefined when there is none. */
    async find(tenantId: TenantId, id: string): Promise<ContactDetails | undefined> {
      const row = (await detailsOf({ tenantId, id })).rows[0];
      if (!row) return undefined;
      const { endpoints, places, ...contact } = row;
      return {
        contact,
        endpoints: jsonRows(endpoints),
        places: jsonRows(places).map((place) => toPlace(tenantId, place)),
      };
    },
  };
}

export type ContactDetailsRepository = ReturnType<typeof contactDetailsRepository>;
