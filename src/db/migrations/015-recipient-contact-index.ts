/**
 * A resident's notice history finds their rows of the frozen recipient sets by contact id. Contact ids
 * are unique across tenants, so the index needs only the contact id: without the 36-character tenant id
 * in front, each of the ~130,000 entries a large send's freeze writes is half the size.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.dropIndex('incident_recipients_contact_idx').ifExists().execute();
  await db.schema
    .createIndex('incident_recipients_contact_idx')
    .on('incident_recipients')
    .column('contact_id')
    .execute();
}
