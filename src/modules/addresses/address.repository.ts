import { sql, type Kysely, type Selectable } from 'kysely';
import type { AddressesTable, Database, SearchWordsTable } from '../../db/schema.js';
import type { DialectInfo } from '../../db/dialect.js';
import type { TenantId } from '../../lib/tenant-id.js';

export type AddressRow = Selectable<AddressesTable>;
export type NewAddressRow = Omit<AddressRow, 'tenant_id'>;

/** Columns an import may change; `id` and `tenant_id` never change once a row exists. */
const MUTABLE = [
  'street',
  'street_sv',
  'number',
  'number_int',
  'number_key',
  'postal_code',
  'postal_town',
  'municipality',
  'property_id',
  'building_id',
  'lat',
  'lon',
  'street_key',
  'street_key_sv',
] as const;

export interface AddressFilter {
  /** Street keys (either language) the address must have; undefined = any street. */
  streetKeys?: string[];
  postalCode?: string;
  postalTowns?: string[];
  numberInt?: number;
  /** Preferred exact number (ranked first), e.g. `117` before `117a`. */
  numberKey?: string;
  limit: number;
}

export type SearchWord = Pick<SearchWordsTable, 'kind' | 'key'>;

export function addressRepository(db: Kysely<Database>, dialect: DialectInfo) {
  return {
    /** Source ids of this batch that are in the register already. */
    async existingSourceIds(tenantId: TenantId, sourceIds: string[]): Promise<Set<string>> {
      if (sourceIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('addresses')
        .select('source_id')
        .where('tenant_id', '=', tenantId)
        .where('source_id', 'in', sourceIds)
        .execute();
      return new Set(rows.map((r) => r.source_id));
    },

    /**
     * Inserts new rows and updates changed ones, keyed by (tenant, source id); an identical row is left
     * alone. Returns how many rows were written (inserted + changed).
     */
    async upsertBatch(tenantId: TenantId, rows: NewAddressRow[]): Promise<number> {
      let written = 0;
      const perStatement = dialect.rowsPerInsert(MUTABLE.length + 5);
      for (let i = 0; i < rows.length; i += perStatement) {
        const chunk = rows.slice(i, i + perStatement).map((r) => ({ ...r, tenant_id: tenantId }));
        const result = await db
          .insertInto('addresses')
          .values(chunk)
          .onConflict((oc) =>
            oc
              .columns(['tenant_id', 'source_id'])
              .doUpdateSet((eb) => {
                const set: Record<string, unknown> = { updated_at: eb.ref('excluded.updated_at') };
                for (const column of MUTABLE) set[column] = eb.ref(`excluded.${column}`);
                return set;
              })
              .where((eb) =>
                eb.or(MUTABLE.map((column) => eb(`addresses.${column}`, 'is distinct from', eb.ref(`excluded.${column}`)))),
              ),
          )
          .executeTakeFirst();
        written += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
      return written;
    },

    async addSearchWords(tenantId: TenantId, words: Array<{ word: string; kind: 'street' | 'town'; key: string }>): Promise<void> {
      const perStatement = dialect.rowsPerInsert(4);
      for (let i = 0; i < words.length; i += perStatement) {
        const chunk = words.slice(i, i + perStatement).map((w) => ({ ...w, tenant_id: tenantId }));
        await db
          .insertInto('search_words')
          .values(chunk)
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    },

    /** Street and town keys with a word starting with `prefix` (already folded). */
    async wordsWithPrefix(tenantId: TenantId, prefix: string, limit: number): Promise<SearchWord[]> {
      return db
        .selectFrom('search_words')
        .select(['kind', 'key'])
        .where('tenant_id', '=', tenantId)
        .where('word', '>=', prefix)
        .where('word', '<', prefix + '\uffff')
        .limit(limit)
        .execute();
    },

    async search(tenantId: TenantId, filter: AddressFilter): Promise<AddressRow[]> {
      let query = db.selectFrom('addresses').selectAll().where('tenant_id', '=', tenantId);
      if (filter.streetKeys) {
        const keys = filter.streetKeys;
        query = query.where((eb) => eb.or([eb('street_key', 'in', keys), eb('street_key_sv', 'in', keys)]));
      }
      if (filter.postalCode) query = query.where('postal_code', '=', filter.postalCode);
      if (filter.postalTowns) query = query.where('postal_town', 'in', filter.postalTowns);
      if (filter.numberInt !== undefined) query = query.where('number_int', '=', filter.numberInt);
      if (filter.numberKey) {
        query = query.orderBy(sql`case when number_key = ${filter.numberKey} then 0 else 1 end`);
      }
      return query.orderBy('street_key').orderBy('number_int').orderBy('number_key').limit(filter.limit).execute();
    },

    async findById(tenantId: TenantId, id: string): Promise<AddressRow | undefined> {
      return db.selectFrom('addresses').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    },

    async findByIds(tenantId: TenantId, ids: string[]): Promise<AddressRow[]> {
      if (ids.length === 0) return [];
      return db.selectFrom('addresses').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
    },

    async count(tenantId: TenantId): Promise<number> {
      const row = await db
        .selectFrom('addresses')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type AddressRepository = ReturnType<typeof addressRepository>;
