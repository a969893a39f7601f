/**
 * Tables of the register import: one row per import run (CLI or upload), with its options,
 * counts and the report of rejected rows, so that an operator can follow an upload and read its report.
 * Never the register's rows themselves: those live in contacts, contact_endpoints and contact_addresses.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('register_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('file_name', 'text')
    .addColumn('file_bytes', 'bigint')
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('counts', 'text')
    .addColumn('report', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('register_imports_tenant_idx')
    .on('register_imports')
    .columns(['tenant_id', 'created_at'])
    .execute();
}
