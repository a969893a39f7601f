/**
 * Less work per imported address (issue: a million-address import at 50,000 rows/s):
 *  - `addresses_street_sv_idx` becomes partial, `where street_key_sv is not null`: most municipalities
 *    are monolingual and their addresses have no Swedish street name, yet each was written into this
 *    B-tree (one entry in five of an address's index entries). The only reads by that column are
 *    `street_key_sv = ?` / `in (…)`, which imply `is not null`, so both engines still use the index.
 *  - PostgreSQL only: the foreign keys addresses → tenants and search_words → tenants go, as migration
 *    011 did for the register's tables: each inserted row fired a trigger that looked the tenant up and
 *    locked it (measured: about a fifth of the server's time per imported address). Every row is written
 *    with the id of a tenant the code has just read, and no code deletes tenants. SQLite checks foreign
 *    keys inside the insert at no comparable cost and keeps them.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema.dropIndex('addresses_street_sv_idx').ifExists().execute();
  await db.schema
    .createIndex('addresses_street_sv_idx')
    .on('addresses')
    .columns(['tenant_id', 'street_key_sv', 'number_int'])
    .where(sql.ref('street_key_sv'), 'is not', null)
    .execute();
  if (engine.name !== 'postgres') return;
  await sql`alter table addresses drop constraint if exists addresses_tenant_id_fkey`.execute(db);
  await sql`alter table search_words drop constraint if exists search_words_tenant_id_fkey`.execute(db);
}
