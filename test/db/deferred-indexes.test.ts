import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RANDOM_KEY_INDEXES } from '../../src/modules/register/register.repository.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';

describe.each(TEST_DATABASES)('deferred index builds (%s)', (kind) => {
  let fresh: FreshDatabase;
  beforeAll(async () => {
    fresh = await freshDatabase(kind);
  });
  afterAll(async () => {
    await fresh.drop();
  });

  const indexes = async (): Promise<string[]> => {
    const names = RANDOM_KEY_INDEXES.map((i) => i.index);
    const query =
      kind === 'sqlite'
        ? sql<{
            name: string;
          }>`select name from sqlite_master where type = 'index' and name in (${sql.join(names)}) order by name`
        : sql<{
            name: string;
          }>`select indexname as name from pg_indexes where schemaname = ${fresh.schema} and indexname in (${sql.join(names)}) order by indexname`;
    return (await query.execute(fresh.db.kysely)).rows.map((r) => r.name);
  };

  it('drops the indexes inside the transaction and builds them again before it ends (SQLite only)', async () => {
    const all = await indexes();
    expect(all).toHaveLength(RANDOM_KEY_INDEXES.length);
    await fresh.db.kysely.transaction().execute(async (trx) => {
      const deferral = fresh.db.engine.indexDeferral(trx, RANDOM_KEY_INDEXES);
      expect(await deferral.deferIfSmall(1000)).toBe(kind === 'sqlite');
      await deferral.rebuild();
    });
    expect(await indexes()).toEqual(all);
  });

  it('leaves the indexes as they were when the transaction fails', async () => {
    const all = await indexes();
    await expect(
      fresh.db.kysely.transaction().execute(async (trx) => {
        await fresh.db.engine.indexDeferral(trx, RANDOM_KEY_INDEXES).deferIfSmall(1000);
        throw new Error('interrupted');
      }),
    ).rejects.toThrow('interrupted');
    expect(await indexes()).toEqual(all);
  });

  it('keeps the indexes of tables that hold more rows than the write would be worth', async () => {
    await fresh.db.kysely.transaction().execute(async (trx) => {
      expect(await fresh.db.engine.indexDeferral(trx, RANDOM_KEY_INDEXES).deferIfSmall(-1)).toBe(false);
    });
  });
});
