/**
 * `incidents.selection_geometry`: the shape of an incident's streets and postal codes, computed from the
 * address points they match (GeoJSON MultiPolygon), so that an incident given by address appears on maps,
 * in the GeoJSON feed and as CAP polygons. Matching still goes by street, number and postal code; this
 * shape is only drawn.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.alterTable('incidents').addColumn('selection_geometry', 'text').execute();
}
