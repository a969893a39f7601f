/**
 * What the server does to an SMS text before sending, shared with the console's counter (imported as
 * is, like sms-encoding.ts): typographic characters outside GSM-7 become their plain look-alikes (an en
 * dash or a curly quote would make every part UCS-2, 70 characters), and the anti-smishing link rule.
 * Pure.
 */
import smartEncodingModule from 'sms-segments-calculator/dist/libs/SmartEncodingMap.js';
import { smsEncoding } from './sms-encoding.js';

/** Twilio's "smart encoding" table: typographic character → GSM-7 look-alike (a CommonJS default export). */
const smartModule = smartEncodingModule as unknown as Record<string, string> & { default?: Record<string, string> };
const SMART_ENCODING: Record<string, string> =
  typeof smartModule.default === 'object' ? smartModule.default : smartModule;

/** Replaces typographic characters outside GSM-7 by their plain look-alikes; lists what it replaced. */
export function normaliseForSms(text: string): { text: string; replaced: string[] } {
  const replaced = new Set<string>();
  let out = '';
  for (const char of text) {
    const plain = smsEncoding(char) === 'UCS-2' ? SMART_ENCODING[char] : undefined;
    if (plain !== undefined) {
      replaced.add(char);
      out += plain;
    } else {
      out += char;
    }
  }
  return { text: out, replaced: [...replaced] };
}

const LINK =
  /\b(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:fi|se|ax|com|net|org|eu|info|io|ly|me)(?:\/\S*)?\b/i;

/** Whether the text holds a link (a URL, `www.…`, or a bare domain of a common ending), which tenants may refuse in SMS. */
export const containsLink = (text: string): boolean => LINK.test(text);
