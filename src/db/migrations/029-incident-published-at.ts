/**
 * `incidents.published_at`: when an incident was first published. Its CAP alert before any message went
 * out is sent at that time, and every later alert of the incident references it by that time, so it must
 * not move when the incident is edited. Incidents published already take their last change as it (the time
 * their alert carried until now).
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.alterTable('incidents').addColumn('published_at', 'bigint').execute();
  await sql`UPDATE incidents SET published_at = updated_at WHERE published = 1`.execute(db);
}
