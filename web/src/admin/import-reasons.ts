/**
 * The register import report's reasons in the page's language. The server words each reason in English
 * (kept in the report, joined by "; "); each known wording becomes its text here, anything else stays
 * as it came.
 */
import type { TFunction } from 'i18next';

/** The reasons' keys are built at run time: looked up untyped, each has a text in every locale (type-checked there). */
type Translate = (key: string, params?: Record<string, string>) => string;

const COLUMNS: Record<string, string> = {
  person_id: 'personId',
  'first name': 'firstName',
  'last name': 'lastName',
  'birth date': 'birthDate',
  street: 'street',
  'house number': 'number',
  'postal code': 'postalCode',
};

const PATTERNS: Array<[RegExp, string, (m: RegExpExecArray, t: Translate) => Record<string, string>]> = [
  [
    /^(\d+) fields where the header has (\d+) \(a stray delimiter or quote\?\)$/,
    'fieldCount',
    (m) => ({ fields: m[1]!, expected: m[2]! }),
  ],
  [
    /^missing (.+)$/,
    'missing',
    (m, t) => ({ column: COLUMNS[m[1]!] ? t(`admin.import.columns.${COLUMNS[m[1]!]}`) : m[1]! }),
  ],
  [/^bad birth date: .+$/, 'badBirthDate', () => ({})],
  [
    /^bad (mobile|landline) number: imported with the other number only$/,
    'badPhoneKept',
    (m, t) => ({ type: t(`portal.endpoints.types.${m[1]}`) }),
  ],
  [/^bad (mobile|landline) number$/, 'badPhone', (m, t) => ({ type: t(`portal.endpoints.types.${m[1]}`) })],
  [/^no phone number$/, 'noPhone', () => ({})],
  [/^duplicate person_id: first on line (\d+)$/, 'duplicate', (m) => ({ line: m[1]! })],
  [/^address not found: no such house number on the street in (\d+)$/, 'noNumber', (m) => ({ postalCode: m[1]! })],
  [
    /^address not found: the street and number are in postal code (\d+), not (\d+)$/,
    'otherPostalCode',
    (m) => ({ found: m[1]!, given: m[2]! }),
  ],
  [/^address not found: no such street in (\d+)$/, 'noStreet', (m) => ({ postalCode: m[1]! })],
  [
    /^address not found: postal code (\d+) is not in the address register$/,
    'noPostalCode',
    (m) => ({ postalCode: m[1]! }),
  ],
  [/^unrecognised value in protected: read as protected, not imported$/, 'protectedUnclear', () => ({})],
];

export function importReasonText(typed: TFunction, reason: string): string {
  const t = typed as unknown as Translate;
  return reason
    .split('; ')
    .map((part) => {
      for (const [pattern, key, params] of PATTERNS) {
        const match = pattern.exec(part);
        if (match) return t(`admin.import.reasons.${key}`, params(match, t));
      }
      return part;
    })
    .join('; ');
}
