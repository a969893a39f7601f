/**
 * Runs the migrations with Kysely's Migrator, which takes a lock table on both engines so that several
 * `aviso serve` processes starting at once migrate exactly once.
 */
import { Migrator, type Kysely, type Migration } from 'kysely';
import type { Db } from './connection.js';
import { migrations } from './migrations/index.js';

export async function migrateToLatest(db: Db): Promise<string[]> {
  const provided: Record<string, Migration> = {};
  for (const [name, module] of migrations) {
    provided[name] = { up: (k: Kysely<unknown>) => module.up(k, db.dialect) };
  }
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => provided },
    // Without a schema Kysely finds its lock table in any schema of the database (another tenant of the
    // server, a test schema) and then fails to read it through the search_path.
    ...(db.schema ? { migrationTableSchema: db.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
