import { Command } from 'commander';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createContext } from '../context.js';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { createDemo } from '../demo/demo.js';
import { createLogger } from '../lib/logger.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the HTTP server (API, portal, console, public map)')
    .option('--demo-if-empty', 'create the demo tenant when the database has no tenant yet')
    .action(async (options: { demoIfEmpty?: boolean }) => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const db = openDatabase(config.databaseUrl);
      const applied = await migrateToLatest(db);
      if (applied.length) logger.info({ migrations: applied }, 'database migrated');
      const context = createContext(config, db);
      if (options.demoIfEmpty && (await context.tenants.listTenants()).length === 0) {
        const demo = await createDemo(context);
        logger.info({ tenant: demo.tenant.slug, addresses: demo.report?.added }, 'demo tenant created');
      }
      const app = await buildApp(context, { logger });
      // Dispatch workers in this process (AVISO_WORKERS=0 leaves sending to separate `aviso worker` processes).
      if (config.workers > 0) await context.dispatch.runtime.startWorkers({ concurrency: config.workers, logger });
      let closing = false;
      const shutdown = async (signal: string) => {
        if (closing) return;
        closing = true;
        logger.info({ signal }, 'shutting down');
        await app.close();
        await db.close();
        process.exit(0);
      };
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
      process.on('SIGINT', () => void shutdown('SIGINT'));
      const address = await app.listen({ port: config.port, host: config.host });
      const local = `http://localhost:${config.port}`;
      logger.info({ address, database: db.dialect.name }, `Aviso is running: ${local}/t/mantta (portal), ${local}/admin, ${local}/api/docs`);
    });
}
