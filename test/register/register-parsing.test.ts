/** The pure parts of the register import: phone numbers, house numbers, the file's layout. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/demo/random.js';
import { AppError } from '../../src/errors.js';
import { parsePhone } from '../../src/modules/auth/endpoint.parse.js';
import { houseNumberKeys } from '../../src/modules/register/register.address-index.js';
import {
  detectDelimiter,
  parseColumnMapping,
  parseDelimiter,
  parseEncoding,
  resolveColumns,
} from '../../src/modules/register/register.columns.js';
import { phoneNormaliser } from '../../src/modules/register/register.phone.js';

describe('register phone numbers', () => {
  it('normalises national and international forms to E.164 and types them', () => {
    const fi = phoneNormaliser('FI');
    expect(fi('0401234567', 'mobile')).toEqual({ type: 'mobile', value: '+358401234567' });
    expect(fi('040-123 4567', 'mobile')).toEqual({ type: 'mobile', value: '+358401234567' });
    expect(fi('+358 40 123 4567', 'mobile')).toEqual({ type: 'mobile', value: '+358401234567' });
    expect(fi('00358401234567', 'mobile')).toEqual({ type: 'mobile', value: '+358401234567' });
    expect(fi('(09) 123 4567', 'landline')).toEqual({ type: 'landline', value: '+35891234567' });
    // A landline in the mobile column is a landline (called, not texted).
    expect(fi('03 4881234', 'mobile')).toEqual({ type: 'landline', value: '+35834881234' });
    expect(fi('+46 70 123 45 67', 'mobile')).toEqual({ type: 'mobile', value: '+46701234567' });
    const se = phoneNormaliser('SE');
    expect(se('070-123 45 67', 'mobile')).toEqual({ type: 'mobile', value: '+46701234567' });
    expect(se('08-123 456 78', 'landline')).toEqual({ type: 'landline', value: '+46812345678' });
    for (const bad of ['12', 'call me', '040-12', '+358 00 000 0000', '0401234567890123'])
      expect(fi(bad, 'mobile')).toBeNull();
  });

  it('answers exactly as libphonenumber-js does for every number, also from what it learned of earlier ones', () => {
    const random = seededRandom(7);
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
    const prefixes = [
      '040',
      '041',
      '044',
      '045',
      '046',
      '050',
      '0457',
      '09',
      '03',
      '013',
      '019',
      '020',
      '0800',
      '0600',
      '070',
      '08',
      '+35840',
      '+3589',
      '00358',
      '+4670',
      '+468',
      '0',
      '',
    ];
    const formats = [
      (s: string) => s,
      (s: string) => `${s.slice(0, 3)}-${s.slice(3)}`,
      (s: string) => `${s.slice(0, 3)} ${s.slice(3, 6)} ${s.slice(6)}`,
    ];
    for (const country of ['FI', 'SE'] as const) {
      const normalise = phoneNormaliser(country);
      for (let i = 0; i < 20_000; i++) {
        const prefix = prefixes[Math.floor(random() * prefixes.length)]!;
        const raw = formats[i % formats.length]!(prefix + digits(4 + Math.floor(random() * 6)));
        let expected: { type: string; value: string } | null;
        try {
          const parsed = parsePhone(raw, country, 'mobile');
          expected = { type: parsed.type === 'landline' ? 'landline' : 'mobile', value: parsed.value };
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          expected = null;
        }
        expect([raw, normalise(raw, 'mobile')]).toEqual([raw, expected]);
      }
    }
  });
});

describe('register house numbers and layout', () => {
  it('tries the number as written, then the building with its letter, then the bare number; a flat is never part of it', () => {
    expect(houseNumberKeys('12')).toEqual(['12']);
    expect(houseNumberKeys('12 B')).toEqual(['12b', '12']);
    expect(houseNumberKeys('12b')).toEqual(['12b', '12']);
    expect(houseNumberKeys('12 B 5')).toEqual(['12b5', '12b', '12']);
    expect(houseNumberKeys('12 as 5')).toEqual(['12as5', '12']);
    expect(houseNumberKeys('3 5')).toEqual(['3']);
    expect(houseNumberKeys('5-7')).toEqual(['5-7', '5']);
    expect(houseNumberKeys('131a')).toEqual(['131a', '131']);
  });

  it('reads the delimiter off the header and finds the columns, through a mapping for other layouts', () => {
    expect(detectDelimiter('person_id,first_name,last_name')).toBe(',');
    expect(detectDelimiter('person_id;first_name;"last,name"')).toBe(';');
    expect(detectDelimiter('person_id\tfirst_name\tlast_name')).toBe('\t');
    expect(parseDelimiter('tab')).toBe('\t');
    expect(() => parseDelimiter('|')).toThrow(/use , ; or tab/);
    expect(parseEncoding('ISO-8859-1')).toBe('latin1');
    expect(parseEncoding('cp1252')).toBe('windows-1252');
    const header = 'HETU;Etunimi;Sukunimi;Syntynyt;Katu;Numero;Postinumero;GSM;Turvakielto';
    const mapping = parseColumnMapping(
      JSON.stringify({
        person_id: 'HETU',
        first_name: 'Etunimi',
        last_name: 'Sukunimi',
        birth_date: 'Syntynyt',
        street: 'Katu',
        number: 'Numero',
        postal_code: 'Postinumero',
        mobile: 'GSM',
        protected: 'Turvakielto',
      }),
    );
    const { index, fieldCount } = resolveColumns(header, ';', mapping);
    expect(fieldCount).toBe(9);
    expect(index).toMatchObject({ person_id: 0, mobile: 7, protected: 8, landline: -1, language: -1 });
    expect(() => parseColumnMapping('{"personid": "HETU"}')).toThrow(/columns: /);
    expect(() => parseColumnMapping('{"person_id": "A", "first_name": "A"}')).toThrow(/same header/);
    expect(() => resolveColumns('person_id first_name', ',')).toThrow(/is the delimiter "," right\?/);
  });
});
