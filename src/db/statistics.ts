/** The planner's statistics after a large write, per engine. */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from './dialect.js';
import type { Database } from './schema.js';

/**
 * ANALYZEs `table`. PostgreSQL computes statistics for `columns` only (those queries filter and sort
 * by): it samples the same rows either way, but computing every column's histogram took as long as the
 * rest (measured on addresses: 250 ms → 120 ms). SQLite has no column list and samples anyway
 * (analysis_limit, see connection.ts), so it analyzes the table's indexes.
 */
export async function analyzeColumns(db: Kysely<Database>, dialect: DialectInfo, table: string, columns: readonly string[]): Promise<void> {
  if (dialect.name !== 'postgres') {
    await sql`analyze ${sql.table(table)}`.execute(db);
    return;
  }
  await sql`analyze ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})`.execute(db);
}
