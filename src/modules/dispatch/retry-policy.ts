/**
 * Who owns a batch, and how often and when anything of a send is tried again — in one place.
 *
 * Ownership: a batch (a slice of a message's deliveries) belongs to the worker that claimed it, for
 * `LEASE_MS` after its last sign of life (each chunk it records renews the claim). A worker started again
 * with the same `--id` takes its own batches back at once; another worker takes a batch only when its
 * lease has run out. Before a chunk goes to a provider that could send it twice, it is recorded as handed
 * over (a `delivery_handovers` row; at most `MARKED_CHUNK_SIZE` deliveries, `CHUNKS_IN_FLIGHT` chunks at
 * once), so a batch taken over never sends them again: those the dead worker handed over with nothing
 * written for them since end failed with `IN_DOUBT_ERROR` (a notice missed is reported; one sent twice is
 * not acceptable). The batch's job stays its worker's for `BATCH_JOB_LEASE_MS`, however long the batch
 * takes; a job whose worker died before claiming its batch is given back after `ORPHANED_JOB_MS`.
 *
 * Tries: a batch job is run up to `BATCH_JOB_ATTEMPTS` times (the queue backs off 1 s, 2 s, 4 s … up to a
 * minute between runs). Within a batch, a delivery that failed retryably (throttling, a lost connection)
 * is tried again at once through the failover chain, up to `MAX_DELIVERY_ATTEMPTS` tries in all; one the
 * provider asked to be tried later (an SMTP 4xx) waits `slowRetryDelayMs` and counts the same way. A
 * message's validity ends every try. A batch no job holds (all attempts spent, or its job lost) is found by
 * the sweep after `STALLED_BATCH_MS` and queued again.
 *
 * Calls: an unanswered call (no answer, busy) comes back to the queue when its end is reported, and is
 * made again after the tenant's interval, up to its number of redials (`nextTry`), the same way a slow
 * retry waits: its batch is given back with the time it is due, kept in the database.
 */

/** How long a worker holds a message it starts or a batch it sends before others presume it dead. */
export const LEASE_MS = 60_000;

/**
 * How long the queue leaves a taken batch job to its worker: long, as whether that worker lives is told by the
 * batch's claim (`LEASE_MS`, renewed by every write), and the job of one that died is given back by the sweep
 * (`ORPHANED_JOB_MS`). A job lease as short as the claim's would let another slot take the job of a batch still
 * being sent (a slow provider's batch outlasts it) and lose the first run's outcome: its deliveries to try again
 * would wait for `STALLED_BATCH_MS`.
 */
export const BATCH_JOB_LEASE_MS = 6 * 3_600_000;

/** Runs of one batch job before the queue gives up on it (the sweep still finds its batch). */
export const BATCH_JOB_ATTEMPTS = 10;

/** Tries of one delivery on retryable failures (throttling, lost connections) before it is failed. */
export const MAX_DELIVERY_ATTEMPTS = 5;

/** The most deliveries marked as handed over at once. */
export const MARKED_CHUNK_SIZE = 100;

/**
 * Chunks of a batch on their way at once (the next is marked and sent while the last one's answers come):
 * a crash leaves at most this many chunks in doubt per batch in flight.
 */
export const CHUNKS_IN_FLIGHT = 2;

/** Why a delivery in doubt is not sent again. */
export const IN_DOUBT_ERROR =
  "in doubt: the process sending it stopped before the provider's answer was recorded; not sent again, to send no one a message twice";

/** The error of a delivery waiting minutes for its next try (`retryLater`: an SMTP 4xx). */
export const SLOW_RETRY_PREFIX = 'tried again later: ';
const SLOW_RETRY_BASE_MS = 2 * 60_000;

/**
 * The wait after the `attempts`-th try of a slow retry: 2, 4, 8, 16 minutes, so that the five tries are
 * at 0, 2, 6, 14 and 30 minutes — greylisting servers ask for 1 to 15 minutes (RFC 5321 §4.5.4.1 says
 * retry for days; a notice is worth less after its validity, which caps the schedule).
 */
export const slowRetryDelayMs = (attempts: number): number => SLOW_RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1);

/**
 * A batch job taken this long ago whose batch no worker holds was taken by a process that died before it
 * claimed the batch (a worker claims within milliseconds of taking): it is given back to the queue.
 */
export const ORPHANED_JOB_MS = 10_000;

/** A pending batch nobody touched for this long has no job left to run it (longer than any retry backoff). */
export const STALLED_BATCH_MS = 10 * 60_000;

/** The error of a call waiting to be made again (no answer, busy); the provider's reason follows. */
export const UNANSWERED_PREFIX = 'to be called again: ';

/** A tenant's rules for calling again (tenant settings `voiceRedials`, `voiceRedialMinutes`). */
export interface RedialRules {
  voiceRedials: number;
  voiceRedialMinutes: number;
}

/** A queued delivery as its next try needs it: tries so far, the last one's error and when it was recorded. */
export interface TriedDelivery {
  attempts: number;
  error: string | null;
  updatedAt: number;
}

/**
 * When a queued delivery is due (`at`, 0 for at once), or why it is not tried again (`failed`). A slow
 * retry waits `slowRetryDelayMs`; an unanswered call is made again `voiceRedialMinutes` after it ended, up
 * to `voiceRedials` times after the first call, and only while the message is valid: after the last, or
 * when the next would come after the message expires, it fails with the provider's reason.
 */
export function nextTry(d: TriedDelivery, rules: RedialRules, expiresAt: number): { at: number } | { failed: string } {
  if (d.error?.startsWith(SLOW_RETRY_PREFIX)) return { at: d.updatedAt + slowRetryDelayMs(d.attempts) };
  if (!d.error?.startsWith(UNANSWERED_PREFIX)) return { at: 0 };
  const reason = d.error.slice(UNANSWERED_PREFIX.length);
  if (d.attempts > rules.voiceRedials) return { failed: `${reason}, called ${d.attempts} times` };
  const at = d.updatedAt + rules.voiceRedialMinutes * 60_000;
  if (at > expiresAt) return { failed: `${reason} (not called again: the message expires first)` };
  return { at };
}
