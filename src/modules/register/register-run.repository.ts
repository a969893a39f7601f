/** The SQL of import runs (register_imports): one row per import, its counts and its report. Tenant id first. */
import type { Kysely, Selectable } from 'kysely';
import type { Database, RegisterImportsTable } from '../../db/schema.js';
import type { TenantId } from '../../lib/tenant-id.js';

export type RegisterRunRow = Selectable<RegisterImportsTable>;
export type NewRegisterRun = Omit<RegisterRunRow, 'tenant_id' | 'counts' | 'report' | 'error' | 'finished_at' | 'status'>;

export function registerRunRepository(db: Kysely<Database>) {
  return {
    async insert(tenantId: TenantId, run: NewRegisterRun): Promise<void> {
      await db
        .insertInto('register_imports')
        .values({ ...run, tenant_id: tenantId, status: 'running', counts: null, report: null, error: null, finished_at: null })
        .execute();
    },

    async finish(
      tenantId: TenantId,
      id: string,
      outcome: Pick<RegisterRunRow, 'status' | 'counts' | 'report' | 'error' | 'finished_at'>,
    ): Promise<void> {
      await db.updateTable('register_imports').set(outcome).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    },

    async find(tenantId: TenantId, id: string): Promise<RegisterRunRow | undefined> {
      return db.selectFrom('register_imports').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    },
  };
}

export type RegisterRunRepository = ReturnType<typeof registerRunRepository>;
