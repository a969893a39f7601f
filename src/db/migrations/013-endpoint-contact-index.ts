/**
 * `contact_endpoints_dispatch_idx` (contact_id, tenant_id, type, value, source, verified) covered the
 * per-contact endpoint probes of the old recipient resolution. Dispatch now reads a tenant's endpoints
 * whole through `contact_endpoints_value_idx` (tenant first, covering), so what is left to serve by
 * contact id — a contact's endpoints, the cascade when a contact is deleted, the register's "does this
 * contact still hold anything" check — needs only the contact id. The narrow index is a third the size:
 * less to write for every person a register import adds.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.dropIndex('contact_endpoints_dispatch_idx').ifExists().execute();
  await db.schema.createIndex('contact_endpoints_contact_idx').on('contact_endpoints').column('contact_id').execute();
}
