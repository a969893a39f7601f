/**
 * SMPP 3.4 command_status values: their names (from the smpp library's table) and which of them are worth
 * trying again — the SMSC is busy or broken for a moment — rather than a final answer about the message.
 */
import smpp from 'smpp';

const NAMES = new Map<number, string>(Object.entries(smpp.errors).map(([name, code]) => [code, name]));

/** Temporary: throttled, queue full, system error, submit failed, unknown error; the rest are final. */
const TEMPORARY = new Set([
  'ESME_RTHROTTLED',
  'ESME_RMSGQFUL',
  'ESME_RSYSERR',
  'ESME_RSUBMITFAIL',
  'ESME_RUNKNOWNERR',
  'ESME_RX_T_APPN',
]);

/** `ESME_RTHROTTLED`, or `status 0x…` for a code outside the specification (vendor codes). */
export const smppStatusName = (status: number): string =>
  NAMES.get(status) ?? `status 0x${status.toString(16).padStart(8, '0')}`;

export const isTemporarySmppStatus = (status: number): boolean => TEMPORARY.has(NAMES.get(status) ?? '');
