/**
 * One row of a register file → a record to import, "protected" (non-disclosure: nothing of it is kept),
 * or the reasons it is rejected. Reasons never repeat a value of the row (the report is not another
 * copy of the register); the line number says where to look. Pure: no I/O.
 */
import { AppError } from '../../errors.js';
import { parseBirthDate } from '../residents/contact.rules.js';
import type { Language } from '../tenants/tenant.types.js';
import type { ColumnIndex, RegisterColumn } from './register.columns.js';
import type { PhoneNormaliser, PhoneType, RegisterPhone } from './register.phone.js';

export type { PhoneType, RegisterPhone } from './register.phone.js';

export interface RegisterRecord {
  personId: string;
  firstName: string;
  lastName: string;
  /** YYYY-MM-DD: kept so that the 16-year rule is applied on the day of each send. */
  birthDate: string;
  street: string;
  number: string;
  postalCode: string;
  language: Language | null;
  phones: RegisterPhone[];
}

export type ParsedRegisterRow =
  | { kind: 'protected'; unrecognised: boolean }
  | { kind: 'rejected'; reason: string }
  | { kind: 'ok'; record: RegisterRecord; warnings: string[] };

export interface RowContext {
  index: ColumnIndex;
  /** Fields of the header: a row with another count is misaligned and cannot be trusted. */
  fieldCount: number;
  /** Phone numbers → E.164 (national ones read in the tenant's country). */
  normalisePhone: PhoneNormaliser;
  /** Now, epoch ms: birth dates in the future are refused. */
  today: number;
}

// Values of the `protected` column. Anything else is read as protected: a non-disclosure mark in an
// unexpected spelling must never let a row through.
const NOT_PROTECTED = new Set(['', '0', 'false', 'no', 'n', 'e', 'ei', 'nej']);
const PROTECTED = new Set(['1', 'true', 'yes', 'y', 'k', 'kyllä', 'kylla', 'j', 'ja', 'x']);

const LANGUAGE_NAMES: Record<string, Language> = {
  fi: 'fi',
  fin: 'fi',
  suomi: 'fi',
  finnish: 'fi',
  finska: 'fi',
  sv: 'sv',
  swe: 'sv',
  svenska: 'sv',
  ruotsi: 'sv',
  swedish: 'sv',
  en: 'en',
  eng: 'en',
  english: 'en',
  englanti: 'en',
  engelska: 'en',
};

/** Unknown or empty → null: dispatch then falls back to the tenant's first language. */
function parseLanguage(value: string): Language | null {
  return LANGUAGE_NAMES[value.toLowerCase()] ?? null;
}

function readPhones(
  mobile: string,
  landline: string,
  normalise: PhoneNormaliser,
): { phones: RegisterPhone[]; bad: PhoneType[] } {
  const phones: RegisterPhone[] = [];
  const bad: PhoneType[] = [];
  for (const [raw, column] of [
    [mobile, 'mobile'],
    [landline, 'landline'],
  ] as const) {
    if (raw === '') continue;
    const phone = normalise(raw, column);
    if (!phone) bad.push(column);
    else if (!phones.some((p) => p.value === phone.value)) phones.push(phone);
  }
  return { phones, bad };
}

export function parseRegisterRow(fields: readonly string[], context: RowContext): ParsedRegisterRow {
  if (fields.length !== context.fieldCount) {
    return {
      kind: 'rejected',
      reason: `${fields.length} fields where the header has ${context.fieldCount} (a stray delimiter or quote?)`,
    };
  }
  const get = (column: RegisterColumn): string => {
    const i = context.index[column];
    return i < 0 ? '' : (fields[i] ?? '').trim();
  };
  const protectedValue = get('protected').toLowerCase();
  if (!NOT_PROTECTED.has(protectedValue)) return { kind: 'protected', unrecognised: !PROTECTED.has(protectedValue) };

  const reasons: string[] = [];
  const required = (column: RegisterColumn, name: string): string => {
    const value = get(column).replace(/\s+/g, ' ');
    if (value === '') reasons.push(`missing ${name}`);
    return value;
  };
  const personId = required('person_id', 'person_id');
  const firstName = required('first_name', 'first name');
  const lastName = required('last_name', 'last name');
  const rawBirthDate = required('birth_date', 'birth date');
  const street = required('street', 'street');
  const number = required('number', 'house number');
  const postalCode = required('postal_code', 'postal code').replace(/\s+/g, '');

  let birthDate = '';
  if (rawBirthDate !== '') {
    try {
      birthDate = parseBirthDate(rawBirthDate, context.today, 'birth_date');
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      reasons.push(`bad birth date: ${error.fields[0]?.message ?? 'not a date'}`);
    }
  }

  const { phones, bad } = readPhones(get('mobile'), get('landline'), context.normalisePhone);
  if (phones.length === 0)
    reasons.push(bad.length > 0 ? bad.map((c) => `bad ${c} number`).join('; ') : 'no phone number');
  if (reasons.length > 0) return { kind: 'rejected', reason: reasons.join('; ') };

  const warnings = bad.map((c) => `bad ${c} number: imported with the other number only`);
  const record = {
    personId,
    firstName,
    lastName,
    birthDate,
    street,
    number,
    postalCode,
    language: parseLanguage(get('language')),
    phones,
  };
  return { kind: 'ok', record, warnings };
}
