/**
 * SMS encoding and segmentation: GSM 03.38 (7-bit, 160 / 153 per part) when every character is in the
 * GSM alphabet, UCS-2 (70 / 67) otherwise. An en dash or a curly quote is enough to force UCS-2, which is
 * why message texts are normalised before sending. The one SMS counter: the sender splits by it, the
 * preview counts by it, and the console's live counter imports it as is (pure, no imports).
 */
/** The GSM 03.38 default alphabet in code order (0x1B, the escape to the extension table, included). */
export const GSM_ALPHABET =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1BÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** The extension table's characters and their codes (each sent after 0x1B). */
export const GSM_EXTENSION: Readonly<Record<string, number>> = {
  '\f': 0x0a,
  '^': 0x14,
  '{': 0x28,
  '}': 0x29,
  '\\': 0x2f,
  '[': 0x3c,
  '~': 0x3d,
  ']': 0x3e,
  '|': 0x40,
  '€': 0x65,
};
const GSM_EXTENDED = Object.keys(GSM_EXTENSION).join('');
const BASIC = new Set(GSM_ALPHABET.replace('\x1B', ''));
const EXTENDED = new Set(GSM_EXTENDED);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export function smsEncoding(text: string): SmsEncoding {
  for (const char of text) if (!BASIC.has(char) && !EXTENDED.has(char)) return 'UCS-2';
  return 'GSM-7';
}

/** Septets (GSM-7: extension characters take two) or UTF-16 code units (UCS-2). */
function unitsOf(char: string, encoding: SmsEncoding): number {
  if (encoding === 'UCS-2') return char.length;
  return EXTENDED.has(char) ? 2 : 1;
}

/** Splits a text into the parts one concatenated SMS needs (a single part when it fits). */
export function splitSms(text: string): { encoding: SmsEncoding; parts: string[] } {
  const encoding = smsEncoding(text);
  const single = encoding === 'GSM-7' ? 160 : 70;
  const perPart = encoding === 'GSM-7' ? 153 : 67;
  const chars = [...text];
  const total = chars.reduce((sum, c) => sum + unitsOf(c, encoding), 0);
  if (total <= single) return { encoding, parts: [text] };
  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const char of chars) {
    const units = unitsOf(char, encoding);
    if (used + units > perPart) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += char;
    used += units;
  }
  if (current) parts.push(current);
  return { encoding, parts };
}

export interface SmsFigures {
  encoding: SmsEncoding;
  /** The parts the text goes out in; none for an empty text. */
  segments: number;
  /** Characters (code points) as typed. */
  characters: number;
}

/** What a text costs as SMS, counted as splitSms sends it. */
export function smsFigures(text: string): SmsFigures {
  const { encoding, parts } = splitSms(text);
  return { encoding, segments: text ? parts.length : 0, characters: [...text].length };
}
