import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { AddressesTable, Database, SearchWordsTable } from '../../db/schema.js';
import type { Engine } from '../../db/engines/engine.js';
import type { SharedInsertShape } from '../../db/bulk-insert.js';
import { compileInsert } from '../../db/compiled-insert.js';
import { bulkUpsert, type ColumnType, type UpsertShape } from '../../db/bulk-upsert.js';
import type { TenantId } from '../../kernel/tenant-id.js';

export type AddressRow = Selectable<AddressesTable>;
export type NewAddressRow = Omit<AddressRow, 'tenant_id'>;

/** Columns an import may change; `id` and `tenant_id` never change once a row exists. */
const MUTABLE = [
  ['street', 'text'],
  ['street_sv', 'text'],
  ['number', 'text'],
  ['number_int', 'integer'],
  ['number_key', 'text'],
  ['postal_code', 'text'],
  ['postal_town', 'text'],
  ['municipality', 'text'],
  ['property_id', 'text'],
  ['building_id', 'text'],
  ['lat', 'double precision'],
  ['lon', 'double precision'],
  ['street_key', 'text'],
  ['street_key_sv', 'text'],
] as const satisfies ReadonlyArray<readonly [keyof NewAddressRow, ColumnType]>;

const ADDRESS_UPSERT: UpsertShape = {
  table: 'addresses',
  columns: [['id', 'text'], ['tenant_id', 'text'], ['source_id', 'text'], ...MUTABLE, ['updated_at', 'bigint']],
  conflict: ['tenant_id', 'source_id'],
  compared: MUTABLE.map(([name]) => name),
  touched: ['updated_at'],
  returning: 'id',
};

/** New rows: the tenant once per statement, not once per row (see compiled-insert.ts). */
const ADDRESS_INSERT: SharedInsertShape = {
  table: 'addresses',
  columns: ADDRESS_UPSERT.columns.filter(([name]) => name !== 'tenant_id'),
  shared: [['tenant_id', 'text']],
};

/** A row's values in ADDRESS_INSERT's column order. */
const insertValues = (r: NewAddressRow): unknown[] => [
  r.id,
  r.source_id,
  r.street,
  r.street_sv,
  r.number,
  r.number_int,
  r.number_key,
  r.postal_code,
  r.postal_town,
  r.municipality,
  r.property_id,
  r.building_id,
  r.lat,
  r.lon,
  r.street_key,
  r.street_key_sv,
  r.updated_at,
];

/** A row's values in ADDRESS_UPSERT's column order. */
const upsertValues = (tenantId: TenantId, r: NewAddressRow): unknown[] => [
  r.id,
  tenantId,
  r.source_id,
  r.street,
  r.street_sv,
  r.number,
  r.number_int,
  r.number_key,
  r.postal_code,
  r.postal_town,
  r.municipality,
  r.property_id,
  r.building_id,
  r.lat,
  r.lon,
  r.street_key,
  r.street_key_sv,
  r.updated_at,
];

export interface AddressFilter {
  postalCode?: string;
  postalTowns?: string[];
  numberInt?: number;
  /** Preferred exact number (ranked first), e.g. `117` before `117a`. */
  numberKey?: string;
  limit: number;
}

export type SearchWord = Pick<SearchWordsTable, 'kind' | 'key'>;

export type StreetLanguage = 'fi' | 'sv';

/** The street-key column of each language: `street_key` holds the Finnish (or only) name. */
const STREET_COLUMN = { fi: 'street_key', sv: 'street_key_sv' } as const;

type AddressQuery = SelectQueryBuilder<Database, 'addresses', AddressRow>;

function applyFilter(query: AddressQuery, filter: AddressFilter): AddressQuery {
  let q = query;
  if (filter.postalCode) q = q.where('postal_code', '=', filter.postalCode);
  if (filter.postalTowns) q = q.where('postal_town', 'in', filter.postalTowns);
  if (filter.numberInt !== undefined) q = q.where('number_int', '=', filter.numberInt);
  if (filter.numberKey) q = q.orderBy(sql`case when number_key = ${filter.numberKey} then 0 else 1 end`);
  return q;
}

