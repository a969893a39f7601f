/**
 * A receipt that arrives while its answer waits to be written is taken into the answer (written
 * delivered at once); one that arrives once the write has begun, or a failure receipt, is not.
 */
import { describe, expect, it } from 'vitest';
import type { DeliveryResult } from '../../src/modules/dispatch/delivery.repository.js';
import { resultRecorder } from '../../src/modules/dispatch/result-recorder.js';
import { unwrittenAnswers } from '../../src/modules/dispatch/unwritten-answers.js';

const PROVIDER = 'smpp://a@h:1';
const answer = (seq: number, providerId: string | null = `id-${seq}`): DeliveryResult => ({
  seq,
  status: 'sent',
  provider: PROVIDER,
  providerId,
  error: null,
  attempted: true,
  answer: null,
});
const receipt = (providerId: string, status: 'delivered' | 'failed' = 'delivered', provider = PROVIDER) => ({
  provider,
  providerId,
  status,
  at: 0,
});

describe('answers not written yet', () => {
  it('a delivered receipt for an answer waiting for its write is written with it, once', async () => {
    const unwritten = unwrittenAnswers();
    const written: DeliveryResult[][] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const recorder = resultRecorder(async (results) => {
      written.push(results.map((r) => ({ ...r })));
      await gate;
    }, unwritten);
    recorder.add(answer(0));
    recorder.add(answer(1));
    recorder.add(answer(2, null));
    expect(unwritten.absorb(receipt('id-0'))).toBe(true);
    expect(unwritten.absorb(receipt('id-0'))).toBe(false);
    // Another provider's id, and a failure receipt, take the usual way.
    expect(unwritten.absorb(receipt('id-1', 'delivered', 'smpp://b@h:2'))).toBe(false);
    expect(unwritten.absorb(receipt('id-1', 'failed'))).toBe(false);
    const closing = recorder.close();
    await new Promise((resolve) => setImmediate(resolve));
    // The write has begun: too late to change what it writes.
    expect(unwritten.absorb(receipt('id-1'))).toBe(false);
    open();
    await closing;
    expect(written).toHaveLength(1);
    expect(written[0]!.map((r) => r.status)).toEqual(['delivered', 'sent', 'sent']);
    expect(unwritten.size).toBe(0);
  });

  it('holds no answer that cannot take a receipt', () => {
    const unwritten = unwrittenAnswers();
    unwritten.hold({ ...answer(0), status: 'failed' });
    unwritten.hold({ ...answer(1), status: 'queued' });
    unwritten.hold(answer(2, null));
    expect(unwritten.size).toBe(0);
  });
});
