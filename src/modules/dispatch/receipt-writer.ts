/**
 * Collects the providers' delivery receipts as they arrive and writes them in batches: an SMSC can send
 * thousands a second, one statement each would fall behind. Receipts that cannot be written for a moment
 * (the database away) stay in the buffer and go with the next batch.
 *
 * A receipt often arrives before its delivery is recorded as sent (an SMSC answers within milliseconds;
 * a worker records a chunk's answers together). Such a receipt is stored in the database at once, so
 * that it survives this process, and this writer tries to match it again every few milliseconds for a
 * while; after that the dispatch sweep matches what is left.
 */
import type { DeliveryReceipt } from '../../channels/channel.js';
import { ReceiptsNotKeptError, type DeliveryRepository, type ReceiptRow } from './delivery.repository.js';

const FLUSH_DELAY_MS = 50;
const RETRY_DELAY_MS = 1000;
const MAX_PER_WRITE = 2000;
/** How often, and for how long, this process tries its early receipts again itself. */
const EARLY_RETRY_MS = 25;
const EARLY_HELD_MS = 10_000;

export interface ReceiptWriterDeps {
  deliveries: Pick<DeliveryRepository, 'applyReceipts' | 'matchKeptReceipts'>;
  now(): number;
  onError(error: unknown): void;
  /** The providers whose receipts can end a call (voice); every provider's, unless told. */
  acknowledging?: (provider: string) => boolean;
}

// With the status: a call's 1 and its end, both early, are two receipts of one call.
const keyOf = (r: ReceiptRow): string => `${r.provider}\n${r.providerId}\n${r.status}`;

export function receiptWriter(deps: ReceiptWriterDeps) {
  let buffer: ReceiptRow[] = [];
  /** Early receipts stored in the database, with when this process stops trying them itself. */
  let early = new Map<string, { row: ReceiptRow; until: number }>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;

  /** Whether everything was written. */
  async function writeAll(): Promise<boolean> {
    while (buffer.length > 0) {
      const batch = buffer.slice(0, MAX_PER_WRITE);
      buffer = buffer.slice(batch.length);
      try {
        const { waiting } = await deps.deliveries.applyReceipts(batch, deps.now(), deps.acknowledging);
        const until = Date.now() + EARLY_HELD_MS;
        for (const row of waiting) early.set(keyOf(row), { row, until });
      } catch (error) {
        // Those matched are written; only the ones that could not be kept go again.
        buffer = [...(error instanceof ReceiptsNotKeptError ? error.receipts : batch), ...buffer];
        deps.onError(error);
        return false;
      }
    }
    return true;
  }

  async function retryEarly(): Promise<void> {
    if (early.size === 0) return;
    const now = Date.now();
    early = new Map([...early].filter(([, e]) => e.until > now));
    const rows = [...early.values()].map((e) => e.row);
    for (let i = 0; i < rows.length; i += MAX_PER_WRITE) {
      const matched = await deps.deliveries.matchKeptReceipts(rows.slice(i, i + MAX_PER_WRITE), deps.now());
      for (const row of matched) early.delete(keyOf(row));
    }
  }

  /** Writes what is buffered; resolves when it is written (or failed and kept for the next try). */
  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    writing ??= (async () => {
      const ok = await writeAll();
      if (ok) await retryEarly().catch((error: unknown) => deps.onError(error));
      return ok;
    })().then((ok) => {
      writing = undefined;
      if (buffer.length > 0) schedule(ok ? FLUSH_DELAY_MS : RETRY_DELAY_MS);
      else if (early.size > 0) schedule(EARLY_RETRY_MS);
    });
    return writing;
  }

  function schedule(delay = FLUSH_DELAY_MS): void {
    if (timer) return;
    timer = setTimeout(() => void flush(), delay);
    timer.unref();
  }

  return {
    add(receipt: DeliveryReceipt): void {
      buffer.push({
        provider: receipt.provider,
        providerId: receipt.providerId,
        status: receipt.status,
        error: receipt.error ?? null,
        at: receipt.at,
      });
      schedule();
    },
    flush,
    /** Stops trying early receipts again (they stay stored for the sweep of whichever process runs next). */
    stop(): void {
      clearTimeout(timer);
      timer = undefined;
      early.clear();
    },
    get pending(): number {
      return buffer.length;
    },
  };
}

export type ReceiptWriter = ReturnType<typeof receiptWriter>;
