/**
 * Errors that happen beside any request or job — a database connection lost while idle, a queue's
 * background maintenance that failed — are reported here: logged and counted, never thrown at the
 * process (an unhandled 'error' event would end it) and never silently dropped.
 */
import type { Logger } from 'pino';

export type FaultKind = 'connection' | 'queue';

export interface Faults {
  /** How many of each kind were reported since the process started. */
  readonly counts: Readonly<Record<FaultKind, number>>;
  report(kind: FaultKind, error: unknown): void;
}

export function faultReporter(logger?: Pick<Logger, 'warn'>): Faults {
  const counts: Record<FaultKind, number> = { connection: 0, queue: 0 };
  return {
    counts,
    report(kind, error) {
      counts[kind]++;
      // The message and code only: pg hangs the client (its connection settings, the socket) on the error.
      const cause =
        error instanceof Error
          ? { message: error.message, code: (error as { code?: unknown }).code }
          : { message: String(error) };
      logger?.warn(
        { fault: kind, cause },
        kind === 'connection' ? 'database connection lost; another is opened when needed' : 'job queue error',
      );
    },
  };
}