export function addressRepository(db: Kysely<Database>, engine: Engine) {
  return {
    /**
     * Inserts new rows and updates changed ones, keyed by (tenant, source id); an identical row is left
     * alone. An updated row keeps its id, so the ids the database returns tell inserted from updated.
     */
    async upsertBatch(tenantId: TenantId, rows: NewAddressRow[]): Promise<{ added: number; updated: number }> {
      const written = await bulkUpsert(
        db,
        engine.compileUpsert,
        ADDRESS_UPSERT,
        rows.map((r) => upsertValues(tenantId, r)),
      );
      const newIds = new Set(rows.map((r) => r.id));
      const added = written.filter((id) => newIds.has(id as string)).length;
      return { added, updated: written.length - added };
    },

    /**
     * Inserts rows known to be new (a tenant's first import, its source ids checked unique): without
     * the upsert's conflict clause and RETURNING, about a third less time per row on SQLite. Compiled
     * at once, written when the returned function is called: an import builds the next batch's
     * statements while the database works on the previous batch.
     */
    prepareInsert(tenantId: TenantId, rows: NewAddressRow[]): () => Promise<void> {
      const insert = compileInsert<Database>(engine, ADDRESS_INSERT, [tenantId], rows.map(insertValues));
      return () => insert(db);
    },

    async addSearchWords(
      tenantId: TenantId,
      words: Array<Pick<SearchWordsTable, 'word' | 'kind' | 'key'>>,
    ): Promise<void> {
      const perStatement = engine.rowsPerInsert(4);
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

    /** Addresses by postal code or town alone (no street): in street order, the order of both indexes. */
    async search(tenantId: TenantId, filter: AddressFilter): Promise<AddressRow[]> {
      const query = applyFilter(db.selectFrom('addresses').selectAll().where('tenant_id', '=', tenantId), filter);
      return query.orderBy('street_key').orderBy('number_int').orderBy('number_key').limit(filter.limit).execute();
    },

    /**
     * Addresses on the given streets (keys of one language, best first), ordered by the exact number
     * when one is asked for, then by the streets' order, then by number. One street is a walk along
     * the (tenant, street key, number) index; several are index lookups and a sort of what they find.
     */
    async onStreets(
      tenantId: TenantId,
      language: StreetLanguage,
      keys: string[],
      filter: AddressFilter,
    ): Promise<AddressRow[]> {
      const column = STREET_COLUMN[language];
      let query = db.selectFrom('addresses').selectAll().where('tenant_id', '=', tenantId);
      query = applyFilter(
        keys.length === 1 ? query.where(column, '=', keys[0]!) : query.where(column, 'in', keys),
        filter,
      );
      if (keys.length > 1) {
        // Ranks are literals, not parameters, so the statement text repeats and stays prepared.
        const ranks = keys.map((key, rank) => sql`when ${key} then ${sql.lit(rank)}`);
        query = query.orderBy(sql`case ${sql.ref(column)} ${sql.join(ranks, sql` `)} end`);
      }
      return query.orderBy('number_int').orderBy('number_key').limit(filter.limit).execute();
    },

    /**
     * Refreshes the planner's statistics after a large import: without them PostgreSQL guesses one row
     * per tenant and walks a whole town's addresses for a ten-row page (autovacuum would catch up, but
     * only a minute later); SQLite samples (analysis_limit), so this costs milliseconds there. The
     * columns are those searches and dispatch filter and sort by.
     */
    async refreshStatistics(): Promise<void> {
      await engine.analyzeColumns(db, 'addresses', [
        'tenant_id',
        'street_key',
        'street_key_sv',
        'number_int',
        'postal_code',
        'postal_town',
        'lon',
        'lat',
      ]);
      await engine.analyzeColumns(db, 'search_words', ['tenant_id', 'word']);
    },

    async findById(tenantId: TenantId, id: string): Promise<AddressRow | undefined> {
      return db
        .selectFrom('addresses')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
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
