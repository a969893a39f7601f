/**
 * The audit trail: who (resident, operator, token, import, system) did what to which subject, when.
 * Details never hold phone numbers, emails or PINs — only ids and counts.
 */
import type { Insertable, Kysely } from 'kysely';
import { precompile, type Param } from '../../db/precompiled.js';
import type { AuditLogTable, Database } from '../../db/schema.js';
import { newId } from '../../lib/ids.js';
import type { TenantId } from '../../kernel/tenant-id.js';

export interface AuditEntry {
  actorType: AuditLogTable['actor_type'];
  actorId?: string | null;
  action: string;
  subjectType?: string;
  subjectId?: string;
  detail?: Record<string, unknown>;
}

export interface AuditView {
  id: string;
  at: number;
  actorType: string;
  actorId: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  detail: Record<string, unknown> | null;
}

/** An entry as its row, for a statement that writes it together with what it records (a login's session). */
export type AuditRow = Required<Insertable<AuditLogTable>>;

export function auditRow(tenantId: TenantId, at: number, entry: AuditEntry): AuditRow {
  return {
    id: newId(),
    tenant_id: tenantId,
    at,
    actor_type: entry.actorType,
    actor_id: entry.actorId ?? null,
    action: entry.action,
    subject_type: entry.subjectType ?? null,
    subject_id: entry.subjectId ?? null,
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
  };
}

export function auditRepository(db: Kysely<Database>) {
  // Every resident login records one entry: compiled once.
  const insertEntry = precompile(db, (db, p: Param<Required<Insertable<AuditLogTable>>>) =>
    db.insertInto('audit_log').values({
      id: p('id'),
      tenant_id: p('tenant_id'),
      at: p('at'),
      actor_type: p('actor_type'),
      actor_id: p('actor_id'),
      action: p('action'),
      subject_type: p('subject_type'),
      subject_id: p('subject_id'),
      detail: p('detail'),
    }),
  );
  return {
    async record(tenantId: TenantId, at: number, entry: AuditEntry): Promise<void> {
      await insertEntry(auditRow(tenantId, at, entry));
    },

    /** Several entries in one statement (an operator's search reads many residents at once). */
    async recordMany(tenantId: TenantId, at: number, entries: AuditEntry[]): Promise<void> {
      if (entries.length === 0) return;
      await db
        .insertInto('audit_log')
        .values(entries.map((entry) => auditRow(tenantId, at, entry)))
        .execute();
    },

    async list(
      tenantId: TenantId,
      options: { before?: number; limit: number; subjectId?: string },
    ): Promise<AuditView[]> {
      let query = db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId);
      if (options.before) query = query.where('at', '<', options.before);
      if (options.subjectId) query = query.where('subject_id', '=', options.subjectId);
      const rows = await query.orderBy('at', 'desc').limit(options.limit).execute();
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        actorType: r.actor_type,
        actorId: r.actor_id,
        action: r.action,
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        detail: r.detail ? JSON.parse(r.detail) : null,
      }));
    },
  };
}

export type AuditRepository = ReturnType<typeof auditRepository>;
