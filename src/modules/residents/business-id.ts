/**
 * Business ids of company contacts, checked the way their registries define them. Pure functions.
 * - Finnish Y-tunnus: 7 digits, a hyphen, a check digit: weights 7 9 10 5 8 4 2, sum mod 11; remainder 0
 *   → 0, remainder 1 → never issued, otherwise 11 − remainder. Old 6-digit ids take a leading zero.
 * - Swedish organisationsnummer: 10 digits (NNNNNN-NNNN, optionally with the century `16` in front),
 *   the last one a Luhn check digit over the first nine.
 */

export type BusinessIdCountry = 'FI' | 'SE';

export interface BusinessId {
  country: BusinessIdCountry;
  /** Canonical form: `1234567-8` or `556036-0793`. */
  value: string;
}

const Y_WEIGHTS = [7, 9, 10, 5, 8, 4, 2] as const;

/** The check digit of a 7-digit Y-tunnus body; undefined when the body can have none (remainder 1). */
export function yTunnusCheckDigit(body: string): number | undefined {
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += Number(body[i]) * Y_WEIGHTS[i]!;
  const remainder = sum % 11;
  if (remainder === 1) return undefined;
  return remainder === 0 ? 0 : 11 - remainder;
}

export function parseYTunnus(input: string): BusinessId | undefined {
  const match = /^(\d{6,7})-(\d)$/.exec(input.trim());
  if (!match) return undefined;
  const body = match[1]!.padStart(7, '0');
  if (yTunnusCheckDigit(body) !== Number(match[2])) return undefined;
  return { country: 'FI', value: `${body}-${match[2]}` };
}

/** Luhn check: doubling every second digit from the right, the total is divisible by 10. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function parseOrganisationsnummer(input: string): BusinessId | undefined {
  const match = /^(?:16)?(\d{6})-?(\d{4})$/.exec(input.trim());
  if (!match) return undefined;
  const digits = match[1]! + match[2]!;
  if (!luhnValid(digits)) return undefined;
  return { country: 'SE', value: `${match[1]}-${match[2]}` };
}

/** A Finnish Y-tunnus or a Swedish organisationsnummer, canonicalised; undefined when it is neither. */
export function parseBusinessId(input: string): BusinessId | undefined {
  return parseYTunnus(input) ?? parseOrganisationsnummer(input);
}
