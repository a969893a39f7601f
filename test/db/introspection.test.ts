/**
 * What the migrator sees of the database: Aviso's own tables, and on PostgreSQL only those of its schema —
 * a schema of someone else's dropped while the catalog is read (the drop committed after the reading
 * transaction's snapshot: still listed by the scan, gone by name) does not fail the migration.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, POSTGRES_URL, TEST_DATABASES, type FreshDatabase } from '../databases.js';

for (const kind of TEST_DATABASES) {
  describe(`introspection [${kind}]`, () => {
    let database: FreshDatabase;
    beforeAll(async () => {
      database = await freshDatabase(kind);
    });
    afterAll(() => database?.drop());

    it("lists Aviso's tables with their columns, Kysely's own only when asked", async () => {
      const introspection = database.db.kysely.introspection;
      const tables = await introspection.getTables();
      const names = tables.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['tenants', 'deliveries', 'delivery_handovers']));
      expect(names).not.toContain('kysely_migration');
      const deliveries = tables.find((t) => t.name === 'deliveries')!;
      expect(deliveries.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['tenant_id', 'seq', 'written']));
      expect(deliveries.columns.find((c) => c.name === 'tenant_id')).toMatchObject({ isNullable: false });
      const all = await introspection.getTables({ withInternalKyselyTables: true });
      expect(all.map((t) => t.name)).toEqual(expect.arrayContaining(['kysely_migration', 'kysely_migration_lock']));
      if (kind === 'postgres') {
        expect(new Set(all.map((t) => t.schema))).toEqual(new Set([database.schema]));
        expect(await introspection.getSchemas()).toEqual([{ name: database.schema }]);
      }
    });

    // SQLite has one schema per file: nothing of anyone else's to list.
    if (kind !== 'postgres') return;
    it('is not failed by another schema dropped while the catalog is read', async () => {
      const other = `test_other_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      try {
        await admin.query(`create schema ${other}; create table ${other}.t (id int)`);
        await database.db.kysely.connection().execute(async (connection) => {
          await sql`begin isolation level repeatable read`.execute(connection);
          try {
            await sql`select 1`.execute(connection);
            await admin.query(`drop schema ${other} cascade`);
            const tables = await connection.introspection.getTables({ withInternalKyselyTables: true });
            expect(tables.map((t) => t.name)).toContain('kysely_migration');
            expect(tables.some((t) => t.schema === other)).toBe(false);
          } finally {
            await sql`rollback`.execute(connection);
          }
        });
      } finally {
        await admin.query(`drop schema if exists ${other} cascade`);
        await admin.end();
      }
    });
  });
}
