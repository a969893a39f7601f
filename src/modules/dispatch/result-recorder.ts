/**
 * Writes the providers' answers of a chunk while the chunk is still being sent: answers are collected
 * and written together every 25 ms (or every five hundred), one write at a time. A recipient is marked
 * sent within milliseconds of its provider's answer, so a process that dies mid-chunk leaves only the
 * answers of those last milliseconds unrecorded. Every write is a statement and a commit: at 10 ms an
 * SMPP send at 10,000/s made twice as many, and their commits were a tenth of the dispatcher's time on
 * SQLite; an SMSC's receipt that comes before its answer is written is also written with it. A write that fails is tried
 * again; a claim lost to another worker ends the writing (its error comes out of `close`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LostClaimError, type DeliveryResult } from './delivery.repository.js';
import type { UnwrittenAnswers } from './unwritten-answers.js';

const FLUSH_DELAY_MS = 25;
const FLUSH_SIZE = 500;
const WRITE_TRIES = 3;

export interface ResultRecorder {
  add(result: DeliveryResult): void;
  /** Writes what is left; throws what stopped the writing, if anything did. */
  close(): Promise<void>;
}

/** `unwritten`, when given, holds each answer until its write ends, for receipts that come first. */
export function resultRecorder(
  write: (results: DeliveryResult[]) => Promise<void>,
  unwritten?: UnwrittenAnswers,
): ResultRecorder {
  let pending: DeliveryResult[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let failure: unknown;

  async function writeWithRetries(results: DeliveryResult[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write(results);
      } catch (error) {
        if (error instanceof LostClaimError || attempt === WRITE_TRIES) throw error;
        await sleep(50 * attempt);
      }
    }
  }

  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return writing;
    const results = pending;
    pending = [];
    writing = writing.then(async () => {
      unwritten?.writing(results);
      try {
        if (failure !== undefined) return;
        await writeWithRetries(results).catch((error: unknown) => {
          failure = error;
        });
      } finally {
        unwritten?.written(results);
      }
    });
    return writing;
  }

  return {
    add(result) {
      pending.push(result);
      unwritten?.hold(result);
      if (pending.length >= FLUSH_SIZE) void flush();
      else timer ??= setTimeout(() => void flush(), FLUSH_DELAY_MS);
    },
    async close() {
      await flush();
      if (failure !== undefined) throw failure;
    },
  };
}
