/**
 * Drops `addresses_point_idx` (tenant, lon, lat): `addresses_dispatch_idx` (tenant, lon, lat, id) of the
 * dispatch migration serves every query it served, and each index is one more B-tree that every
 * imported address is written into.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.dropIndex('addresses_point_idx').ifExists().execute();
}
