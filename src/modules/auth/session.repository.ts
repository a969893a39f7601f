/** The SQL of server-side sessions. Rows are keyed by the SHA-256 of the token; the token is only in the cookie. */
import type { Kysely } from 'kysely';
import type { Engine } from '../../db/engines/engine.js';
import { sessionInsert, type SessionRow } from '../../db/engines/writes.js';
import { precompile, type Param } from '../../db/precompiled.js';
import type { Database } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { AuditRow } from '../audit/audit.repository.js';

export type { SessionRow };

export function sessionRepository(db: Kysely<Database>, engine: Pick<Engine, 'sessionFromPin'>) {
  // Every logged-in request reads its session, and every login writes one: compiled once.
  const insertSession = sessionInsert(db);
  const insertConsumingPin = engine.sessionFromPin(db);
  const findSession = precompile(db, (db, p: Param<{ tenantId: TenantId; id: string; now: number }>) =>
    db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', p('id'))
      .where('tenant_id', '=', p('tenantId'))
      .where('expires_at', '>', p('now')),
  );

  return {
    async insert(tenantId: TenantId, row: Omit<SessionRow, 'tenant_id'>): Promise<void> {
      await insertSession({ ...row, tenant_id: tenantId });
    },

    /**
     * Inserts the session only if it consumes the PIN `pinId` (deletes it): false when the PIN was gone;
     * with `audit`, that entry too, only then. All or nothing (`Engine.sessionFromPin`: one statement on
     * PostgreSQL, one transaction on SQLite).
     */
    insertConsumingPin: (
      tenantId: TenantId,
      row: Omit<SessionRow, 'tenant_id'>,
      pinId: string,
      audit?: AuditRow,
    ): Promise<boolean> => insertConsumingPin({ ...row, tenant_id: tenantId }, pinId, audit),

    /** The live session with this id in this tenant (a session of another tenant is not found). */
    async find(tenantId: TenantId, id: string, now: number): Promise<SessionRow | undefined> {
      return (await findSession({ tenantId, id, now })).rows[0];
    },

    async touch(tenantId: TenantId, id: string, lastSeenAt: number, expiresAt: number): Promise<void> {
      await db
        .updateTable('sessions')
        .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
        .where('id', '=', id)
        .where('tenant_id', '=', tenantId)
        .execute();
    },

    async update(
      tenantId: TenantId,
      id: string,
      values: Partial<Pick<SessionRow, 'subject_type' | 'subject_id' | 'data'>>,
    ): Promise<void> {
      await db.updateTable('sessions').set(values).where('id', '=', id).where('tenant_id', '=', tenantId).execute();
    },

    async delete(tenantId: TenantId, id: string): Promise<void> {
      await db.deleteFrom('sessions').where('id', '=', id).where('tenant_id', '=', tenantId).execute();
    },

    /** Every session of a subject, except (optionally) one. Returns how many were removed. */
    async deleteForSubject(
      tenantId: TenantId,
      subject: { type: SessionRow['subject_type']; id: string },
      exceptId?: string,
    ): Promise<number> {
      let query = db
        .deleteFrom('sessions')
        .where('tenant_id', '=', tenantId)
        .where('subject_type', '=', subject.type)
        .where('subject_id', '=', subject.id);
      if (exceptId) query = query.where('id', '!=', exceptId);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Housekeeping across tenants: expired rows are useless to everyone. */
    async deleteExpired(now: number): Promise<void> {
      await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
    },
  };
}

export type SessionRepository = ReturnType<typeof sessionRepository>;
