/**
 * SMPP delivery receipts (deliver_sm with esm_class 0x04): the receipted_message_id / message_state TLVs
 * when present, else the de-facto text format `id:… sub:… dlvrd:… submit date:… done date:… stat:DELIVRD err:000`.
 */
import type { DeliveryReceipt } from '../channel.js';

const STATES: Record<string, DeliveryReceipt['status']> = {
  DELIVRD: 'delivered',
  EXPIRED: 'expired',
  DELETED: 'failed',
  UNDELIV: 'failed',
  REJECTD: 'failed',
  UNKNOWN: 'failed',
};
// message_state TLV values of SMPP 3.4 §5.2.28.
const TLV_STATES: Record<number, string> = {
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  7: 'UNKNOWN',
  8: 'REJECTD',
};

export const isReceipt = (esmClass: unknown): boolean => typeof esmClass === 'number' && (esmClass & 0x3c) === 0x04;

export function parseReceipt(
  fields: { short_message?: unknown; receipted_message_id?: unknown; message_state?: unknown },
  at: number,
): Omit<DeliveryReceipt, 'provider'> | undefined {
  const raw = fields.short_message as { message?: unknown } | string | undefined;
  const text =
    typeof raw === 'string'
      ? raw
      : typeof raw?.message === 'string'
        ? raw.message
        : Buffer.isBuffer(raw?.message)
          ? raw.message.toString('latin1')
          : '';
  const id =
    typeof fields.receipted_message_id === 'string' ? fields.receipted_message_id : /\bid:(\S+)/i.exec(text)?.[1];
  const state =
    typeof fields.message_state === 'number'
      ? TLV_STATES[fields.message_state]
      : /\bstat:(\w+)/i.exec(text)?.[1]?.toUpperCase();
  if (!id || !state) return undefined;
  const status = STATES[state];
  if (!status) return undefined; // ENROUTE / ACCEPTED: not final yet.
  if (status === 'delivered') return { providerId: id, status, at };
  const err = /\berr:(\w+)/i.exec(text)?.[1];
  return { providerId: id, status, at, error: `${state}${err ? ` err:${err}` : ''}` };
}

const stamp = (date: Date): string => date.toISOString().replace(/[-:T]/g, '').slice(2, 12);

export function formatReceipt(
  id: string,
  state: keyof typeof STATES,
  err: string,
  submitted: Date,
  done: Date,
  text: string,
): string {
  const delivered = state === 'DELIVRD' ? '001' : '000';
  return `id:${id} sub:001 dlvrd:${delivered} submit date:${stamp(submitted)} done date:${stamp(done)} stat:${state} err:${err} text:${text.slice(0, 20)}`;
}
