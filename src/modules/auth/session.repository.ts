/** The SQL of server-side sessions. Rows are keyed by the SHA-256 of the token; the token is only in the cookie. */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DialectInfo } from '../../db/dialect.js';
import { precompile, type Param } from '../../db/precompiled.js';
import type { Database, SessionsTable } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { AuditRow } from '../audit/audit.repository.js';

export type SessionRow = Selectable<SessionsTable>;

type ConsumingParams = SessionRow & { pinId: string };
/** An audit row beside a session's columns (same tenant). */
type AuditParams = { [K in Exclude<keyof AuditRow, 'tenant_id'> as `audit_${K}`]: AuditRow[K] };
const auditParams = (a: AuditRow): AuditParams => ({
  audit_id: a.id, audit_at: a.at, audit_actor_type: a.actor_type, audit_actor_id: a.actor_id, audit_action: a.action,
  audit_subject_type: a.subject_type, audit_subject_id: a.subject_id, audit_detail: a.detail,
});

export function sessionRepository(db: Kysely<Database>, dialect: Pick<DialectInfo, 'writableCtes'> = { writableCtes: false }) {
  // Every logged-in request reads its session, and every login writes one: compiled once.
  const insertSession = precompile(db, (db, p: Param<SessionRow>) =>
    db.insertInto('sessions').values({
      id: p('id'), tenant_id: p('tenant_id'), subject_type: p('subject_type'), subject_id: p('subject_id'), csrf_token: p('csrf_token'),
      created_at: p('created_at'), last_seen_at: p('last_seen_at'), expires_at: p('expires_at'), data: p('data'),
    }),
  );
  // The login's last write on PostgreSQL: the PIN consumed and the session opened in one statement —
  // and, when the login opens a contact, its audit entry, which then commits (or not) with the session
  // (asynchronously, as every session write: a crash may lose the last moment's logins, never one half).
  const consumed = (p: Param<ConsumingParams>) => sql`consumed as (delete from pins where tenant_id = ${p('tenant_id')} and id = ${p('pinId')} returning id)`;
  const sessionFromConsumed = (p: Param<ConsumingParams>) => sql`
    insert into sessions (id, tenant_id, subject_type, subject_id, csrf_token, created_at, last_seen_at, expires_at, data)
    select ${p('id')}, ${p('tenant_id')}, ${p('subject_type')}, ${p('subject_id')}, ${p('csrf_token')}, ${p('created_at')}, ${p('last_seen_at')}, ${p('expires_at')}, ${p('data')}
    from consumed`;
  const insertConsumingPin = precompile(db, (_db, p: Param<ConsumingParams>) => sql`with ${consumed(p)} ${sessionFromConsumed(p)}`);
  const insertConsumingPinAudited = precompile(db, (_db, p: Param<ConsumingParams & AuditParams>) => sql`
    with ${consumed(p)}, audited as (
      insert into audit_log (id, tenant_id, at, actor_type, actor_id, action, subject_type, subject_id, detail)
      select ${p('audit_id')}, ${p('tenant_id')}, ${p('audit_at')}, ${p('audit_actor_type')}, ${p('audit_actor_id')}, ${p('audit_action')}, ${p('audit_subject_type')}, ${p('audit_subject_id')}, ${p('audit_detail')}
      from consumed
    )
    ${sessionFromConsumed(p)}`);
  const insertAudit = (row: AuditRow) => db.insertInto('audit_log').values(row).execute();
  const deletePin = precompile(db, (db, p: Param<{ tenantId: TenantId; id: string }>) => db.deleteFrom('pins').where('tenant_id', '=', p('tenantId')).where('id', '=', p('id')));
  const findSession = precompile(db, (db, p: Param<{ tenantId: TenantId; id: string; now: number }>) =>
    db.selectFrom('sessions').selectAll().where('id', '=', p('id')).where('tenant_id', '=', p('tenantId')).where('expires_at', '>', p('now')),
  );

  return {
    async insert(tenantId: TenantId, row: Omit<SessionRow, 'tenant_id'>): Promise<void> {
      await insertSession({ ...row, tenant_id: tenantId });
    },

    /**
     * Inserts the session only if it consumes the PIN `pinId` (deletes it): false when the PIN was gone;
     * with `audit`, that entry too, only then. One statement on PostgreSQL; on SQLite the delete, then the
     * inserts.
     */
    async insertConsumingPin(tenantId: TenantId, row: Omit<SessionRow, 'tenant_id'>, pinId: string, audit?: AuditRow): Promise<boolean> {
      const session = { ...row, tenant_id: tenantId, pinId };
      if (dialect.writableCtes) {
        const result = audit ? await insertConsumingPinAudited({ ...session, ...auditParams(audit) }) : await insertConsumingPin(session);
        return Number(result.numAffectedRows) === 1;
      }
      if (Number((await deletePin({ tenantId, id: pinId })).numAffectedRows) !== 1) return false;
      await insertSession({ ...row, tenant_id: tenantId });
      if (audit) await insertAudit({ ...audit, tenant_id: tenantId });
      return true;
    },

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
