/**
 * Tables of the residents module: one-time PINs (login and verification of a new number or email),
 * plus the indexes that let expired sessions and old rate-limit windows be pruned cheaply.
 * A PIN row holds no personal data: the subject is a keyed hash of the endpoint (login) or an endpoint id
 * (verification), the code only as a keyed hash.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('pins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    // One live PIN per subject: issuing a new one replaces the old (and the resend cooldown is its age).
    .addUniqueConstraint('pins_subject_uq', ['tenant_id', 'purpose', 'subject'])
    .execute();
  await db.schema.createIndex('pins_expires_idx').on('pins').column('expires_at').execute();
  await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();
  await db.schema.createIndex('rate_counters_window_idx').on('rate_counters').column('window_start').execute();
}
