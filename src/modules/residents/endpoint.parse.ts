/**
 * Phone numbers and emails as residents type them → what is stored: E.164 numbers (`0401234567` in
 * Finland is `+358401234567`), lower-cased emails. Mobile or landline is libphonenumber-js's call
 * (its `max` metadata knows the number ranges); the resident can correct it. Pure functions.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import type { Language } from '../tenants/tenant.types.js';

export type EndpointKind = 'mobile' | 'landline' | 'email';

export interface ParsedEndpoint {
  type: EndpointKind;
  value: string;
}

const COUNTRY_BY_LANGUAGE: Record<Language, CountryCode> = { fi: 'FI', sv: 'SE', en: 'FI' };

/** National numbers are read in the country of the tenant's first language (fi → FI, sv → SE, en → FI). */
export function defaultCountry(languages: readonly Language[]): CountryCode {
  return COUNTRY_BY_LANGUAGE[languages[0] ?? 'fi'];
}

// Number types that are reached by a voice call rather than an SMS.
const LANDLINE_TYPES = new Set(['FIXED_LINE', 'VOIP', 'UAN', 'TOLL_FREE', 'SHARED_COST', 'PERSONAL_NUMBER', 'VOICEMAIL']);

/**
 * Numbers parsed lately, by country and text: a login parses its number twice (PIN request, then the
 * PIN), and libphonenumber's full metadata makes a parse cost about as much as a statement. Bounded.
 */
const parsedPhones = new Map<string, ParsedEndpoint>();
const PARSED_PHONES_KEPT = 10_000;

export function parsePhone(input: string, country: CountryCode, field: string): ParsedEndpoint {
  const text = input.trim();
  const cacheKey = `${country}:${text}`;
  const hit = parsedPhones.get(cacheKey);
  if (hit) return { ...hit };
  if (!/^\+?[0-9 ()./-]{3,30}$/.test(text)) throw new ValidationError(field, 'not a phone number (digits, spaces and - only, e.g. 0401234567 or +358401234567)');
  const phone = parsePhoneNumberFromString(text, country);
  if (!phone || !phone.isValid()) throw new ValidationError(field, 'not a valid phone number');
  const type = phone.getType();
  const parsed: ParsedEndpoint = { type: type && LANDLINE_TYPES.has(type) ? 'landline' : 'mobile', value: phone.number };
  if (parsedPhones.size >= PARSED_PHONES_KEPT) parsedPhones.clear();
  parsedPhones.set(cacheKey, parsed);
  return { ...parsed };
}

const emailSchema = z.email().max(254);

export function parseEmail(input: string, field: string): ParsedEndpoint {
  const value = input.trim().toLowerCase();
  if (!emailSchema.safeParse(value).success) throw new ValidationError(field, 'not a valid email address');
  return { type: 'email', value };
}

/** A phone number or an email, told apart by the `@`. */
export function parseEndpoint(input: string, country: CountryCode, field: string): ParsedEndpoint {
  return input.includes('@') ? parseEmail(input, field) : parsePhone(input, country, field);
}

/** The one of `phone` / `email` that was given (exactly one), parsed; the error names the field. */
export function parseLoginEndpoint(body: { phone?: string | undefined; email?: string | undefined }, country: CountryCode): ParsedEndpoint {
  if (body.phone && body.email) throw new ValidationError('phone', 'give a phone number or an email, not both');
  if (body.phone) return parsePhone(body.phone, country, 'phone');
  if (body.email) return parseEmail(body.email, 'email');
  throw new ValidationError('phone', 'give a phone number or an email');
}
