/**
 * A receipt that arrives while its answer waits to be written is taken into the answer (written
 * delivered at once); one that arrives once the write has begun waits for the write to end and then goes
 * on to be written; a failure receipt is never taken into an answer.
 */
import { describe, expect, it } from 'vitest';
import { LostClaimError, type DeliveryResult } from '../../src/modules/dispatch/delivery.repository.js';
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
    const after: Array<{ providerId: string; status: string; writes: number }> = [];
    const then = (r: { providerId: string; status: string }) =>
      after.push({ providerId: r.providerId, status: r.status, writes: written.length });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const recorder = resultRecorder(async (results) => {
      written.push(results.map((r) => ({ ...r })));
      await gate;
    }, unwritten);
    recorder.add(answer(0));
    recorder.add(answer(1));
    recorder.add(answer(2, null));
    expect(unwritten.absorb(receipt('id-0'), then)).toBe(true);
    expect(unwritten.absorb(receipt('id-0'), then)).toBe(false);
    // Another provider's id, and a failure receipt, take the usual way.
    expect(unwritten.absorb(receipt('id-1', 'delivered', 'smpp://b@h:2'), then)).toBe(false);
    expect(unwritten.absorb(receipt('id-1', 'failed'), then)).toBe(false);
    const closing = recorder.close();
    await new Promise((resolve) => setImmediate(resolve));
    // The write has begun: too late to change what it writes; the receipts wait for it to end.
    expect(unwritten.absorb(receipt('id-1'), then)).toBe(true);
    expect(unwritten.absorb(receipt('id-1', 'failed'), then)).toBe(true);
    expect(after).toEqual([]);
    open();
    await closing;
    expect(written).toHaveLength(1);
    expect(written[0]!.map((r) => r.status)).toEqual(['delivered', 'sent', 'sent']);
    expect(after).toEqual([
      { providerId: 'id-1', status: 'delivered', writes: 1 },
      { providerId: 'id-1', status: 'failed', writes: 1 },
    ]);
    expect(unwritten.size).toBe(0);
    expect(unwritten.absorb(receipt('id-1'), then)).toBe(false);
  });

  it('receipts waiting for a write that failed go on all the same', async () => {
    const unwritten = unwrittenAnswers();
    const after: string[] = [];
    let fail!: (error: Error) => void;
    const recorder = resultRecorder(() => new Promise<void>((_resolve, reject) => (fail = reject)), unwritten);
    recorder.add(answer(0));
    const closing = recorder.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(unwritten.absorb(receipt('id-0'), (r) => after.push(r.providerId))).toBe(true);
    fail(new LostClaimError('taken over'));
    await expect(closing).rejects.toThrow('taken over');
    expect(after).toEqual(['id-0']);
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
