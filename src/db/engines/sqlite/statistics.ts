/** The planner's statistics after a large write, on SQLite. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../schema.js';

/**
 * ANALYZEs `table`'s indexes: SQLite has no column list, and samples anyway (analysis_limit, see
 * connection.ts).
 */
export async function analyzeColumns(db: Kysely<Database>, table: string, _columns: readonly string[]): Promise<void> {
  await sql`analyze ${sql.table(table)}`.execute(db);
}
