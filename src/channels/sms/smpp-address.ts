/**
 * SMPP address fields (SMPP 3.4 §5.2.5–5.2.6): type of number (TON) and numbering plan (NPI) as SMSCs
 * expect them. Phone numbers go out in international form (TON 1, NPI 1 E.164, digits without `+`); a
 * sender that is a national number (`0401234567`) is converted to that form in the provider's country;
 * a short code (a few digits that are no phone number) is TON 3 network-specific; a name is TON 5
 * alphanumeric (NPI 0), at most 11 characters as GSM allows.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export interface SmppAddress {
  ton: number;
  npi: number;
  addr: string;
}

export const TON = { unknown: 0, international: 1, national: 2, networkSpecific: 3, alphanumeric: 5 } as const;
export const NPI = { unknown: 0, isdn: 1 } as const;

const MAX_SHORT_CODE_DIGITS = 8;
const MAX_ALPHANUMERIC = 11;

/** The sender (source_addr) for a configured sender name or number. */
export function sourceAddress(sender: string, country: CountryCode): SmppAddress {
  const compact = sender.replace(/[\s-]/g, '');
  if (/^(\+|00)?\d+$/.test(compact)) {
    const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
    const phone = parsePhoneNumberFromString(international, country);
    if (phone?.isValid()) return { ton: TON.international, npi: NPI.isdn, addr: phone.number.slice(1) };
    if (!international.startsWith('+') && international.length <= MAX_SHORT_CODE_DIGITS)
      return { ton: TON.networkSpecific, npi: NPI.unknown, addr: international };
    if (international.startsWith('+')) return { ton: TON.international, npi: NPI.isdn, addr: international.slice(1) };
  }
  return { ton: TON.alphanumeric, npi: NPI.unknown, addr: sender.slice(0, MAX_ALPHANUMERIC) };
}

/** The recipient (destination_addr) of an E.164 number. */
export const destinationAddress = (e164: string): SmppAddress => ({
  ton: TON.international,
  npi: NPI.isdn,
  addr: e164.replace(/^\+/, ''),
});

/** The E.164 form of an originator (source_addr of a mobile-originated SMS), or null for one that is no phone number. */
export function originatorNumber(ton: number, addr: string, country: CountryCode): string | null {
  const digits = addr.replace(/[\s-]/g, '');
  if (!/^(\+|00)?\d+$/.test(digits)) return null;
  const international =
    ton === TON.international && !digits.startsWith('+')
      ? `+${digits}`
      : digits.startsWith('00')
        ? `+${digits.slice(2)}`
        : digits;
  const phone = parsePhoneNumberFromString(international, country);
  return phone?.isValid() ? phone.number : null;
}
