/**
 * Tables of dispatch: operators and API tokens, incidents, the frozen recipient set of an
 * incident, messages with one delivery row per recipient, the batches a send is cut into, and the
 * embedded job queue (used on SQLite; PostgreSQL runs pg-boss in its own schema).
 * Deliveries are keyed by (message, recipient seq): the rows of a send are written by one
 * INSERT … SELECT from the frozen set, and `message_id:seq` is the id providers and the inbox see.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('operators')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('totp_secret', 'text')
    .addColumn('totp_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'bigint')
    .addColumn('last_login_at', 'bigint')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('operators_email_uq', ['tenant_id', 'email'])
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint')
    .addColumn('ends_at', 'bigint')
    .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('area', 'text')
    .addColumn('streets', 'text')
    .addColumn('postal_codes', 'text')
    .addColumn('geometry', 'text')
    .addColumn('min_lon', 'double precision')
    .addColumn('min_lat', 'double precision')
    .addColumn('max_lon', 'double precision')
    .addColumn('max_lat', 'double precision')
    .addColumn('frozen_at', 'bigint')
    .addColumn('recipient_count', 'integer')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incidents_tenant_idx')
    .on('incidents')
    .columns(['tenant_id', 'status', 'updated_at'])
    .execute();

  await db.schema
    .createTable('incident_recipients')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('address_id', 'text')
    .addColumn('address_label', 'text')
    .addPrimaryKeyConstraint('incident_recipients_pk', ['incident_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('incident_recipients_contact_idx')
    .on('incident_recipients')
    .columns(['tenant_id', 'contact_id'])
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('texts', 'text', (c) => c.notNull())
    .addColumn('rendered', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('warnings', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('send_at', 'bigint', (c) => c.notNull())
    .addColumn('held_until', 'bigint')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('recipient_count', 'integer')
    .addColumn('batch_count', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('messages_incident_idx')
    .on('messages')
    .columns(['tenant_id', 'incident_id', 'created_at'])
    .execute();
  await db.schema.createIndex('messages_due_idx').on('messages').columns(['status', 'send_at']).execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('provider', 'text')
    .addColumn('provider_id', 'text')
    .addColumn('error', 'text')
    .addColumn('sent_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('deliveries_pk', ['message_id', 'seq'])
    .execute();
  // Receipts find their delivery by the provider's id; only deliveries still waiting for one are indexed.
  await db.schema
    .createIndex('deliveries_provider_idx')
    .on('deliveries')
    .column('provider_id')
    .where(sql<boolean>`status = 'sent'`)
    .execute();

  await db.schema
    .createTable('dispatch_batches')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('batch_no', 'integer', (c) => c.notNull())
    .addColumn('first_seq', 'integer', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('dispatch_batches_pk', ['message_id', 'batch_no'])
    .execute();
  await db.schema
    .createIndex('dispatch_batches_status_idx')
    .on('dispatch_batches')
    .columns(['status', 'claimed_until'])
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('available_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_available_idx').on('jobs').columns(['queue', 'available_at']).execute();

  // Recipient resolution reads up to 200,000 addresses and their contacts per preview: covering indexes
  // (tenant id last where the lookup is by id) make every step an index-only read in key order.
  await db.schema
    .createIndex('addresses_dispatch_idx')
    .on('addresses')
    .columns(['tenant_id', 'lon', 'lat', 'id'])
    .execute();
  await db.schema
    .createIndex('contact_addresses_dispatch_idx')
    .on('contact_addresses')
    .columns(['tenant_id', 'address_id', 'contact_id', 'active'])
    .execute();
  await db.schema
    .createIndex('contacts_dispatch_idx')
    .on('contacts')
    .columns(['id', 'tenant_id', 'kind', 'source', 'birth_date', 'language', 'priority'])
    .execute();
  await db.schema
    .createIndex('contact_endpoints_dispatch_idx')
    .on('contact_endpoints')
    .columns(['contact_id', 'tenant_id', 'type', 'value', 'source', 'verified'])
    .execute();

  // The dev inbox renders a voice message's audio when it is first played, in the message's language.
  await db.schema.alterTable('inbox_messages').addColumn('language', 'text').execute();
}
