import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { MetricsSetting } from '../config.js';
import type { Metrics } from '../modules/ops/metrics.js';
import { listenForMetrics } from '../modules/ops/ops.routes.js';
import { CliError } from './runtime.js';

/** AVISO_METRICS=HOST:PORT (or a command's own --metrics): this process's metrics on their own listener. */
export async function startMetricsListener(
  setting: MetricsSetting,
  metrics: Metrics,
  logger: Logger,
): Promise<Server | undefined> {
  if (setting.mode !== 'listen') return undefined;
  try {
    const server = await listenForMetrics(metrics, setting.host, setting.port);
    logger.info({ metrics: `http://${setting.host}:${setting.port}/metrics` }, 'metrics listening');
    return server;
  } catch (error) {
    throw new CliError(`metrics listener ${setting.host}:${setting.port}: ${(error as Error).message}`);
  }
}
