/**
 * Cells of the CSV files Aviso writes (RFC 4180 quoting), safe to open in a spreadsheet: a text cell
 * beginning with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula, so it gets a
 * leading `'` (OWASP's advice on CSV injection). Numbers are written as they are.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
