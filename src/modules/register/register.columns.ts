/**
 * The register file's layout: the columns of SPEC, an optional mapping for other layouts (our column →
 * their header), the delimiter (given, or read off the header line) and the text encodings we decode.
 * Pure: no I/O.
 */
import { parse as parseCsvSync } from 'csv-parse/sync';
import { z } from 'zod';
import { ValidationError } from '../../errors.js';

export const REGISTER_COLUMNS = [
  'person_id',
  'first_name',
  'last_name',
  'birth_date',
  'street',
  'number',
  'postal_code',
  'postal_town',
  'mobile',
  'landline',
  'language',
  'protected',
] as const;
export type RegisterColumn = (typeof REGISTER_COLUMNS)[number];

/** `postal_town` and `language` may be absent; of `mobile` and `landline` at least one must be there. */
const REQUIRED: readonly RegisterColumn[] = [
  'person_id',
  'first_name',
  'last_name',
  'birth_date',
  'street',
  'number',
  'postal_code',
  'protected',
];

/** A column-mapping file: `{ "person_id": "HETU", "first_name": "Etunimi", … }`. */
export const columnMappingSchema = z
  .partialRecord(z.enum(REGISTER_COLUMNS), z.string().trim().min(1))
  .refine(
    (mapping) => new Set(Object.values(mapping)).size === Object.values(mapping).length,
    'two of our columns are mapped to the same header',
  );
export type ColumnMapping = z.infer<typeof columnMappingSchema>;

/** Parses a column-mapping file's text; the error names what is wrong with it. */
export function parseColumnMapping(text: string): ColumnMapping {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError('columns', 'columns-json', { reason: (error as Error).message });
  }
  const parsed = columnMappingSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ValidationError('columns', 'columns-invalid', {
      path: issue.path.join('.') || 'mapping',
      reason: issue.message,
      keys: REGISTER_COLUMNS.join(', '),
    });
  }
  return parsed.data;
}

export const REGISTER_ENCODINGS = ['utf8', 'latin1', 'windows-1252'] as const;
export type RegisterEncoding = (typeof REGISTER_ENCODINGS)[number];

const ENCODING_ALIASES: Record<string, RegisterEncoding> = {
  utf8: 'utf8',
  'utf-8': 'utf8',
  latin1: 'latin1',
  'latin-1': 'latin1',
  'iso-8859-1': 'latin1',
  'iso8859-1': 'latin1',
  'windows-1252': 'windows-1252',
  win1252: 'windows-1252',
  cp1252: 'windows-1252',
};

export function parseEncoding(value: string): RegisterEncoding {
  const encoding = ENCODING_ALIASES[value.trim().toLowerCase()];
  if (!encoding) throw new ValidationError('encoding', 'encoding-unknown', { value });
  return encoding;
}

export const REGISTER_DELIMITERS = [',', ';', '\t'] as const;
export type RegisterDelimiter = (typeof REGISTER_DELIMITERS)[number];

/** `,` `;` or a tab, also written `tab` or `\t` (what a shell makes easy to type). */
export function parseDelimiter(value: string): RegisterDelimiter {
  const normalised = value === 'tab' || value === '\\t' ? '\t' : value;
  if (!(REGISTER_DELIMITERS as readonly string[]).includes(normalised))
    throw new ValidationError('delimiter', 'delimiter-invalid');
  return normalised as RegisterDelimiter;
}

/** The delimiter that splits the header line into the most fields (quoted text ignored); `,` when none does. */
export function detectDelimiter(headerLine: string): RegisterDelimiter {
  const unquoted = headerLine.replace(/"[^"]*"/g, '');
  let best: RegisterDelimiter = ',';
  let bestCount = 0;
  for (const delimiter of REGISTER_DELIMITERS) {
    const count = unquoted.split(delimiter).length - 1;
    if (count > bestCount) [best, bestCount] = [delimiter, count];
  }
  return best;
}

/** Where each of our columns is in a row; -1 when the file does not have it. */
export type ColumnIndex = Readonly<Record<RegisterColumn, number>>;

export interface ResolvedHeader {
  index: ColumnIndex;
  /** Fields in the header: every row must have as many. */
  fieldCount: number;
}

/** Reads the header line and finds our columns in it (case-insensitive, through the mapping if given). */
export function resolveColumns(
  headerLine: string,
  delimiter: RegisterDelimiter,
  mapping: ColumnMapping = {},
): ResolvedHeader {
  const [header = []] = parseCsvSync(headerLine, {
    delimiter,
    bom: true,
    trim: true,
    relax_quotes: true,
  }) as string[][];
  const positions = new Map(header.map((name, i) => [name.toLowerCase(), i] as const));
  const index = {} as Record<RegisterColumn, number>;
  for (const column of REGISTER_COLUMNS) index[column] = positions.get((mapping[column] ?? column).toLowerCase()) ?? -1;
  const missing = REQUIRED.filter((c) => index[c] < 0);
  if (index.mobile < 0 && index.landline < 0) missing.push('mobile');
  if (missing.length > 0) {
    const named = missing.map((c) => (mapping[c] ? `${c} (mapped to "${mapping[c]}")` : c));
    const hint =
      header.length <= 1
        ? `; the header has one field: is the delimiter ${JSON.stringify(delimiter)} right?`
        : '; map other headers with a column-mapping file';
    throw new ValidationError('file', 'register-columns', { columns: named.join(', '), hint });
  }
  return { index, fieldCount: header.length };
}
