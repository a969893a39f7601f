/** What every CLI command needs: the validated config, an open and migrated database, the context. */
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { createContext, type Context } from '../context.js';

export async function withContext<T>(run: (context: Context) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
    return await run(createContext(config, db));
  } finally {
    await db.close();
  }
}

/** One-line failure: the CLI prints this reason and exits 1. */
export class CliError extends Error {
  override name = 'CliError';
}
