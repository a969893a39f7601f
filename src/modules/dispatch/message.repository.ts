/**
 * The SQL of messages. The claim that starts a message is a single conditional UPDATE, so any number of
 * processes can race for it safely. Tenant id first, always.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, MessagesTable } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';

export type MessageRow = Selectable<MessagesTable>;

export function messageRepository(db: Kysely<Database>) {
  return {
    async insert(tenantId: TenantId, row: Omit<MessageRow, 'tenant_id'>): Promise<void> {
      await db
        .insertInto('messages')
        .values({ ...row, tenant_id: tenantId })
        .execute();
    },

    async find(tenantId: TenantId, id: string): Promise<MessageRow | undefined> {
      return db
        .selectFrom('messages')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async listForIncident(tenantId: TenantId, incidentId: string): Promise<MessageRow[]> {
      return db
        .selectFrom('messages')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', incidentId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    },

    async update(
      tenantId: TenantId,
      id: string,
      values: Partial<Omit<MessageRow, 'id' | 'tenant_id'>>,
      onlyIfStatus?: MessageRow['status'][],
    ): Promise<boolean> {
      let query = db.updateTable('messages').set(values).where('tenant_id', '=', tenantId).where('id', '=', id);
      if (onlyIfStatus) query = query.where('status', 'in', onlyIfStatus);
      return Number((await query.executeTakeFirst()).numUpdatedRows) === 1;
    },

    /** Takes a due message to start it (or one whose starter died): true for exactly one caller. */
    async claimStart(tenantId: TenantId, id: string, now: number, leaseUntil: number): Promise<boolean> {
      const result = await db
        .updateTable('messages')
        .set({ status: 'starting', lease_until: leaseUntil })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'scheduled'), eb('send_at', '<=', now)]),
            eb.and([eb('status', '=', 'starting'), eb('lease_until', '<', now)]),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Messages any process should start now: due, or abandoned while starting. Across tenants (the sweep). */
    async listStartable(now: number, limit: number): Promise<Array<{ id: string; tenant_id: string }>> {
      return db
        .selectFrom('messages')
        .select(['id', 'tenant_id'])
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'scheduled'), eb('send_at', '<=', now)]),
            eb.and([eb('status', '=', 'starting'), eb('lease_until', '<', now)]),
          ]),
        )
        .orderBy('send_at')
        .limit(limit)
        .execute();
    },
  };
}

export type MessageRepository = ReturnType<typeof messageRepository>;
