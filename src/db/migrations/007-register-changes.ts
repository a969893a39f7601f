/**
 * The register's change log, so that every process can keep an in-memory copy of a tenant's register
 * (what recipient resolution reads) and bring it up to date by reading only what changed: a revision per
 * tenant, raised in the transaction of every write to addresses, contacts, their endpoints or their
 * places, and one row per revision naming the contact that changed — or none, when a bulk write
 * (an address or register import) changed too much to name, and a copy must be read again whole.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('register_revisions')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('register_changes')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('register_changes_pk', ['tenant_id', 'revision'])
    .execute();
}
