import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { createDemo } from '../demo/demo.js';
import { withContext } from './runtime.js';

export function migrateCommand(): Command {
  return new Command('migrate').description('apply database migrations (serve does this on start too)').action(async () => {
    const db = openDatabase(loadConfig().databaseUrl);
    try {
      const applied = await migrateToLatest(db);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
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
