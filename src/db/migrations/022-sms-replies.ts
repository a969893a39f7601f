/**
 * Two-way SMS. `sms_opt_outs`: numbers that answered STOP (LOPETA, SLUTA) to a tenant's notices; kept
 * apart from the register so that no import brings them back, and left out of every recipient set of
 * that tenant until the resident undoes it in the portal. `sms_replies`: any other text a resident sent,
 * with the incident of the last notice that number was sent, for the operators of that incident.
 * `incident_recipients_endpoint_idx` finds that last notice by number.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('sms_opt_outs')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sms_opt_outs_pk', ['tenant_id', 'number'])
    .execute();
  await db.schema
    .createTable('sms_replies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('incident_id', 'text')
    .addColumn('message_id', 'text')
    .addColumn('from_number', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sms_replies_incident_idx')
    .on('sms_replies')
    .columns(['tenant_id', 'incident_id', 'received_at'])
    .execute();
  await db.schema
    .createIndex('incident_recipients_endpoint_idx')
    .on('incident_recipients')
    .columns(['endpoint', 'channel'])
    .execute();
}
