/**
 * Dispatch now reads a tenant's whole register once into memory (the register index) instead of probing
 * contacts and endpoints by id for each preview. Its reads are `where tenant_id = ?` over contacts and
 * endpoints: two tenant-first indexes are widened to cover them (an index-only scan instead of a table
 * lookup per row), and the id-first contacts index those probes used is dropped — one B-tree fewer for
 * every person a register import adds. The widened indexes keep their leading columns, so every query
 * they served (the import's person lookup, login by number or email) still uses them.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.dropIndex('contacts_dispatch_idx').ifExists().execute();
  await db.schema.dropIndex('contacts_person_idx').ifExists().execute();
  await db.schema
    .createIndex('contacts_person_idx')
    .on('contacts')
    .columns(['tenant_id', 'source', 'person_id', 'id', 'kind', 'birth_date', 'language', 'priority'])
    .execute();
  await db.schema.dropIndex('contact_endpoints_value_idx').ifExists().execute();
  await db.schema
    .createIndex('contact_endpoints_value_idx')
    .on('contact_endpoints')
    .columns(['tenant_id', 'value', 'contact_id', 'type', 'source', 'verified'])
    .execute();
}
