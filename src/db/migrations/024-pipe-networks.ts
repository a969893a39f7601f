/**
 * Pipe networks. `pipe_networks`: per tenant and service (water, district heating, sewer) the network as
 * last imported — its graph and address connections as one compressed blob (read whole into memory, never
 * queried by column), the import's counts as JSON, and a revision that each import raises, by which
 * every process knows its in-memory copy is stale. `incidents.network`: an incident's area given as a
 * trace of the network (service, break point, failed valves), as JSON.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createTable('pipe_networks')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('imported_at', 'bigint', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('data', engine.name === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .addPrimaryKeyConstraint('pipe_networks_pk', ['tenant_id', 'service'])
    .execute();
  await db.schema.alterTable('incidents').addColumn('network', 'text').execute();
}
