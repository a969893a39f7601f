/**
 * Drops two indexes that the dispatch migration's covering indexes begin with, so serve every query they
 * served: `contact_endpoints_contact_idx` (contact_id) ⊂ `contact_endpoints_dispatch_idx`, and
 * `contact_addresses_address_idx` (tenant_id, address_id) ⊂ `contact_addresses_dispatch_idx`. Each is one
 * more B-tree written for every person a register import adds.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.dropIndex('contact_endpoints_contact_idx').ifExists().execute();
  await db.schema.dropIndex('contact_addresses_address_idx').ifExists().execute();
}
