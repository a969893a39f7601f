import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  bulkInsert,
  bulkInsertShared,
  bulkInsertTogether,
  type InsertShape,
  type SharedInsertShape,
} from '../../src/db/bulk-insert.js';
import { compileInsert } from '../../src/db/compiled-insert.js';
import type { Database } from '../../src/db/schema.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';

const PROBE: SharedInsertShape = {
  table: 'bulk_probe',
  columns: [
    ['id', 'integer'],
    ['label', 'text'],
    ['note', 'text'],
  ],
  shared: [['tenant_id', 'text']],
};
const PLAIN: InsertShape = {
  table: 'bulk_probe',
  columns: [
    ['id', 'integer'],
    ['label', 'text'],
    ['note', 'text'],
    ['tenant_id', 'text'],
  ],
};
const OTHER: SharedInsertShape = {
  table: 'bulk_probe_other',
  columns: [['id', 'integer']],
  shared: [['tenant_id', 'text']],
};

/** Values that COPY's text format must escape or tell apart: separators, backslashes, `\N`, empty vs null. */
const AWKWARD = [
  'tab\there',
  'line\nbreak',
  'carriage\rreturn',
  'back\\slash',
  '\\N',
  '',
  'Ääkkönen "quoted" \'single\'',
  'emoji 🚰',
  ' padded ',
];

describe.each(TEST_DATABASES)('bulk inserts (%s)', (kind) => {
  let fresh: FreshDatabase;
  beforeAll(async () => {
    fresh = await freshDatabase(kind);
    await sql`create table bulk_probe (id integer not null, label text, note text, tenant_id text not null)`.execute(
      fresh.db.kysely,
    );
    await sql`create table bulk_probe_other (id integer not null, tenant_id text not null)`.execute(fresh.db.kysely);
  });
  afterAll(async () => {
    await fresh.drop();
  });
  beforeEach(async () => {
    await sql`delete from bulk_probe`.execute(fresh.db.kysely);
    await sql`delete from bulk_probe_other`.execute(fresh.db.kysely);
  });

  const probeRows = async () =>
    (
      await sql<{
        id: number;
        label: string | null;
        note: string | null;
        tenant_id: string;
      }>`select id, label, note, tenant_id from bulk_probe order by id`.execute(fresh.db.kysely)
    ).rows;

  it('stores every value as given, including separators, backslashes, empty strings and nulls', async () => {
    const rows = AWKWARD.map((label, i) => [i, label, i % 2 === 0 ? null : `note ${label}`]);
    await bulkInsertShared(fresh.db.kysely, fresh.db.engine, PROBE, ['tenant\twith\\tab'], rows);
    await bulkInsertShared(fresh.db.kysely, fresh.db.engine, PROBE, ['none'], []);
    await compileInsert<Database>(fresh.db.engine, PROBE, ['none'], [])(fresh.db.kysely);
    expect(await probeRows()).toEqual(
      rows.map(([id, label, note]) => ({ id, label, note, tenant_id: 'tenant\twith\\tab' })),
    );
  });

  it('writes many rows in several chunks, in order, and the same through bulkInsert and compileInsert', async () => {
    const rows = Array.from({ length: 12_345 }, (_, i) => [i, `label ${i}`, null]);
    await bulkInsertShared(fresh.db.kysely, fresh.db.engine, PROBE, ['a'], rows);
    await bulkInsert(
      fresh.db.kysely,
      fresh.db.engine,
      PLAIN,
      rows.map(([id, label]) => [Number(id) + 100_000, label, 'plain', 'b']),
    );
    const run = compileInsert<Database>(
      fresh.db.engine,
      PROBE,
      ['c'],
      rows.map(([id]) => [Number(id) + 200_000, 'compiled', AWKWARD[Number(id) % AWKWARD.length]]),
    );
    await run(fresh.db.kysely);
    const counts = await sql<{
      tenant_id: string;
      n: number;
      ids: number;
    }>`select tenant_id, count(*) as n, sum(id) as ids from bulk_probe group by tenant_id order by tenant_id`.execute(
      fresh.db.kysely,
    );
    const sum = (rows.length * (rows.length - 1)) / 2;
    expect(counts.rows.map((r) => ({ ...r, n: Number(r.n), ids: Number(r.ids) }))).toEqual([
      { tenant_id: 'a', n: 12_345, ids: sum },
      { tenant_id: 'b', n: 12_345, ids: sum + 100_000 * 12_345 },
      { tenant_id: 'c', n: 12_345, ids: sum + 200_000 * 12_345 },
    ]);
    const sample = await sql<{ note: string }>`select note from bulk_probe where id = ${200_000 + 1}`.execute(
      fresh.db.kysely,
    );
    expect(sample.rows[0]?.note).toBe(AWKWARD[1]);
  });

  it('writes nothing when a row is refused inside the transaction, and the connection goes on working', async () => {
    await bulkInsertShared(fresh.db.kysely, fresh.db.engine, PROBE, ['kept'], [[1, 'kept', null]]);
    const rows = [
      [2, 'fine', null],
      [null, 'no id', null],
      [4, 'fine', null],
    ];
    await expect(
      fresh.db.kysely.transaction().execute(async (trx) => {
        await bulkInsertTogether<Database>(trx, fresh.db.engine, [
          { shape: OTHER, shared: ['t'], rows: [[10], [11]] },
          { shape: PROBE, shared: ['t'], rows },
        ]);
      }),
    ).rejects.toThrow();
    expect((await probeRows()).map((r) => r.label)).toEqual(['kept']);
    expect(
      Number(
        (await sql<{ n: number }>`select count(*) as n from bulk_probe_other`.execute(fresh.db.kysely)).rows[0]?.n,
      ),
    ).toBe(0);
    await bulkInsertTogether(fresh.db.kysely, fresh.db.engine, [
      { shape: OTHER, shared: ['t'], rows: [[12]] },
      { shape: PROBE, shared: ['t'], rows: [[5, 'after', null]] },
    ]);
    expect((await probeRows()).map((r) => r.label)).toEqual(['kept', 'after']);
  });
});
