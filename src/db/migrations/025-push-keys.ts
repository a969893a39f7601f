/**
 * Web push. `push_keys`: the instance's VAPID key pair (RFC 8292), one row, made by the first process
 * that needs it and read by every other (`aviso serve` and `aviso worker` processes share it): push
 * services tie a subscription to the public key the browser subscribed with, so a pair made anew would
 * orphan every subscription. Browsers' subscriptions themselves are contacts' endpoints of type `push`
 * (`contact_endpoints`, the subscription as JSON).
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('push_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
