/**
 * The register's change log (migration 007). Every write to a tenant's addresses, contacts, endpoints or
 * places is logged by the database's own triggers (migration 017) in the transaction of the write,
 * so that the revision is raised exactly when the write commits: a process holding a copy of the register
 * (dispatch's register index) then asks what changed since its revision and reads only that.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';

/** `null`: a bulk change (an import) — the whole register is to be read again. */
export type ChangedContacts = readonly string[] | null;

export interface ChangeLogEntry {
  revision: number;
  contactId: string | null;
}

/**
 * Runs a large write of a tenant's register (an import) inside `trx`, a transaction: its rows are not
 * logged one by one, and one bulk change is logged at the end if it wrote anything.
 */
export async function bulkRegisterWrite<T>(
  trx: Transaction<Database>,
  tenantId: TenantId,
  work: () => Promise<T>,
): Promise<T> {
  await trx.insertInto('register_bulk_writes').values({ tenant_id: tenantId, dirty: 0 }).execute();
  const result = await work();
  await trx.deleteFrom('register_bulk_writes').where('tenant_id', '=', tenantId).execute();
  return result;
}

export function changeLogRepository(db: Kysely<Database>) {
  return {
    /**
     * Raises the tenant's revision once per named contact (or once for a bulk change). The triggers log
     * every write of the register's tables already; this is for a copy that must be read again anyway.
     */
    async record(tenantId: TenantId, contacts: ChangedContacts, now: number): Promise<void> {
      const ids: (string | null)[] = contacts === null ? [null] : [...new Set(contacts)];
      if (ids.length === 0) return;
      const raised = await db
        .insertInto('register_revisions')
        .values({ tenant_id: tenantId, revision: ids.length })
        .onConflict((oc) =>
          oc
            .column('tenant_id')
            .doUpdateSet((eb) => ({ revision: eb('register_revisions.revision', '+', ids.length) })),
        )
        .returning('revision')
        .executeTakeFirstOrThrow();
      const last = Number(raised.revision);
      await db
        .insertInto('register_changes')
        .values(
          ids.map((contact_id, i) => ({
            tenant_id: tenantId,
            revision: last - ids.length + 1 + i,
            contact_id,
            created_at: now,
          })),
        )
        .execute();
    },

    async revision(tenantId: TenantId): Promise<number> {
      const row = await db
        .selectFrom('register_revisions')
        .select('revision')
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      return row ? Number(row.revision) : 0;
    },

    /** The changes after `revision`, in order (at most `limit`: more than that is as good as a reload). */
    async since(tenantId: TenantId, revision: number, limit: number): Promise<ChangeLogEntry[]> {
      const rows = await db
        .selectFrom('register_changes')
        .select(['revision', 'contact_id'])
        .where('tenant_id', '=', tenantId)
        .where('revision', '>', revision)
        .orderBy('revision')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ revision: Number(r.revision), contactId: r.contact_id }));
    },

    /** Forgets changes older than `before` (epoch ms): a copy older than that is read again whole. */
    async prune(before: number): Promise<number> {
      const result = await db.deleteFrom('register_changes').where('created_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type ChangeLogRepository = ReturnType<typeof changeLogRepository>;
