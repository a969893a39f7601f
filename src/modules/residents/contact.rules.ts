/** Rules of a contact's own fields: dates of birth, business ids, which fields a kind of contact has. Pure. */
import { ValidationError } from '../../errors.js';
import { parseBusinessId } from './business-id.js';

const FIRST_YEAR = 1900;

/** `YYYY-MM-DD` or `YYYYMMDD` → `YYYY-MM-DD`; an impossible or future date is refused naming `field`. */
export function parseBirthDate(input: string, today: number, field = 'birthDate'): string {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(input.trim());
  if (!match) throw new ValidationError(field, 'birth-date-format');
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new ValidationError(field, 'date-not-exist');
  }
  if (year < FIRST_YEAR || date.getTime() > today)
    throw new ValidationError(field, 'birth-date-range', { first: FIRST_YEAR });
  return `${match[1]}-${match[2]}-${match[3]}`;
}

export function canonicalBusinessId(input: string, field = 'businessId'): string {
  const parsed = parseBusinessId(input);
  if (!parsed) throw new ValidationError(field, 'business-id-invalid');
  return parsed.value;
}

export const PERSON_FIELDS = ['firstName', 'lastName', 'birthDate'] as const;
export const COMPANY_FIELDS = ['companyName', 'businessId', 'contactPerson'] as const;
/** What the public register supplies: a resident can hide the name but not rewrite the register's facts. */
export const REGISTER_FIELDS = ['firstName', 'lastName', 'birthDate'] as const;
