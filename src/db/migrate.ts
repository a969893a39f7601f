/**
 * Runs the migrations with Kysely's Migrator, which takes a lock table on both engines so that several
 * `aviso serve` processes starting at once migrate exactly once.
 */
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { Db } from './connection.js';
import { migrations } from './migrations/index.js';

/**
 * The migrations already applied, read straight from Kysely's table; undefined when it is not there yet.
 * Kysely's Migrator reads the catalog and takes its lock table on every run; this one query lets an
 * up-to-date database (every start but the first after an upgrade) skip all of that.
 */
async function appliedMigrations(db: Db): Promise<Set<string> | undefined> {
  const table = db.schema ? sql.table(`${db.schema}.kysely_migration`) : sql.table('kysely_migration');
  try {
    const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(db.kysely);
    return new Set(rows.map((r) => r.name));
  } catch {
    return undefined;
  }
}

export interface MigrationStatus {
  /** Migrations of this code not yet applied, in order. */
  pending: string[];
  /** Migrations the database has that this code does not know: a newer Aviso migrated it. */
  unknown: string[];
}

export async function migrationStatus(db: Db): Promise<MigrationStatus> {
  const applied = (await appliedMigrations(db)) ?? new Set<string>();
  const known = new Set(migrations.map(([name]) => name));
  return {
    pending: migrations.map(([name]) => name).filter((name) => !applied.has(name)),
    unknown: [...applied].filter((name) => !known.has(name)).sort(),
  };
}

export class NewerDatabaseError extends Error {
  override name = 'NewerDatabaseError';
  constructor(readonly unknown: string[]) {
    super(
      `the database was migrated by a newer Aviso (${unknown.join(', ')} unknown here): run that version, or restore a backup taken before the upgrade`,
    );
  }
}

/** Applies what is pending; refuses (before changing anything) a database a newer version has migrated. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const applied = await appliedMigrations(db);
  const known = new Set(migrations.map(([name]) => name));
  const unknown = [...(applied ?? [])].filter((name) => !known.has(name)).sort();
  if (unknown.length > 0) throw new NewerDatabaseError(unknown);
  if (applied && migrations.every(([name]) => applied.has(name))) return [];
  const provided: Record<string, Migration> = {};
  for (const [name, module] of migrations) {
    provided[name] = { up: (k: Kysely<unknown>) => module.up(k, db.engine) };
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
