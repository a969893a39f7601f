import cluster from 'node:cluster';
import { Command, InvalidArgumentError } from 'commander';
import type { Logger } from 'pino';
import { buildApp } from '../app.js';
import { optionalToolWarnings } from '../modules/ops/optional-tools.js';
import { channelWarnings, loadConfig, missingPublicUrl, pushOffered, realChannels, type Config } from '../config.js';
import { createContext } from '../context.js';
import { openDatabase, type Db } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { createDemo } from '../demo/demo.js';
import { createLogger } from '../lib/logger.js';
import { exitAfterGrace } from './shutdown.js';
import { systemClock } from '../lib/clock.js';
import { auditRepository } from '../modules/audit/audit.repository.js';
import { retentionRepository } from '../modules/ops/retention.repository.js';
import { retentionService } from '../modules/ops/retention.service.js';
import { tenantRepository } from '../modules/tenants/tenant.repository.js';
import { startMetricsListener } from './metrics-listener.js';
import { serverExecArgv } from './server-flags.js';

export interface ServeOptions {
  demoIfEmpty?: boolean;
  processes?: number;
}

const processCount = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('a whole number from 1 to 64');
  return n;
};

/** With `--demo-if-empty` and every channel `inbox`, the dev inbox's pages are on unless AVISO_DEV_INBOX says otherwise. */
export function withDemoInbox(config: Config, options: ServeOptions): Config {
  if (!options.demoIfEmpty || config.devInbox !== undefined || realChannels(config).length > 0) return config;
  return Object.freeze({ ...config, devInbox: true });
}

/** Migrations and the demo tenant: once, before any process serves. */
async function prepareDatabase(config: Config, db: Db, logger: Logger, options: ServeOptions): Promise<void> {
  const applied = await migrateToLatest(db);
  if (applied.length) logger.info({ migrations: applied }, 'database migrated');
  const context = createContext(config, db);
  // The VAPID keys of web push, made at the first start where push is offered (any process would make them
  // on first use too; the database keeps one pair whichever process comes first).
  if (pushOffered(config)) await context.vapid.keys();
  if (options.demoIfEmpty && (await context.tenants.listTenants()).length === 0) {
    const demo = await createDemo(context);
    logger.info({ tenant: demo.tenant.slug, addresses: demo.report?.added }, 'demo tenant created');
  }
}

/**
 * One serving process: the app on the (shared) port, plus this process's dispatch workers. `prepare`: it
 * is the only process, so it migrates (and creates the demo) first, on the same connection.
 */
async function serve(config: Config, logger: Logger, prepare?: ServeOptions): Promise<void> {
  const db = openDatabase(config.databaseUrl, { logger });
  if (prepare) await prepareDatabase(config, db, logger, prepare);
  // With an id (AVISO_WORKER_ID), a server started again after a crash takes its own batches back at once.
  const context = createContext(config, db, { dispatch: { workerId: config.workerId } });
  const app = await buildApp(context, { logger });
  // What start-up has opened so far, for a shutdown that may come before it is done.
  const opened: {
    metricsServer?: Awaited<ReturnType<typeof startMetricsListener>>;
    stopRetention?: (() => void) | undefined;
  } = {};
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    exitAfterGrace(logger);
    opened.metricsServer?.close();
    opened.stopRetention?.();
    await app.close();
    await db.close();
    process.exit(0);
  };
  // Listening before any work starts: a signal during start-up stops cleanly too.
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // Dispatch workers in this process (AVISO_WORKERS=0 leaves sending to separate `aviso worker` processes).
  if (config.workers > 0) {
    await context.dispatch.runtime.startWorkers({ concurrency: config.workers, logger });
    // Register uploads left queued (or by a process that died) are imported here too.
    await context.register.startWorkers((error) => logger.error({ err: error }, 'register import failed'));
  }
  // Server processes of a cluster share the listener as they share the port: a scrape reaches one of them.
  opened.metricsServer = await startMetricsListener(config.metrics, context.metrics, logger);
  // Daily retention: here when this is the only process; a cluster's primary runs it for its servers.
  opened.stopRetention = cluster.isWorker ? undefined : context.retention.startDaily(logger);
  const address = await app.listen({ port: config.port, host: config.host });
  // In the background: until it is done, a tenant's first preview builds its index itself.
  const warming = performance.now();
  void context.dispatch.warmRegisters().then(
    (tenants) => logger.info({ tenants, ms: Math.round(performance.now() - warming) }, 'register indexes ready'),
    (error: unknown) => logger.warn({ err: error }, 'register indexes not built ahead'),
  );
  if (cluster.isWorker) return;
  const local = `http://localhost:${config.port}`;
  logger.info(
    { address, database: db.engine.name },
    `Aviso is running: ${local}/t/mantta (portal), ${local}/admin, ${local}/api/docs`,
  );
}

