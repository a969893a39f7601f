/**
 * A small partial index of the numbers and emails residents entered themselves (`source = 'self'`): a
 * register import reads them (with the self-registered contacts) before every run, to keep the
 * register from adding a number a resident already holds for an address. Without it that read walked
 * every endpoint of the tenant and joined each to its contact (3.8 s of a million-person re-import on
 * SQLite); with it, the few self rows are a seek (covering; tenant and type first, so that both
 * planners prefer it to the tenant's value index). Register rows are not in it, so a register import
 * writes no entry of it.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createIndex('contact_endpoints_self_idx')
    .on('contact_endpoints')
    .columns(['tenant_id', 'type', 'contact_id', 'value'])
    .where(sql.ref('source'), '=', 'self')
    .execute();
}
