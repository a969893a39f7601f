/**
 * A stopping process ends within its grace period whatever it waits on: an orchestrator (systemd,
 * Kubernetes) kills it after ten seconds anyway, and an exit of our own can at least say so. Work left
 * undone is safe: batches not finished are taken again by the next process.
 */
import type { Logger } from 'pino';

export const SHUTDOWN_GRACE_MS = 8000;

export function exitAfterGrace(logger: Logger, graceMs = SHUTDOWN_GRACE_MS): void {
  setTimeout(() => {
    logger.warn({ graceMs }, 'shutdown took too long; exiting');
    process.exit(1);
  }, graceMs).unref();
}
