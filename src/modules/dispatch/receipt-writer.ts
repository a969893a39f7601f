/**
 * Collects the providers' delivery receipts as they arrive and writes them in batches: an SMSC can send
 * thousands a second, one statement each would fall behind. Receipts that cannot be written for a moment
 * (the database away) stay in the buffer and go with the next batch.
 */
import type { DeliveryReceipt } from '../../channels/channel.js';
import type { DeliveryRepository, ReceiptRow } from './delivery.repository.js';

const FLUSH_DELAY_MS = 10;
const RETRY_DELAY_MS = 1000;
const MAX_PER_WRITE = 2000;

export interface ReceiptWriterDeps {
  deliveries: Pick<DeliveryRepository, 'applyReceipts'>;
  now(): number;
  onError(error: unknown): void;
}

export function receiptWriter(deps: ReceiptWriterDeps) {
  let buffer: ReceiptRow[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;

  /** Whether everything was written. */
  async function writeAll(): Promise<boolean> {
    while (buffer.length > 0) {
      const batch = buffer.slice(0, MAX_PER_WRITE);
      buffer = buffer.slice(batch.length);
      try {
        await deps.deliveries.applyReceipts(batch, deps.now());
      } catch (error) {
        buffer = [...batch, ...buffer];
        deps.onError(error);
        return false;
      }
    }
    return true;
  }

  /** Writes what is buffered; resolves when it is written (or failed and kept for the next try). */
  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    writing ??= writeAll().then((ok) => {
      writing = undefined;
      if (buffer.length > 0) schedule(ok ? FLUSH_DELAY_MS : RETRY_DELAY_MS);
    });
    return writing;
  }

  function schedule(delay = FLUSH_DELAY_MS): void {
    timer ??= setTimeout(() => void flush(), delay);
  }

  return {
    add(receipt: DeliveryReceipt): void {
      buffer.push({ provider: receipt.provider, providerId: receipt.providerId, status: receipt.status, error: receipt.error ?? null, at: receipt.at });
      schedule();
    },
    flush,
    get pending(): number {
      return buffer.length;
    },
  };
}

export type ReceiptWriter = ReturnType<typeof receiptWriter>;