/**
 * The cluster's primary: prepares the database, forks `processes` servers that share the port (node:cluster
 * hands each new connection to one of them), replaces one that dies, and stops them all on a signal.
 */
async function supervise(config: Config, logger: Logger, processes: number): Promise<void> {
  let closing = false;
  // The primary's own connection, for the daily retention job only (idempotent: several servers may each run it).
  const db = openDatabase(config.databaseUrl, { poolSize: 2 });
  const retention = retentionService({
    repo: retentionRepository(db.kysely),
    listTenants: () => tenantRepository(db.kysely).list(),
    audit: auditRepository(db.kysely),
    clock: systemClock,
  });
  const stopRetention = retention.startDaily(logger);
  cluster.setupPrimary({ execArgv: serverExecArgv() });
  // Each server keeps a slot: one replacing a dead server has its worker id (`AVISO_WORKER_ID-slot`), so it
  // takes the dead one's batches back at once.
  const slots = new Map<number, number>();
  const fork = (slot: number) => {
    const worker = cluster.fork(config.workerId ? { AVISO_WORKER_ID: `${config.workerId}-${slot}` } : {});
    slots.set(worker.id, slot);
  };
  cluster.on('exit', (worker, code, signal) => {
    if (closing) {
      if (Object.keys(cluster.workers ?? {}).length === 0) void db.close().finally(() => process.exit(0));
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'server process ended; starting another');
    fork(slots.get(worker.id) ?? 0);
  });
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    stopRetention();
    logger.info({ signal }, 'shutting down');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  for (let slot = 1; slot <= processes; slot++) fork(slot);
  const local = `http://localhost:${config.port}`;
  cluster.once('listening', () =>
    logger.info({ processes }, `Aviso is running: ${local}/t/mantta (portal), ${local}/admin, ${local}/api/docs`),
  );
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the HTTP server (API, portal, console, public map)')
    .option('--demo-if-empty', 'create the demo tenant when the database has no tenant yet')
    .option(
      '--processes <n>',
      'server processes sharing the port, e.g. one per core (default AVISO_PROCESSES or 1)',
      processCount,
    )
    .action(async (options: ServeOptions) => {
      const config = withDemoInbox(loadConfig(), options);
      const logger = createLogger(config.logLevel);
      if (!cluster.isWorker) {
        const withoutUnsubscribe = missingPublicUrl(config);
        for (const warning of [
          ...channelWarnings(config),
          ...(withoutUnsubscribe ? [`${withoutUnsubscribe.detail}; ${withoutUnsubscribe.fix}`] : []),
          ...optionalToolWarnings(config.databaseUrl),
        ])
          logger.warn(warning);
      }
      if (cluster.isWorker) return serve(config, logger);
      const processes = options.processes ?? config.processes;
      if (processes === 1) return serve(config, logger, options);
      const db = openDatabase(config.databaseUrl, { logger });
      try {
        await prepareDatabase(config, db, logger, options);
      } finally {
        await db.close();
      }
      return supervise(config, logger, processes);
    });
}
