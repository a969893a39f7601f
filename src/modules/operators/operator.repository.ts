/** The SQL of operator accounts and API tokens. Tenant id first, always. */
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { ApiTokensTable, Database, OperatorsTable } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';

export type OperatorRow = Selectable<OperatorsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type OperatorChanges = Omit<Updateable<OperatorsTable>, 'id' | 'tenant_id' | 'created_at'>;

export function operatorRepository(db: Kysely<Database>) {
  return {
    async insert(tenantId: TenantId, row: Omit<Insertable<OperatorsTable>, 'tenant_id'>): Promise<void> {
      await db
        .insertInto('operators')
        .values({ ...row, tenant_id: tenantId })
        .execute();
    },

    async findByEmail(tenantId: TenantId, email: string): Promise<OperatorRow | undefined> {
      return db
        .selectFrom('operators')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('email', '=', email)
        .executeTakeFirst();
    },

    async find(tenantId: TenantId, id: string): Promise<OperatorRow | undefined> {
      return db
        .selectFrom('operators')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async list(tenantId: TenantId): Promise<OperatorRow[]> {
      return db.selectFrom('operators').selectAll().where('tenant_id', '=', tenantId).orderBy('email').execute();
    },

    async update(tenantId: TenantId, id: string, changes: OperatorChanges): Promise<void> {
      await db.updateTable('operators').set(changes).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    },

    /** Counts a failed login atomically; returns the new count. */
    async insertToken(tenantId: TenantId, row: Omit<Insertable<ApiTokensTable>, 'tenant_id'>): Promise<void> {
      await db
        .insertInto('api_tokens')
        .values({ ...row, tenant_id: tenantId })
        .execute();
    },

    async findToken(tenantId: TenantId, tokenHash: string): Promise<ApiTokenRow | undefined> {
      return db
        .selectFrom('api_tokens')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
    },

    async touchToken(tenantId: TenantId, id: string, now: number): Promise<void> {
      await db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
    },

    async listTokens(tenantId: TenantId): Promise<ApiTokenRow[]> {
      return db.selectFrom('api_tokens').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute();
    },

    async revokeToken(tenantId: TenantId, id: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('api_tokens')
        .set({ revoked_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export type OperatorRepository = ReturnType<typeof operatorRepository>;
