/**
 * Phone numbers of a register file → E.164 and mobile/landline, by the residents' own rules
 * (residents/endpoint.parse.ts, libphonenumber-js with its `max` metadata), made affordable for a
 * million rows: parsing costs 8–15 µs a number, most of an import's CPU time.
 *
 * Whether a number is valid, and whether it is a mobile, follows from its country, its leading digits
 * and its length: number ranges are allocated by prefix. So the first number parsed answers for every
 * number that differs from it in the last four digits only: same country, same written prefix ("+",
 * "00", "0"), same digit count. The E.164 form of such a number is the same tail of its digits behind
 * the same country code. Short numbers (where the last four digits could be part of a prefix), invalid
 * ones and numbers whose E.164 form is not a tail of their digits always go to the library. A property
 * test (test/register/register-parsing.test.ts) holds this to the library's answers.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { AppError } from '../../errors.js';
import { parsePhone } from '../auth/endpoint.parse.js';

export type PhoneType = 'mobile' | 'landline';

export interface RegisterPhone {
  type: PhoneType;
  /** E.164. */
  value: string;
}

const MIN_DIGITS = 9;
const MASKED_DIGITS = 4;
/** Digits of the national number needed beyond the masked ones for the prefix to decide. */
const MIN_NATIONAL_DIGITS = MASKED_DIGITS + 4;
/** Entries kept before the memo starts over (a few hundred thousand prefixes at most in practice). */
const MAX_ENTRIES = 200_000;

interface Known {
  type: PhoneType;
  countryCode: string;
  skip: number;
}

/** What parsePhone accepts at all; anything else is not a number. */
const WRITTEN_NUMBER = /^\+?[0-9 ()./-]{3,30}$/;

function parseOnce(raw: string, country: CountryCode, column: PhoneType): RegisterPhone | null {
  try {
    const parsed = parsePhone(raw, country, column);
    return { type: parsed.type === 'landline' ? 'landline' : 'mobile', value: parsed.value };
  } catch (error) {
    if (error instanceof AppError) return null;
    throw error;
  }
}

/**
 * How the E.164 form follows from the digits: `+` country code, then the digits from `skip` on. Learned
 * from valid numbers only, and only when at least four digits of the national number lie before the
 * masked ones (its prefix then decides, not the masked digits).
 */
function learn(digits: string, phone: RegisterPhone | null): Known | undefined {
  if (!phone) return undefined;
  const parsed = parsePhoneNumberFromString(phone.value);
  if (!parsed) return undefined;
  const national = parsed.nationalNumber;
  if (national.length < MIN_NATIONAL_DIGITS || !digits.endsWith(national)) return undefined;
  return { type: phone.type, countryCode: parsed.countryCallingCode, skip: digits.length - national.length };
}

/** A normaliser for one import: `normalise(raw, column)` → the number, or null when it is not a valid one. */
export function phoneNormaliser(country: CountryCode) {
  const known = new Map<string, Known>();
  return (raw: string, column: PhoneType): RegisterPhone | null => {
    const text = raw.trim();
    if (!WRITTEN_NUMBER.test(text)) return null;
    const digits = text.replace(/\D/g, '');
    if (digits.length < MIN_DIGITS) return parseOnce(text, country, column);
    const key = `${text.startsWith('+') ? '+' : ''}${digits.slice(0, digits.length - MASKED_DIGITS)}/${digits.length}`;
    const hit = known.get(key);
    if (hit) return { type: hit.type, value: `+${hit.countryCode}${digits.slice(hit.skip)}` };
    const phone = parseOnce(text, country, column);
    const learned = learn(digits, phone);
    if (learned) {
      if (known.size >= MAX_ENTRIES) known.clear();
      known.set(key, learned);
    }
    return phone;
  };
}

export type PhoneNormaliser = ReturnType<typeof phoneNormaliser>;
