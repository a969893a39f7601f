/**
 * Phone numbers and emails as residents type them → what is stored: E.164 numbers (`0401234567` in
 * Finland is `+358401234567`), lower-cased emails. Mobile or landline is libphonenumber-js's call
 * (its `max` metadata knows the number ranges); the resident can correct it. Pure functions.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import { FieldError, ValidationError } from '../../errors.js';
import { numberingCountries, tenantCountry } from '../tenants/tenant.country.js';
import type { PhoneNumberType, Tenant } from '../tenants/tenant.types.js';
import type { ProblemCode, ProblemParams } from '../../problems.js';

export type EndpointKind = 'mobile' | 'landline' | 'email';

export interface ParsedEndpoint {
  type: EndpointKind;
  value: string;
}

/** Which numbers residents may give (log in with, add): by country and by libphonenumber-js number type. */
export interface PhonePolicy {
  country: CountryCode;
  countries: readonly string[];
  types: readonly PhoneNumberType[];
}

/** The tenant's phone policy: its countries (default its own) and number types (default mobiles and fixed lines). */
export function phonePolicyOf(tenant: Pick<Tenant, 'languages' | 'settings' | 'bbox'>): PhonePolicy {
  const country = tenantCountry(tenant);
  const countries = numberingCountries(
    tenant.settings.phoneCountries.length > 0 ? tenant.settings.phoneCountries : [country],
  );
  return { country, countries, types: tenant.settings.phoneNumberTypes };
}

/** A number outside the tenant's policy (a premium, shared-cost or satellite range, another country): 400 naming the field. */
export class PhoneNotAllowedError extends FieldError {
  constructor(field: string, code: ProblemCode, params?: ProblemParams) {
    super(400, field, code, params, {}, 'phone-not-allowed');
  }
}

// Number types that are reached by a voice call rather than an SMS.
const LANDLINE_TYPES = new Set([
  'FIXED_LINE',
  'VOIP',
  'UAN',
  'TOLL_FREE',
  'SHARED_COST',
  'PERSONAL_NUMBER',
  'VOICEMAIL',
]);

/**
 * Numbers parsed lately, by country and text: a login parses its number twice (PIN request, then the
 * PIN), and libphonenumber's full metadata makes a parse cost about as much as a statement. Bounded.
 */
interface ParsedPhone extends ParsedEndpoint {
  /** The number's country (undefined for international networks such as +882, +883). */
  region: string | undefined;
  numberType: PhoneNumberType | undefined;
  /** The number as people write it internationally (`+358 40 1234567`). */
  formatted: string;
}
const parsedPhones = new Map<string, ParsedPhone>();
const PARSED_PHONES_KEPT = 10_000;

function parsePhoneFacts(text: string, country: CountryCode, field: string): ParsedPhone {
  const cacheKey = `${country}:${text}`;
  const hit = parsedPhones.get(cacheKey);
  if (hit) return hit;
  if (!/^\+?[0-9 ()./-]{3,30}$/.test(text)) throw new ValidationError(field, 'phone-format');
  const phone = parsePhoneNumberFromString(text, country);
  if (!phone || !phone.isValid()) throw new ValidationError(field, 'phone-invalid');
  const numberType = phone.getType();
  const parsed: ParsedPhone = {
    type: numberType && LANDLINE_TYPES.has(numberType) ? 'landline' : 'mobile',
    value: phone.number,
    region: phone.country,
    numberType,
    formatted: phone.formatInternational(),
  };
  if (parsedPhones.size >= PARSED_PHONES_KEPT) parsedPhones.clear();
  parsedPhones.set(cacheKey, parsed);
  return parsed;
}

/** Refuses a number outside `policy`: another country, an international network, a number type not allowed. */
function requireAllowed(phone: ParsedPhone, policy: PhonePolicy, field: string): void {
  if (phone.region === undefined || !policy.countries.includes(phone.region)) {
    throw new PhoneNotAllowedError(field, 'phone-country', { countries: policy.countries.join(', ') });
  }
  if (phone.numberType === undefined || !policy.types.includes(phone.numberType)) {
    throw new PhoneNotAllowedError(field, 'phone-not-allowed');
  }
}

/** A phone number as stored; with `policy`, one the tenant accepts only (else PhoneNotAllowedError). */
export function parsePhone(input: string, country: CountryCode, field: string, policy?: PhonePolicy): ParsedEndpoint {
  const phone = parsePhoneFacts(input.trim(), country, field);
  if (policy) requireAllowed(phone, policy, field);
  return { type: phone.type, value: phone.value };
}

/** A number as Aviso understood it, for the resident to see before a PIN goes to it. */
export interface PhoneDescription {
  /** E.164. */
  number: string;
  formatted: string;
  /** ISO 3166 alpha-2 (AX for Åland's numbers). */
  country: string;
  type: 'mobile' | 'landline';
}

/** The number `input` reads as in the tenant's country, with its type; refused like a login number. */
export function describePhone(input: string, policy: PhonePolicy, field: string): PhoneDescription {
  const phone = parsePhoneFacts(input.trim(), policy.country, field);
  requireAllowed(phone, policy, field);
  return {
    number: phone.value,
    formatted: phone.formatted,
    country: phone.region ?? '',
    type: phone.type === 'landline' ? 'landline' : 'mobile',
  };
}

const emailSchema = z.email().max(254);

export function parseEmail(input: string, field: string): ParsedEndpoint {
  const value = input.trim().toLowerCase();
  if (!emailSchema.safeParse(value).success) throw new ValidationError(field, 'email-invalid');
  return { type: 'email', value };
}

/** A phone number (one `policy` allows) or an email, told apart by the `@`. */
export function parseEndpoint(input: string, policy: PhonePolicy, field: string): ParsedEndpoint {
  return input.includes('@') ? parseEmail(input, field) : parsePhone(input, policy.country, field, policy);
}

/** The one of `phone` / `email` that was given (exactly one), parsed; a phone one `policy` allows; the error names the field. */
export function parseLoginEndpoint(
  body: { phone?: string | undefined; email?: string | undefined },
  policy: PhonePolicy,
): ParsedEndpoint {
  if (body.phone && body.email) throw new ValidationError('phone', 'phone-or-email-both');
  if (body.phone) return parsePhone(body.phone, policy.country, 'phone', policy);
  if (body.email) return parseEmail(body.email, 'email');
  throw new ValidationError('phone', 'phone-or-email-missing');
}
