/**
 * Precompiled queries (compiled once, run with new values; prepared statements on PostgreSQL) give what
 * Kysely gives, on both databases: rows, affected-row counts, errors that leave the pool usable, and
 * inside a transaction the transaction's own view.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { precompile, type Param } from '../../src/db/precompiled.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';

interface ProbeDb {
  precompiled_probe: { id: number; label: string | null };
}

describe.each(TEST_DATABASES)('precompiled queries (%s)', (kind) => {
  let fresh: FreshDatabase;
  let db: Kysely<ProbeDb>;
  beforeAll(async () => {
    fresh = await freshDatabase(kind);
    db = fresh.db.kysely as unknown as Kysely<ProbeDb>;
    await sql`create table precompiled_probe (id integer primary key, label text)`.execute(db);
  });
  afterAll(async () => {
    await fresh.drop();
  });
  beforeEach(async () => {
    await sql`delete from precompiled_probe`.execute(db);
  });

  const queries = (on: Kysely<ProbeDb>) => ({
    insert: precompile(on, (db, p: Param<{ id: number; label: string | null }>) =>
      db.insertInto('precompiled_probe').values({ id: p('id'), label: p('label') }),
    ),
    find: precompile(on, (db, p: Param<{ id: number }>) =>
      db.selectFrom('precompiled_probe').selectAll().where('id', '=', p('id')),
    ),
    relabel: precompile(on, (db, p: Param<{ from: number; label: string }>) =>
      db
        .updateTable('precompiled_probe')
        .set({ label: p('label') })
        .where('id', '>=', p('from'))
        .returning('id'),
    ),
  });

  it('returns rows and counts of affected rows as Kysely does', async () => {
    const { insert, find, relabel } = queries(db);
    for (const id of [1, 2, 3])
      expect((await insert({ id, label: id === 2 ? null : `label ${id}` })).numAffectedRows).toBe(1n);
    expect((await find({ id: 2 })).rows).toEqual([{ id: 2, label: null }]);
    expect((await find({ id: 9 })).rows).toEqual([]);
    expect((await find({ id: 1 })).numAffectedRows).toBeUndefined();
    const updated = await relabel({ from: 2, label: 'ä "q" \\' });
    expect(updated.rows.map((r) => r.id).sort()).toEqual([2, 3]);
    expect((await find({ id: 3 })).rows[0]?.label).toBe('ä "q" \\');
  });

  it('passes errors on and keeps the pool usable after more failures than it has connections', async () => {
    const { insert, find } = queries(db);
    await insert({ id: 1, label: 'first' });
    for (let i = 0; i < 25; i++) await expect(insert({ id: 1, label: 'again' })).rejects.toThrow(/unique|UNIQUE/);
    expect(
      (await Promise.all(Array.from({ length: 25 }, () => find({ id: 1 })))).every((r) => r.rows[0]?.label === 'first'),
    ).toBe(true);
  });

  it('inside a transaction, runs in it: sees its uncommitted rows, and they go with a rollback', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        const { insert, find } = queries(trx);
        await insert({ id: 7, label: 'in transaction' });
        expect((await find({ id: 7 })).rows).toHaveLength(1);
        // One connection on SQLite: a read beside the transaction would wait for it.
        if (fresh.db.engine.concurrentWriters) expect((await queries(db).find({ id: 7 })).rows).toHaveLength(0);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await queries(db).find({ id: 7 })).rows).toHaveLength(0);
  });
});
