/**
 * The bytes of one SMS part as `short_message` carries them: GSM-7 as unpacked septets (one byte each,
 * an extension character as 0x1B and its code), UCS-2 as UTF-16 big-endian. Encoded here from tables
 * built once, so the SMPP library sends the bytes as they are instead of encoding each message again.
 */
import { GSM_ALPHABET, GSM_EXTENSION, type SmsEncoding } from './sms-encoding.js';

const ESCAPE = 0x1b;
const GSM_CODES = new Map<string, number[]>([
  ...[...GSM_ALPHABET].map((char, code): [string, number[]] => [char, [code]]),
  ...Object.entries(GSM_EXTENSION).map(([char, code]): [string, number[]] => [char, [ESCAPE, code]]),
]);
const SPACE = [0x20];

/** A part's bytes; a character outside GSM-7 (which splitSms never leaves in a GSM-7 part) becomes a space. */
export function smsPartBytes(text: string, encoding: SmsEncoding): Buffer {
  if (encoding === 'UCS-2') return Buffer.from(text, 'utf16le').swap16();
  const bytes: number[] = [];
  for (const char of text) bytes.push(...(GSM_CODES.get(char) ?? SPACE));
  return Buffer.from(bytes);
}
