import { Command } from 'commander';
import { loadConfig, parseMetrics, parseWorkerId } from '../config.js';
import { createContext } from '../context.js';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { createLogger } from '../lib/logger.js';
import { exitAfterGrace } from './shutdown.js';
import { startMetricsListener } from './metrics-listener.js';
import { CliError } from './runtime.js';

const positive = (value: string, flag: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${flag}: expected a positive number, got ${value}`);
  return n;
};

export function workerCommand(): Command {
  return new Command('worker')
    .description(
      'run dispatch and register import workers only (scale-out: any number of them, on any machine sharing the database)',
    )
    .option('--concurrency <n>', 'batches this process sends at once', '2')
    .option('--rate <n>', "cap on messages per second per channel in this process (below the providers' own limits)")
    .option(
      '--lease-seconds <n>',
      "how long a batch stays this worker's without progress before others presume it dead",
      '60',
    )
    .option(
      '--id <name>',
      'a stable id unique to this worker process (default: AVISO_WORKER_ID): restarted with the same id, it takes back at once the batches its predecessor held',
    )
    .option(
      '--metrics <host:port>',
      "serve this worker's /metrics there (default: AVISO_METRICS when it is a bind address)",
    )
    .action(
      async (options: { concurrency: string; rate?: string; leaseSeconds: string; metrics?: string; id?: string }) => {
        const concurrency = Math.floor(positive(options.concurrency, '--concurrency'));
        const leaseMs = positive(options.leaseSeconds, '--lease-seconds') * 1000;
        const maxPerSecond = options.rate ? positive(options.rate, '--rate') : undefined;
        const loaded = loadConfig();
        const config = options.metrics ? { ...loaded, metrics: parseMetrics(options.metrics, '--metrics') } : loaded;
        const logger = createLogger(config.logLevel);
        const db = openDatabase(config.databaseUrl, { logger });
        await migrateToLatest(db);
        const workerId = options.id === undefined ? config.workerId : parseWorkerId(options.id, '--id');
        const context = createContext(config, db, { dispatch: { leaseMs, maxPerSecond, workerId } });
        // What start-up has opened so far, for a stop that may come before it is done.
        const opened: { metricsServer?: Awaited<ReturnType<typeof startMetricsListener>> } = {};
        let stopping = false;
        const stop = async (signal: string) => {
          if (stopping) return;
          stopping = true;
          logger.info({ signal }, 'dispatch worker stopping');
          exitAfterGrace(logger);
          opened.metricsServer?.close();
          await context.dispatch.runtime.stop();
          await context.register.stop();
          await db.close();
          process.exit(0);
        };
        // Listening before any work starts: a signal during start-up stops cleanly too.
        process.on('SIGTERM', () => void stop('SIGTERM'));
        process.on('SIGINT', () => void stop('SIGINT'));
        await context.dispatch.runtime.startWorkers({ concurrency, logger });
        opened.metricsServer = await startMetricsListener(config.metrics, context.metrics, logger);
        await context.register.startWorkers((error) => logger.error({ err: error }, 'register import failed'));
        logger.info(
          { database: db.engine.name, queue: context.dispatch.queue.kind, concurrency },
          'dispatch worker running',
        );
      },
    );
}
