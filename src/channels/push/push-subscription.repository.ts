/**
 * The SQL the push channel needs of the register: a browser subscription is a contact's endpoint of type
 * `push` (its value the subscription's JSON). A subscription its push service says is gone is removed from
 * every contact of the tenant that had it; the change log's triggers tell the register indexes.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';

export function pushSubscriptionRepository(db: Kysely<Database>) {
  return {
    async removeGone(tenantId: TenantId, subscription: string): Promise<void> {
      await db
        .deleteFrom('contact_endpoints')
        .where('tenant_id', '=', tenantId)
        .where('value', '=', subscription)
        .where('type', '=', 'push')
        .execute();
    },
  };
}
