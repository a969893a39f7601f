import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest, migrationStatus, NewerDatabaseError } from '../db/migrate.js';
import { createDemo } from '../demo/demo.js';
import { CliError, withContext } from './runtime.js';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply database migrations (serve does this on start too); refuses a database a newer Aviso migrated')
    .option('--dry-run', 'list the migrations that would run, change nothing')
    .action(async (options: { dryRun?: boolean }) => {
      const db = openDatabase(loadConfig().databaseUrl);
      try {
        if (options.dryRun) {
          const status = await migrationStatus(db);
          if (status.unknown.length > 0) throw new CliError(new NewerDatabaseError(status.unknown).message);
          console.log(status.pending.length ? `would apply: ${status.pending.join(', ')}` : 'database is up to date');
          return;
        }
        const applied = await migrateToLatest(db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } catch (error) {
        throw error instanceof NewerDatabaseError ? new CliError(error.message) : error;
      } finally {
        await db.close();
      }
    });
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('create the demo tenant (Mänttä, a few thousand generated addresses)')
    .option('--addresses <n>', 'how many addresses to generate', '3000')
    .action(async (options: { addresses: string }) => {
      await withContext(async (context) => {
        const result = await createDemo(context, Number(options.addresses));
        console.log(
          result.created
            ? `demo tenant ${result.tenant.slug} created with ${result.report?.added ?? 0} addresses`
            : `demo tenant ${result.tenant.slug} exists already`,
        );
      });
    });
}
