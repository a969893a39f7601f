/**
 * smpp@0.5 decodes every GSM-7 short_message (each delivery receipt) through `gsmCoder.getCoder`, which
 * checks whether its tables are built with `Object.keys` over a 128-entry table: an array of 128 strings
 * per receipt, a few percent of a sender's CPU at thousands of receipts a second. The tables never change
 * once built, so each coder is looked up once and kept. Same coders, same bytes; only the check is gone.
 */
import smpp from 'smpp';

const { gsmCoder } = smpp;
const getCoder = gsmCoder.getCoder;
const coders = new Map<number | undefined, unknown>();

gsmCoder.getCoder = function cachedCoder(this: typeof gsmCoder, encoding?: number): unknown {
  let coder = coders.get(encoding);
  if (coder === undefined) {
    coder = getCoder.call(this, encoding);
    coders.set(encoding, coder);
  }
  return coder;
};
