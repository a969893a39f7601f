/**
 * PostgreSQL's login write: a session that consumes a PIN is one statement (writable CTEs): the PIN
 * consumed and the session opened — and, when the login opens a contact, its audit entry, which then
 * commits (or not) with the session (asynchronously, as every session write: a crash may lose the last
 * moment's logins, never one half).
 */
import { sql, type Kysely } from 'kysely';
import { precompile, type Param } from '../../precompiled.js';
import type { Database } from '../../schema.js';
import type { Engine } from '../engine.js';
import type { AuditRow, SessionRow } from '../writes.js';

type ConsumingParams = SessionRow & { pinId: string };
/** An audit row beside a session's columns (same tenant). */
type AuditParams = { [K in Exclude<keyof AuditRow, 'tenant_id'> as `audit_${K}`]: AuditRow[K] };
const auditParams = (a: AuditRow): AuditParams => ({
  audit_id: a.id,
  audit_at: a.at,
  audit_actor_type: a.actor_type,
  audit_actor_id: a.actor_id,
  audit_action: a.action,
  audit_subject_type: a.subject_type,
  audit_subject_id: a.subject_id,
  audit_detail: a.detail,
});

export const sessionFromPin: Engine['sessionFromPin'] = (db: Kysely<Database>) => {
  const consumed = (p: Param<ConsumingParams>) =>
    sql`consumed as (delete from pins where tenant_id = ${p('tenant_id')} and id = ${p('pinId')} returning id)`;
  const sessionFromConsumed = (p: Param<ConsumingParams>) => sql`
    insert into sessions (id, tenant_id, subject_type, subject_id, csrf_token, created_at, last_seen_at, expires_at, data)
    select ${p('id')}, ${p('tenant_id')}, ${p('subject_type')}, ${p('subject_id')}, ${p('csrf_token')}, ${p('created_at')}, ${p('last_seen_at')}, ${p('expires_at')}, ${p('data')}
    from consumed`;
  const insertConsumingPin = precompile(
    db,
    (_db, p: Param<ConsumingParams>) => sql`with ${consumed(p)} ${sessionFromConsumed(p)}`,
  );
  const insertConsumingPinAudited = precompile(
    db,
    (_db, p: Param<ConsumingParams & AuditParams>) => sql`
    with ${consumed(p)}, audited as (
      insert into audit_log (id, tenant_id, at, actor_type, actor_id, action, subject_type, subject_id, detail)
      select ${p('audit_id')}, ${p('tenant_id')}, ${p('audit_at')}, ${p('audit_actor_type')}, ${p('audit_actor_id')}, ${p('audit_action')}, ${p('audit_subject_type')}, ${p('audit_subject_id')}, ${p('audit_detail')}
      from consumed
    )
    ${sessionFromConsumed(p)}`,
  );
  return async (row, pinId, audit) => {
    const session = { ...row, pinId };
    const result = audit
      ? await insertConsumingPinAudited({ ...session, ...auditParams(audit) })
      : await insertConsumingPin(session);
    return Number(result.numAffectedRows) === 1;
  };
};
